"""Two small inline-SVG charts (no plotting dependency): grouped bars and a log-scale histogram."""

from __future__ import annotations

import math
from html import escape

PALETTE = ["#4269d0", "#efb118", "#ff725c", "#6cc5b0", "#3ca951", "#a463f2", "#97bbf5", "#9c6b4e"]
FONT = 'font-family="system-ui, sans-serif" font-size="11"'


def _svg(width: int, height: int, body: list[str], title: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">'
            f'<title>{escape(title)}</title><rect width="100%" height="100%" fill="white"/>'
            + "".join(body) + "</svg>")


def _legend(names: list[str], x: float, y: float) -> list[str]:
    out = []
    for i, name in enumerate(names):
        out.append(f'<rect x="{x}" y="{y + 16 * i}" width="10" height="10" fill="{PALETTE[i % len(PALETTE)]}"/>'
                   f'<text x="{x + 14}" y="{y + 16 * i + 9}" {FONT}>{escape(name)}</text>')
    return out


def grouped_bars(categories: list[str], series: dict[str, list[float | None]], title: str, *,
                 ymax: float = 1.0, width: int = 860, height: int = 300) -> str:
    """One group of bars per category, one bar per series; ``None`` leaves a gap (metric n/a)."""
    left, right, top, bottom = 40, 220, 28, 58
    plot_w, plot_h = width - left - right, height - top - bottom
    names = list(series)
    group = plot_w / max(1, len(categories))
    bar = group * 0.8 / max(1, len(names))
    body = [f'<text x="{left}" y="16" {FONT} font-size="13" font-weight="bold">{escape(title)}</text>']
    for k in range(0, 6):
        v = ymax * k / 5
        y = top + plot_h - plot_h * k / 5
        body.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
                    f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" {FONT}>{v:.1f}</text>')
    for c, category in enumerate(categories):
        x0 = left + c * group + group * 0.1
        for s, name in enumerate(names):
            value = series[name][c]
            if value is None:
                continue
            h = plot_h * max(0.0, min(value, ymax)) / ymax
            x = x0 + s * bar
            body.append(f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{max(bar - 1, 1):.1f}" '
                        f'height="{h:.1f}" fill="{PALETTE[s % len(PALETTE)]}">'
                        f'<title>{escape(category)} · {escape(name)}: {value:.3f}</title></rect>')
        cx = left + c * group + group / 2
        body.append(f'<text x="{cx:.1f}" y="{top + plot_h + 14}" text-anchor="middle" {FONT}>{escape(category)}</text>')
    body.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{top + plot_h}" y2="{top + plot_h}" stroke="#333"/>')
    body += _legend(names, left + plot_w + 16, top)
    return _svg(width, height, body, title)


def histogram(series: dict[str, list[float]], title: str, *, unit: str = "ms", bins: int = 24,
              width: int = 860, height: int = 260) -> str:
    """Overlaid histograms on a shared log-scale x axis (latencies span orders of magnitude)."""
    left, right, top, bottom = 40, 220, 28, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for vs in series.values() for v in vs if v > 0]
    body = [f'<text x="{left}" y="16" {FONT} font-size="13" font-weight="bold">{escape(title)}</text>']
    if not values:
        return _svg(width, height, body + [f'<text x="{left}" y="{top + 20}" {FONT}>no data</text>'], title)
    lo = math.floor(math.log10(min(values)) * 4) / 4
    hi = math.ceil(math.log10(max(values)) * 4) / 4
    hi = hi if hi > lo else lo + 0.25
    step = (hi - lo) / bins
    counts = {}
    for name, vs in series.items():
        c = [0] * bins
        for v in vs:
            if v > 0:
                c[min(bins - 1, int((math.log10(v) - lo) / step))] += 1
        counts[name] = c
    peak = max(max(c) for c in counts.values()) or 1
    for k in range(0, 5):
        y = top + plot_h - plot_h * k / 4
        body.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#eee"/>'
                    f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" {FONT}>{peak * k / 4:.0f}</text>')
    for s, (name, c) in enumerate(counts.items()):
        for b, n in enumerate(c):
            if not n:
                continue
            h = plot_h * n / peak
            x = left + plot_w * b / bins
            a, z = 10 ** (lo + b * step), 10 ** (lo + (b + 1) * step)
            body.append(f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{plot_w / bins - 1:.1f}" '
                        f'height="{h:.1f}" fill="{PALETTE[s % len(PALETTE)]}" fill-opacity="0.6">'
                        f'<title>{escape(name)}: {n} in {a:.0f}–{z:.0f} {unit}</title></rect>')
    for e in range(math.ceil(lo), math.floor(hi) + 1):
        for m in (1, 2, 5):
            v = math.log10(m) + e
            if lo <= v <= hi:
                x = left + plot_w * (v - lo) / (hi - lo)
                body.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top + plot_h}" y2="{top + plot_h + 4}" '
                            f'stroke="#333"/><text x="{x:.1f}" y="{top + plot_h + 16}" text-anchor="middle" '
                            f'{FONT}>{m * 10 ** e:g}</text>')
    body.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{top + plot_h}" y2="{top + plot_h}" stroke="#333"/>'
                f'<text x="{left + plot_w / 2}" y="{height - 6}" text-anchor="middle" {FONT}>'
                f'{escape(unit)} per question (log scale)</text>')
    body += _legend([f"{n} (n={len(series[n])})" for n in series], left + plot_w + 16, top)
    return _svg(width, height, body, title)
