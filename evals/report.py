"""report.md and report.html from a results document. Both are rendered from one list of blocks, so
they say the same thing; the HTML inlines the SVG charts and escapes every question and answer."""

from __future__ import annotations

from html import escape
from pathlib import Path

from evals.metrics import NDCG_K
from evals.svg import grouped_bars, histogram

METRICS = [("key_fact_coverage", "Key-fact coverage"),
           ("retrieved_key_fact_coverage", "Key-fact coverage of the top 6 retrieved texts"),
           ("extraction_efficiency", "Extraction efficiency (answer ÷ top-6 coverage)"),
           ("standalone_sentences", "Standalone sentences"), ("verdict_accuracy", "Yes/no verdicts right (labelled claims)"),
           ("wrong_verdict_rate", "Yes/no verdicts wrong (the opposite word)"),
           ("hit@1", "Hit@1"), ("hit@5", "Hit@5"), ("mrr", "MRR"),
           (f"ndcg@{NDCG_K}", f"nDCG@{NDCG_K}"), ("citation_precision", "Citation precision"),
           ("verification_rate", "Verification rate"), ("refusal_accuracy", "Refusal accuracy (unanswerable)"),
           ("wrong_refusal_rate", "Wrong-refusal rate (answerable)"), ("latency_p50_ms", "Latency p50 (ms)"),
           ("latency_p95_ms", "Latency p95 (ms)")]
TAG_COLUMNS = ["key_fact_coverage", "hit@1", "hit@5", "mrr", f"ndcg@{NDCG_K}", "citation_precision",
               "verification_rate", "refusal_correct", "latency_p50_ms"]
CHART_METRICS = [("key_fact_coverage", "key-fact coverage"), ("hit@5", "hit@5"), ("mrr", "MRR"),
                 (f"ndcg@{NDCG_K}", f"nDCG@{NDCG_K}"), ("citation_precision", "citation precision"),
                 ("refusal_correct", "refusal correct")]
NOTES = [
    "Retrieval metrics run over `retrieved` (best first). An item is relevant if it is a chapter passage of an "
    "expected chapter ('4' covers '4.x') or an event whose date starts with an expected date ('2024-07' covers "
    "'2024-07-08'). nDCG@10 uses binary gains; its ideal ranking fills the slots the system returned (at most 10) "
    "with as many relevant items as its own collection holds, so a short list of only relevant items scores 1.",
    "Key-fact coverage: the fraction of a question's key facts found in the answer text after normalising dates "
    "('8 July 2024' = 'July 8, 2024' = '2024-07-08'; 'July 2024' = '2024-07', which a full date in that month "
    "also satisfies), numbers ('five' = '5', '1,180' = '1180', '¥600 million' = '600 million yen'), case, accents, "
    "punctuation, hyphens and word endings (Snowball stems). A fact counts as found as a phrase, when all its "
    "content words occur within a short window, or when a window of the answer reaches a difflib ratio of 0.85 "
    "with every number of the fact present exactly.",
    "Citation precision: cited items that are relevant (as above) or contain a key fact, over cited items; "
    "averaged over answers that cite anything (refusals cite nothing; an unanswerable question answered with "
    "citations scores 0). Verification rate: verified citations over all citations, pooled.",
    "Extraction efficiency: mean key-fact coverage of the answers divided by the mean key-fact coverage of the "
    "top 6 retrieved texts (titles, dates and text), over the same answerable questions: how much of what "
    "retrieval found the answer states. Standalone sentences: the share of answer sentences that do not open "
    "with a reference back ('This …', 'These rules …', 'First, …'), a sentence doing so right after one citing "
    "the same item counting as standalone; refusals are not counted.",
    "Yes/no verdicts: for a question whose claim the record settles (a `verdict` of yes or no, labelled by a "
    "reader of the corpus who never saw an answer: evals/verdicts.yaml), the share of answers opening with the "
    "right word; an answer with no Yes/No, or a refusal, counts as wrong. Verdicts wrong: the share opening "
    "with the opposite word, which misleads where no verdict only withholds.",
    "Refusal accuracy: refused unanswerable questions / unanswerable questions. Wrong-refusal rate: refused "
    "answerable questions / answerable questions. 'refusal correct' in the per-tag tables covers both. "
    "Unanswerable questions are excluded from retrieval and key-fact metrics. Latency: timings_ms.total.",
    "Baseline: llama-index VectorStoreIndex over the same corpus (one Document per chapter, one per timeline "
    "event), default SentenceSplitter chunking, dense top-2 with the same embedding model, answer = first two "
    "sentences of each chunk. It never refuses and ignores conversation history.",
]


# --- formatting ------------------------------------------------------------------------------


