"""The timeline chart: every event as a dot, by date (x) and category (row), as escaped inline SVG.

Dots are keyboard-focusable buttons (``data-action="select-event"``); selected ones are ringed. The
chart scales with its container and scrolls sideways on narrow screens rather than squeezing."""

from __future__ import annotations

from assistant.catalog import Catalog
from core.model import TimelineEvent
from web.render import esc, event_card

# Tableau 10: distinguishable, and readable on white.
PALETTE = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f",
           "#bab0ac")

WIDTH, LEFT, RIGHT, TOP, ROW, AXIS = 1000, 150, 20, 12, 34, 30


def category_colors(categories: list[str]) -> dict[str, str]:
    return {c: PALETTE[i % len(PALETTE)] for i, c in enumerate(categories)}


HIT_R = 16  # a dot's tap target, in chart units: >= 24 px across even when a phone shrinks the chart to 760 px


def chart_svg(catalog: Catalog, events: list[TimelineEvent], selected: list[str] | tuple[str, ...] = (),
              *, span: tuple[int, int] | None = None) -> str:
    categories = catalog.categories
    colors = category_colors(categories)
    first, last = span or catalog.years
    if events and span is None:
        first, last = int(events[0].date[:4]), int(events[-1].date[:4])
    first, last = min(first, last), max(first, last)
    height = TOP + ROW * len(categories) + AXIS
    plot_w = WIDTH - LEFT - RIGHT

    def x(position: float) -> float:
        return LEFT + (position - first) / (last + 1 - first) * plot_w

    rows = "".join(f'<rect x="{LEFT}" y="{TOP + ROW * i}" width="{plot_w}" height="{ROW}" '
                   f'class="{"row-a" if i % 2 else "row-b"}"/>' for i in range(len(categories)))
    hits, marks = _dots(events, categories, colors, set(selected), x)
    svg = (f'<svg class="timeline-svg" viewBox="0 0 {WIDTH} {height}" role="group" '
           f'aria-label="Timeline of {len(events)} events by date and category" xmlns="http://www.w3.org/2000/svg">'
           f"{rows}{_grid(range(first, last + 2), last, height, x)}{hits}{marks}{_labels(categories, height)}</svg>")
    legend = "".join(f'<span class="legend-item"><span class="swatch" style="background:{colors[c]}"></span>{esc(c)}</span>'
                     for c in categories)
    return (f'<div class="timeline"><p class="hint">{len(events)} of {len(catalog.events)} events shown. Click or tab to '
            f"a dot (Enter) to select it; select several to compare.</p>"
            f'<div class="chart-scroll">{svg}</div><div class="legend">{legend}</div></div>')


def _grid(years: range, last: int, height: int, x) -> str:
    """Ticks at each 1 January (every other year over a long span), labelled mid-year."""
    parts = []
    step = 1 if len(years) <= 16 else 2
    for year in years[::step]:
        xx = x(year)
        parts.append(f'<line x1="{xx:.1f}" x2="{xx:.1f}" y1="{TOP}" y2="{height - AXIS}" class="grid"/>')
        if year <= last:
            label_x = x(year + 0.5) if step == 1 else xx
            parts.append(f'<text x="{label_x:.1f}" y="{height - AXIS + 18}" text-anchor="middle" class="year">{year}</text>')
    return "".join(parts)


def _labels(categories: list[str], height: int) -> str:
    """Drawn last, on a backing strip: the page script keeps this group at the visible left edge while
    the chart scrolls sideways, so a row's category stays readable."""
    texts = "".join(f'<text x="{LEFT - 8}" y="{TOP + ROW * i + ROW / 2 + 4}" text-anchor="end" class="cat-label">'
                    f"{esc(c)}</text>" for i, c in enumerate(categories))
    return (f'<g class="cat-labels"><rect x="0" y="0" width="{LEFT - 2}" height="{height}" class="label-bg"/>'
            f"{texts}</g>")


def _dots(events: list[TimelineEvent], categories: list[str], colors: dict[str, str], chosen: set[str], x) -> tuple[str, str]:
    """Two layers: the focusable tap targets (big, transparent) below, the visible dots above, so a
    click on a dot always reaches that dot even where neighbours' targets overlap it."""
    hits, marks = [], []
    stacks: dict[tuple[int, int], int] = {}
    row_of = {c: i for i, c in enumerate(categories)}
    for event in events:
        row = row_of.get(event.category, len(categories) - 1)
        xx = x(event.position)
        bucket = (row, int(xx // 9))  # dots closer than ~9 units stack within the row
        k = stacks.get(bucket, 0)
        stacks[bucket] = k + 1
        yy = TOP + ROW * row + ROW / 2 + (0, -9, 9, -4.5, 4.5)[k % 5]
        is_selected = event.id in chosen
        label = esc(f"{event.display_date}: {event.title} ({event.category})")
        action = f'data-action="select-event" data-id="{esc(event.id)}"'
        hits.append(f'<circle cx="{xx:.1f}" cy="{yy:.1f}" r="{HIT_R}" class="hit" {action} tabindex="0" role="button" '
                    f'aria-pressed="{"true" if is_selected else "false"}" aria-label="{label}"><title>{label}</title></circle>')
        marks.append(f'<circle cx="{xx:.1f}" cy="{yy:.1f}" r="{8 if is_selected else 6}" '
                     f'fill="{colors.get(event.category, "#888")}" class="dot{" selected" if is_selected else ""}" {action} '
                     f'aria-hidden="true"><title>{label}</title></circle>')
    return "".join(hits), "".join(marks)


def selection_html(catalog: Catalog, selected: list[str] | tuple[str, ...]) -> str:
    events = [catalog.events_by_id[e] for e in selected if e in catalog.events_by_id]
    if not events:
        return '<div class="selection"><p class="hint">No event selected yet: click a dot in the chart or an event in the list below.</p></div>'
    cards = "".join(event_card(e, anchor=f"sel-{e.id}", catalog=catalog, removable=True) for e in events)
    return f'<div class="selection"><h4>Selected events ({len(events)})</h4>{cards}</div>'


def event_list_html(events: list[TimelineEvent], selected: list[str] | tuple[str, ...] = ()) -> str:
    """The same events as a list (for screen readers and phones)."""
    chosen = set(selected)
    items = "".join(
        f'<li><button type="button" class="linklike{" is-selected" if e.id in chosen else ""}" data-action="select-event" '
        f'data-id="{esc(e.id)}"><span class="date">{esc(e.display_date)}</span> · {esc(e.title)} '
        f'<span class="badge cat-{esc(e.category)}">{esc(e.category)}</span></button></li>'
        for e in events)
    return f'<ol class="event-list">{items}</ol>' if items else '<p class="hint">No event matches these filters.</p>'
