"""``python -m evals compare A B``: per-question regressions and improvements from run A to run B, and the
change in headline metrics."""

from __future__ import annotations

from evals.metrics import HEADLINE
from evals.report import fmt

EPS = 1e-9


def _changes(a: dict, b: dict) -> list[tuple[str, float]]:
    """(what changed, signed size) for key-fact coverage, hit@5 and refusal correctness; + is better."""
    sa, sb = a["scores"], b["scores"]
    out = []
    for key, label in (("key_fact_coverage", "key-fact coverage"), ("hit@5", "hit@5")):
        if sa.get(key) is not None and sb.get(key) is not None and abs(sb[key] - sa[key]) > EPS:
            extra = ""
            if key == "key_fact_coverage":
                lost = sorted(set(sa.get("facts_found") or []) - set(sb.get("facts_found") or []))
                won = sorted(set(sb.get("facts_found") or []) - set(sa.get("facts_found") or []))
                extra = (f"; lost {', '.join(lost)}" if lost else "") + (f"; gained {', '.join(won)}" if won else "")
            out.append((f"{label} {fmt(sa[key])} → {fmt(sb[key])}{extra}", sb[key] - sa[key]))
    if sa["refusal_correct"] != sb["refusal_correct"]:
        what = "refused" if sb["refused"] else "answered"
        out.append((f"refusal now {'correct' if sb['refusal_correct'] else 'wrong'} ({what})",
                    1.0 if sb["refusal_correct"] else -1.0))
    return out


def compare(doc_a: dict, doc_b: dict, name_a: str = "A", name_b: str = "B") -> tuple[str, int]:
    """Markdown text and the number of regressions."""
    by_a = {r["id"]: r for r in doc_a["results"]}
    by_b = {r["id"]: r for r in doc_b["results"]}
    common = [i for i in by_a if i in by_b]
    regressions, improvements = [], []
    for i in common:
        for text, delta in _changes(by_a[i], by_b[i]):
            (regressions if delta < 0 else improvements).append((i, ", ".join(by_b[i].get("tags", [])), text))

    lines = [f"# Compare {name_a} → {name_b}", "",
             f"A: {doc_a['run']['backend']}, {doc_a['run']['started']}, index {doc_a['run']['index']['build_id']}",
             f"B: {doc_b['run']['backend']}, {doc_b['run']['started']}, index {doc_b['run']['index']['build_id']}",
             f"{len(common)} questions in both"
             + (f"; only in A: {', '.join(sorted(set(by_a) - set(by_b)))}" if set(by_a) - set(by_b) else "")
             + (f"; only in B: {', '.join(sorted(set(by_b) - set(by_a)))}" if set(by_b) - set(by_a) else ""), "",
             "## Headline metrics", "", "| Metric | A | B | Δ |", "|---|---|---|---|"]
    oa, ob = doc_a["summary"]["overall"], doc_b["summary"]["overall"]
    for key in HEADLINE:
        a, b = oa.get(key), ob.get(key)
        delta = fmt(b - a, key) if a is not None and b is not None else "—"
        lines.append(f"| {key} | {fmt(a, key)} | {fmt(b, key)} | {delta} |")
    for title, rows in ((f"Regressions ({len(regressions)})", regressions),
                        (f"Improvements ({len(improvements)})", improvements)):
        lines += ["", f"## {title}", ""]
        if rows:
            lines += ["| Question | Tags | Change |", "|---|---|---|"]
            lines += [f"| {i} | {tags} | {text.replace('|', '/')} |" for i, tags, text in rows]
        else:
            lines.append("None.")
    return "\n".join(lines) + "\n", len(regressions)