def fmt(value, key: str = "") -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if key.endswith("_ms") or key == "latency_ms":
        return f"{value:,.0f}"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def _latency_ratio(summary: dict, baseline: dict | None) -> float | None:
    if not baseline:
        return None
    a, b = summary["overall"]["latency_p50_ms"], baseline["summary"]["overall"]["latency_p50_ms"]
    return a / b if a and b else None


def _failures(result: dict) -> list[str]:
    s = result["scores"]
    why = []
    if not s["refusal_correct"]:
        why.append("wrongly refused" if s["refused"] else "should have refused")
    if s.get("key_fact_coverage") is not None and s["key_fact_coverage"] < 1:
        why.append("missing: " + "; ".join(s.get("facts_missing", [])))
    if s.get("hit@5") == 0:
        why.append("nothing relevant in top 5")
    if s.get("citation_precision") is not None and s["citation_precision"] < 0.5 and result["answerable"]:
        why.append(f"citation precision {s['citation_precision']:.2f}")
    if result.get("error"):
        why.append(result["error"])
    return why


def _weak_spots(weak: list[tuple[dict, list[str]]], total: int, base_by_id: dict) -> list[tuple]:
    """Each failing question with why, and its answer (for the sets one tunes on)."""
    rows = [[r["id"], ", ".join(r["tags"]), fmt(r["scores"]["key_fact_coverage"]), fmt(r["scores"]["hit@5"]),
             fmt(r["scores"]["mrr"]), fmt(r["refused"]), " · ".join(why),
             fmt(base_by_id.get(r["id"], {}).get("scores", {}).get("key_fact_coverage"))] for r, why in weak]
    return [("h", 2, f"Weak spots: {len(weak)} of {total} questions"),
            ("table", ["Question", "Tags", "Key facts", "Hit@5", "MRR", "Refused", "Why", "Baseline key facts"], rows),
            ("answers", [r for r, _ in weak], "Answers to the weak-spot questions")]


def _failures_by_type(weak: list[tuple[dict, list[str]]], total: int) -> list[tuple]:
    """Failures on a held-out split, counted by question type and kind of failure only."""
    kinds = ("wrongly refused", "should have refused", "missing", "nothing relevant", "citation precision")
    counts: dict[str, dict[str, int]] = {}
    for r, why in weak:
        row = counts.setdefault(r["tags"][0] if r["tags"] else "—", dict.fromkeys(kinds, 0))
        for kind in kinds:
            row[kind] += any(w.startswith(kind) for w in why)
    rows = [[t, str(sum(1 for r, _ in weak if (r["tags"] or ["—"])[0] == t))] + [str(row[k]) for k in kinds]
            for t, row in sorted(counts.items())]
    return [("h", 2, f"Failures by type: {len(weak)} of {total} questions (held-out split: no per-question detail)"),
            ("table", ["Type", "failing"] + list(kinds), rows)]


# --- blocks ----------------------------------------------------------------------------------


def _run_blocks(run: dict) -> list[tuple]:
    """Title, what was run on which index and code, and the command."""
    q, idx = run["questions"], run["index"]
    blocks: list[tuple] = [("h", 1, f"Study Assistant evaluation: backend {run['backend']}")]
    blocks.append(("p", f"{q['count']} questions from {q['file']} (sha256 {q['sha256'][:12]}…), "
                        f"run {run['started']} → {run['finished']}. Index build {idx['build_id']} "
                        f"({idx['embedding_model']}, {idx['counts'].get('documents', '?')} documents"
                        f", built {idx.get('built_at', '?')}). "
                        + ", ".join(f"{k} {v}" for k, v in run["versions"].items()) + "."))
    git = run.get("git") or {}
    if git.get("commit"):
        dirty = f", with uncommitted changes to {', '.join(git['modified'])}" if git.get("modified") else ""
        blocks.append(("p", f"Code: commit {git['commit'][:10]}{dirty}."))
    blocks.append(("code", run["command"]))
    return blocks


def _headline_blocks(backend: str, summary: dict, baseline: dict | None) -> list[tuple]:
    """The headline table (assistant beside the baseline, when there is one) and the latency ratio."""
    overall, base = summary["overall"], (baseline or {}).get("summary", {}).get("overall")
    head = ["Metric", f"Assistant ({backend})"] + (["Baseline", "Δ (assistant − baseline)"] if base else [])
    rows = []
    for key, label in METRICS:
        row = [label, fmt(overall.get(key), key)]
        if base:
            a, b = overall.get(key), base.get(key)
            row += [fmt(b, key), fmt(a - b, key) if a is not None and b is not None else "—"]
        rows.append(row)
    counts = [("Wrong refusals", "wrong_refusals", "n_answerable"), ("Missed refusals", "missed_refusals",
                                                                      "n_unanswerable")]
    for label, key, of in counts:
        rows.append([label, f"{overall[key]} of {overall[of]}"] + ([f"{base[key]} of {base[of]}", ""] if base else []))
    rows.append(["Answered by", ", ".join(f"{k}: {v}" for k, v in overall["answered_by"].items()) or "—"]
                + (["baseline", ""] if base else []))
    if overall.get("errors"):
        rows.append(["Errors", str(overall["errors"])] + (["", ""] if base else []))
    blocks: list[tuple] = [("h", 2, "Headline"), ("table", head, rows)]
    ratio = _latency_ratio(summary, baseline)
    if ratio is not None:
        a, b = fmt(overall["latency_p50_ms"], "_ms"), fmt(base["latency_p50_ms"], "_ms")
        blocks.append(("p", f"Latency ratio, assistant p50 / baseline p50: {ratio:.1f}× ({a} ms vs {b} ms)."))
    return blocks


def _systems(backend: str, summary: dict, baseline: dict | None) -> list[tuple[str, dict]]:
    """(name, summary) of the assistant and, when it ran, the baseline."""
    return [(f"Assistant ({backend})", summary)] + ([("Baseline", baseline["summary"])] if baseline else [])


def _plot_and_tag_blocks(doc: dict, backend: str) -> list[tuple]:
    """Metrics by tag as bars, the latency histogram, then a by-tag table per system."""
    summary, baseline = doc["summary"], doc.get("baseline")
    blocks: list[tuple] = [("h", 2, "Plots")]
    tags = list(summary["by_tag"])
    for name, summ in _systems(backend, summary, baseline):
        series = {label: [summ["by_tag"][t].get(key) for t in tags] for key, label in CHART_METRICS}
        slug = "assistant" if name.startswith("Assistant") else "baseline"
        blocks.append(("svg", f"metrics_by_tag_{slug}.svg", grouped_bars(tags, series, f"{name}: metrics by tag")))
    lat = {f"assistant ({backend})": [r["scores"]["latency_ms"] for r in doc["results"]]}
    if baseline:
        lat["baseline"] = [r["scores"]["latency_ms"] for r in baseline["results"]]
    blocks.append(("svg", "latency.svg", histogram(lat, "Latency per question (timings_ms.total)")))
    for name, summ in _systems(backend, summary, baseline):
        blocks.append(("h", 2, f"By tag: {name}"))
        rows = [[t, str(a["n"])] + [fmt(a.get(k), k) for k in TAG_COLUMNS] for t, a in summ["by_tag"].items()]
        blocks.append(("table", ["Tag", "n"] + TAG_COLUMNS, rows))
    return blocks


def _question_blocks(results: list[dict], base_by_id: dict[str, dict], with_base: bool) -> list[tuple]:
    """Every question's scores (beside the baseline's key facts and hit@5), then every answer."""
    cols = ["key_fact_coverage", "hit@1", "hit@5", "mrr", f"ndcg@{NDCG_K}", "citation_precision",
            "verification_rate", "refusal_correct", "latency_ms"]
    rows = []
    for r in results:
        b = base_by_id.get(r["id"], {}).get("scores", {})
        rows.append([r["id"], ", ".join(r["tags"])] + [fmt(r["scores"].get(k), k) for k in cols]
                    + ([fmt(b.get("key_fact_coverage")), fmt(b.get("hit@5"))] if with_base else []))
    head = ["Question", "Tags"] + cols + (["baseline KF", "baseline hit@5"] if with_base else [])
    return [("h", 2, "Every question"), ("table", head, rows), ("answers", results, "All answers")]


def build_blocks(doc: dict) -> list[tuple]:
    run = doc["run"]
    has_base = bool((doc.get("baseline") or {}).get("summary", {}).get("overall"))
    baseline = doc["baseline"] if has_base else None
    blocks = _run_blocks(run) + _headline_blocks(run["backend"], doc["summary"], baseline)
    blocks += _plot_and_tag_blocks({**doc, "baseline": baseline}, run["backend"])
    base_by_id = {r["id"]: r for r in baseline["results"]} if baseline else {}
    weak = [(r, _failures(r)) for r in doc["results"]]
    weak = [(r, why) for r, why in weak if why]
    if run["questions"].get("held_out") or run["questions"].get("split") == "test":  # reported, never read one by one
        blocks += _failures_by_type(weak, len(doc["results"]))
    else:
        blocks += _weak_spots(weak, len(doc["results"]), base_by_id)
        blocks += _question_blocks(doc["results"], base_by_id, has_base)
    blocks.append(("h", 2, "How the metrics are computed"))
    return blocks + [("p", n) for n in NOTES]


# --- renderers -------------------------------------------------------------------------------


def _md_cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _md_answer(r: dict) -> list[str]:
    s = r["scores"]
    out = [f"**{r['id']}** ({', '.join(r['tags'])}): {_md_cell(r['question'])}", ""]
    if r.get("standalone_question"):
        out += [f"*Standalone:* {r['standalone_question']}", ""]
    out += ["> " + line for line in (r["answer"] or "(no answer)").splitlines()] + [""]
    if r.get("notice"):
        out += [f"*Notice:* {r['notice']}", ""]
    cites = ", ".join(f"{c['marker']} {c['ref']}{'' if c.get('verified') else ' (unverified)'}"
                      for c in r.get("citations", []))
    out += [f"Citations: {cites or '—'}. Missing facts: {'; '.join(s.get('facts_missing') or []) or '—'}.", ""]
    return out


def render_markdown(blocks: list[tuple]) -> str:
    out: list[str] = []
    for block in blocks:
        kind = block[0]
        if kind == "h":
            out += ["#" * block[1] + " " + block[2], ""]
        elif kind == "p":
            out += [block[1], ""]
        elif kind == "code":
            out += ["```", block[1], "```", ""]
        elif kind == "table":
            _, head, rows = block
            out.append("| " + " | ".join(_md_cell(h) for h in head) + " |")
            out.append("|" + "|".join("---" for _ in head) + "|")
            out += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in rows]
            out.append("")
        elif kind == "svg":
            out += [f"![{block[1]}]({block[1]})", ""]
        elif kind == "answers" and block[2].startswith("Answers to the weak"):
            out += [f"### {block[2]}", ""]
            for r in block[1]:
                out += _md_answer(r)
    return "\n".join(out).rstrip() + "\n"


def _html_answer(r: dict) -> str:
    s = r["scores"]
    cites = "".join(
        f"<li>{escape(c['marker'])} {escape(c['kind'])} <code>{escape(str(c['ref']))}</code> {escape(c['title'])}"
        f"{'' if c.get('verified') else ' <b>(unverified)</b>'}</li>" for c in r.get("citations", []))
    parts = [f"<details><summary><code>{escape(r['id'])}</code> ({escape(', '.join(r['tags']))}): "
             f"{escape(r['question'])}</summary>"]
    if r.get("standalone_question"):
        parts.append(f"<p><i>Standalone:</i> {escape(r['standalone_question'])}</p>")
    parts.append(f"<blockquote>{escape(r['answer'] or '(no answer)')}</blockquote>")
    if r.get("notice"):
        parts.append(f"<p><i>Notice:</i> {escape(r['notice'])}</p>")
    parts.append(f"<ul>{cites}</ul><p>Missing facts: {escape('; '.join(s.get('facts_missing') or []) or '—')}</p>")
    return "".join(parts) + "</details>"


def render_html(blocks: list[tuple], title: str) -> str:
    out = [f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{escape(title)}</title><style>"
           "body{font-family:system-ui,sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;color:#222}"
           "table{border-collapse:collapse;margin:1em 0;font-size:13px}td,th{border:1px solid #ccc;padding:3px 6px;"
           "text-align:left;vertical-align:top}th{background:#f3f3f3}blockquote{white-space:pre-wrap;"
           "border-left:3px solid #ccc;margin:.5em 0;padding-left:1em}pre{background:#f6f6f6;padding:.5em;"
           "overflow-x:auto}details{margin:.3em 0}</style></head><body>"]
    for block in blocks:
        kind = block[0]
        if kind == "h":
            out.append(f"<h{block[1]}>{escape(block[2])}</h{block[1]}>")
        elif kind == "p":
            out.append(f"<p>{escape(block[1])}</p>")
        elif kind == "code":
            out.append(f"<pre>{escape(block[1])}</pre>")
        elif kind == "table":
            _, head, rows = block
            out.append("<table><thead><tr>" + "".join(f"<th>{escape(str(h))}</th>" for h in head) + "</tr></thead>"
                       "<tbody>" + "".join("<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in row) + "</tr>"
                                           for row in rows) + "</tbody></table>")
        elif kind == "svg":
            out.append(f"<figure>{block[2]}</figure>")  # generated here; every label inside is escaped
        elif kind == "answers":
            out.append(f"<h3>{escape(block[2])}</h3>" + "".join(_html_answer(r) for r in block[1]))
    out.append("</body></html>")
    return "\n".join(out)


def write_reports(doc: dict, out_dir: Path) -> None:
    blocks = build_blocks(doc)
    out_dir = Path(out_dir)
    for block in blocks:
        if block[0] == "svg":
            (out_dir / block[1]).write_text(block[2], encoding="utf-8")
    (out_dir / "report.md").write_text(render_markdown(blocks), encoding="utf-8")
    title = f"Study Assistant evaluation: {doc['run']['backend']}"
    (out_dir / "report.html").write_text(render_html(blocks, title), encoding="utf-8")
