"""The evaluation harness: its metrics on hand-made cases, the baseline, the reports, and a regression
gate that runs a fixed stratified subset of evals/questions.yaml through the session assistant."""

from __future__ import annotations

import json
import math

import pytest

from evals.metrics import (
    aggregate,
    fact_found,
    is_relevant,
    key_fact_coverage,
    normalise,
    ranking_scores,
    score,
    summarize,
)
from evals.runner import evaluate_assistant, load_questions, stratified
from core.settings import PROJECT_ROOT

QUESTIONS = PROJECT_ROOT / "evals" / "questions.yaml"


def _item(kind: str, *, chapter: str | None = None, date: str | None = None, text: str = "", verified=True) -> dict:
    ref = chapter if kind == "chapter" else f"{date}-x"
    return {"kind": kind, "ref": ref, "chapter": chapter, "date": date, "title": "", "text": text,
            "verified": verified}


def _answer(text: str = "", *, refused: bool = False, citations=(), retrieved=(), total: float = 10.0) -> dict:
    return {"question": "q", "answer": text, "refused": refused, "backend": "extractive", "notice": None,
            "citations": list(citations), "retrieved": list(retrieved), "timings_ms": {"total": total}}


# --- key facts -------------------------------------------------------------------------------


@pytest.mark.parametrize("written", ["8 July 2024", "July 8, 2024", "2024-07-08", "8 Jul 2024", "8th of July 2024"])
def test_a_date_in_any_format_matches_the_key_fact(written):
    assert fact_found("8 July 2024", f"The agreement was signed on {written} in Manila.")
    assert fact_found(written, "The agreement was signed on 8 July 2024 in Manila.")


def test_dates_must_agree_and_month_only_facts_accept_a_day():
    assert not fact_found("8 July 2024", "signed on 9 July 2024")
    assert not fact_found("8 July 2024", "signed in July 2024")  # the day is part of the fact
    assert fact_found("July 2024", "signed on 2024-07-08")
    assert fact_found("October 2023", "delivered in 2023-10")
    assert fact_found("29 April 2025", "visited Manila on 29-30 April 2025")
    assert normalise("July 2024") == normalise("2024-07")


def test_number_words_currencies_and_thousands():
    assert fact_found("five", "Japan handed over 5 aircraft")
    assert fact_found("5", "Japan handed over five aircraft")
    assert fact_found("ninth", "its 9th 2+2 partner")
    assert fact_found("1,180", "about 1180 personnel")
    for written in ("¥600 million", "JPY 600 million", "600 million yen"):
        assert fact_found("600 million yen", f"a grant of {written} for radars")
    assert not fact_found("five", "Japan handed over six aircraft")
    assert not fact_found("5.3 billion yen", "parts worth 6.3 billion yen")  # fuzzy never bends a number
    assert not fact_found("1,180", "about 1,181 personnel")


def test_case_punctuation_hyphens_and_tolerant_matching():
    assert fact_found("Malacanang", "signed at MALACAÑANG Palace")
    assert fact_found("Doshin-Bayanihan 5-25", "the exercise Doshin Bayanihan 5–25 in Cebu")
    assert fact_found("19-0", "the Senate concurred 19–0")
    assert fact_found("three fixed, one mobile", "three fixed radars and one mobile radar")  # content words in a window
    assert fact_found("Alignment Despite Antagonism", "his book Alignment despite Antagonisms")  # stems
    assert fact_found("Victor D. Cha", "the political scientist Victor Cha")  # fuzzy ratio
    assert not fact_found("Kishi", "Prime Minister Kishida")
    assert not fact_found("three fixed, one mobile", "three fixed sites " + "x " * 30 + "one mobile unit")


def test_key_fact_coverage_is_the_fraction_found():
    coverage, found, missing = key_fact_coverage(["Tokyo", "9 April 2022", "Hayashi"], "In Tokyo on April 9, 2022.")
    assert coverage == pytest.approx(2 / 3) and found == ["Tokyo", "9 April 2022"] and missing == ["Hayashi"]
    assert key_fact_coverage([], "anything")[0] is None


# --- retrieval -------------------------------------------------------------------------------


def test_relevance_by_chapter_prefix_and_date_prefix():
    assert is_relevant(_item("chapter", chapter="4.3"), ["4"], [])
    assert is_relevant(_item("chapter", chapter="4.3"), ["4.3"], [])
    assert not is_relevant(_item("chapter", chapter="4.3"), ["4.2"], [])
    assert not is_relevant(_item("chapter", chapter="4"), ["4.3"], [])
    assert is_relevant(_item("event", date="2024-07-08"), [], ["2024-07"])
    assert not is_relevant(_item("event", date="2024-07-08"), [], ["2024-07-09"])
    assert not is_relevant(_item("event", date="2020-11-02"), [], ["2020-1"])
    assert not is_relevant(_item("event", chapter="5", date="2024-07-08"), ["5"], [])  # events count by date


def test_hit_mrr_ndcg_on_a_hand_made_ranking():
    scores = ranking_scores([0, 1, 0, 1, 0], n_relevant=2)
    assert scores["hit@1"] == 0 and scores["hit@5"] == 1 and scores["mrr"] == 0.5
    dcg = 1 / math.log2(3) + 1 / math.log2(5)
    assert scores["ndcg@10"] == pytest.approx(dcg / (1 + 1 / math.log2(3)))  # 0.6509
    assert ranking_scores([1, 1, 0], n_relevant=2)["ndcg@10"] == pytest.approx(1.0)
    assert ranking_scores([0, 0, 0, 0, 0, 1])["hit@5"] == 0 and ranking_scores([0, 0, 0, 0, 0, 1])["mrr"] == 1 / 6
    # more relevant items in the collection than slots: the ideal fills every returned slot
    assert ranking_scores([1, 0], n_relevant=5)["ndcg@10"] == pytest.approx(1 / (1 + 1 / math.log2(3)))


# --- answers ---------------------------------------------------------------------------------

ANSWERABLE = {"id": "a", "question": "q", "answerable": True, "key_facts": ["8 July 2024"], "tags": ["fact"],
              "expected_chapters": ["5"], "expected_event_dates": ["2024-07-08"]}
UNANSWERABLE = {"id": "u", "question": "q", "answerable": False, "key_facts": [], "tags": ["unanswerable"],
                "expected_chapters": [], "expected_event_dates": []}


def test_refusals_scored_right_and_wrong():
    assert score(UNANSWERABLE, _answer("no", refused=True))["refusal_correct"] is True
    assert score(UNANSWERABLE, _answer("an answer"))["refusal_correct"] is False
    assert score(ANSWERABLE, _answer("no", refused=True))["refusal_correct"] is False
    assert score(ANSWERABLE, _answer("8 July 2024 [1]."))["refusal_correct"] is True
    summary = aggregate([score(UNANSWERABLE, _answer(refused=True)), score(UNANSWERABLE, _answer("x")),
                         score(ANSWERABLE, _answer(refused=True)), score(ANSWERABLE, _answer("x")),
                         score(ANSWERABLE, _answer("x")), score(ANSWERABLE, _answer("x"))])
    assert summary["refusal_accuracy"] == 0.5 and summary["wrong_refusal_rate"] == 0.25
    assert summary["wrong_refusals"] == 1 and summary["missed_refusals"] == 1
    unanswerable = score(UNANSWERABLE, _answer(refused=True, retrieved=[_item("chapter", chapter="5")]))
    assert unanswerable["hit@5"] is None and unanswerable["key_fact_coverage"] is None  # excluded


def test_a_wrong_citation_lowers_citation_precision():
    right = _item("event", date="2024-07-08")
    by_fact = _item("chapter", chapter="3", text="The RAA was signed on 8 July 2024.")
    wrong = _item("chapter", chapter="4.4", text="Exercises in Cebu.", verified=False)
    good = score(ANSWERABLE, _answer("8 July 2024 [1][2].", citations=[right, by_fact]))
    bad = score(ANSWERABLE, _answer("8 July 2024 [1][2][3].", citations=[right, by_fact, wrong]))
    assert good["citation_precision"] == 1.0 and bad["citation_precision"] == pytest.approx(2 / 3)
    assert good["verification_rate"] == 1.0 and bad["verification_rate"] == pytest.approx(2 / 3)
    assert score(UNANSWERABLE, _answer("x [1].", citations=[right]))["citation_precision"] == 0.0


def test_summary_latency_percentiles_and_tags():
    results = [{"id": str(i), "tags": ["fact" if i < 4 else "list"],
                "scores": score(ANSWERABLE, _answer("8 July 2024", total=float(10 * (i + 1))))} for i in range(5)]
    summary = summarize(results)
    assert summary["overall"]["latency_p50_ms"] == 30.0 and summary["overall"]["latency_p95_ms"] == pytest.approx(48)
    assert set(summary["by_tag"]) == {"fact", "list"} and summary["by_tag"]["list"]["n"] == 1


# --- question file, baseline, reports --------------------------------------------------------


def test_a_yes_no_verdict_is_scored_by_the_answer_s_first_word():
    claim = {**ANSWERABLE, "verdict": "no"}
    assert score(claim, _answer("No: it was signed on 8 July 2024 [1]."))["verdict_correct"] == 1.0
    assert score(claim, _answer("Yes: it was signed in 1999 [1]."))["verdict_correct"] == 0.0
    assert score(claim, _answer("It was signed on 8 July 2024 [1]."))["verdict_correct"] == 0.0  # no verdict given
    assert score(claim, _answer(refused=True))["verdict_correct"] == 0.0
    assert score({**ANSWERABLE, "verdict": "unclear"}, _answer("Yes."))["verdict_correct"] is None
    summary = aggregate([score(claim, _answer("No.")), score(claim, _answer("Yes.")), score(claim, _answer("It was.")),
                         score(ANSWERABLE, _answer("x"))])
    assert summary["verdict_accuracy"] == 1 / 3 and summary["n_verdicts"] == 3
    assert summary["wrong_verdict_rate"] == 1 / 3  # only the opposite word is wrong; no verdict only withholds


def test_a_question_file_with_an_unknown_verdict_is_rejected(tmp_path):
    bad = tmp_path / "q.yaml"
    bad.write_text("- {id: q1, question: 'The RAA was signed in 1999, right?', answerable: true, key_facts: [], "
                   "expected_chapters: [], expected_event_dates: [], tags: [premise], verdict: maybe}\n")
    with pytest.raises(ValueError, match="verdict"):
        load_questions(bad)


def test_question_file_loads_and_the_subset_is_stratified():
    questions = load_questions(QUESTIONS)
    subset = stratified(questions, 3)
    tags = {t for q in questions for t in q["tags"]}
    assert all(sum(t in q["tags"] for q in subset) >= 3 for t in tags)
    assert [q["id"] for q in subset] == [q["id"] for q in stratified(questions, 3)]


def test_baseline_uses_the_loaded_embedder_and_leaves_global_settings_alone(embedder):
    from llama_index.core import Settings as LlamaSettings

    from evals.baseline import Baseline, baseline_documents
    from index.corpus import load_corpus

    corpus, _ = load_corpus(PROJECT_ROOT / "corpus")
    docs = [d for d in baseline_documents(corpus) if d.metadata["ref"] == "5" or d.metadata["date"][:4] == "2024"]
    baseline = Baseline(docs, embedder)
    answer = baseline.ask("When was the Reciprocal Access Agreement signed?").to_dict()
    assert not answer["refused"] and [c["marker"] for c in answer["citations"]] == ["[1]", "[2]"]
    assert "[1]" in answer["answer"] and "[2]" in answer["answer"] and len(answer["retrieved"]) == 2
    assert all(c["chapter"] or c["date"] for c in answer["citations"])
    assert any(c["date"] == "2024-07-08" or c["chapter"] == "5" for c in answer["citations"])
    assert LlamaSettings._embed_model is None and LlamaSettings._llm is None


def test_reports_escape_text_and_compare_finds_regressions(tmp_path):
    from evals.compare import compare
    from evals.report import write_reports

    evil = "<script>alert(1)</script>"
    a = [{"id": "a", "tags": ["fact"], "answerable": True, **_answer(f"8 July 2024 {evil} [1]."),
          "question": evil, "scores": score(ANSWERABLE, _answer("8 July 2024 [1]."))}]
    b = [{**a[0], "scores": score(ANSWERABLE, _answer("sometime [1]."))}]
    run = {"command": "test", "started": "s", "finished": "f", "backend": "extractive", "versions": {},
           "index": {"build_id": "x", "embedding_model": "m", "counts": {}}, "llm_model": None, "settings": {},
           "questions": {"file": "q.yaml", "sha256": "0" * 64, "count": 1}}
    doc_a = {"run": run, "results": a, "summary": summarize(a),
             "baseline": {"config": {}, "results": b, "summary": summarize(b)}}
    write_reports(doc_a, tmp_path)
    html = (tmp_path / "report.html").read_text()
    assert evil not in html and "&lt;script&gt;" in html and "<svg" in html
    assert (tmp_path / "report.md").exists() and (tmp_path / "latency.svg").exists()
    text, regressions = compare(doc_a, {**doc_a, "results": b, "summary": summarize(b)})
    assert regressions == 1 and "lost 8 July 2024" in text
    json.dumps(doc_a)  # the results document is plain JSON
    held_out = {**doc_a, "run": {**run, "questions": {**run["questions"], "held_out": True}}}
    write_reports(held_out, tmp_path)  # a held-out set is reported by type, never answer by answer
    md = (tmp_path / "report.md").read_text()
    assert "Failures by type" in md and "alert(1)" not in md and "All answers" not in md


def test_run_writes_results_json_with_the_run_record(assistant, tmp_path):
    from evals.runner import run

    doc = run(QUESTIONS, tmp_path, assistant=assistant, limit=2, with_baseline=False, progress=False,
              command="python -m evals run --limit 2 --no-baseline")
    saved = json.loads((tmp_path / "results.json").read_text())
    assert saved["run"]["index"]["build_id"] == assistant.manifest.build_id and saved["baseline"] is None
    assert {"python", "chromadb", "llama-index-core", "sentence-transformers"} <= set(saved["run"]["versions"])
    assert len(saved["run"]["questions"]["sha256"]) == 64 and saved["run"]["backend"] == "extractive"
    assert not any("key" in k or "secret" in k for k in saved["run"]["settings"])
    first = saved["results"][0]
    assert first["id"] == "raa-signed-date"
    assert {"answer", "citations", "retrieved", "timings_ms", "scores"} <= set(first)
    assert set(saved["summary"]) == {"overall", "by_tag"} and doc["summary"] == saved["summary"]
    assert (tmp_path / "report.md").exists() and (tmp_path / "report.html").exists()


# --- regression gate -------------------------------------------------------------------------
# A fixed stratified subset: the first 3 questions of each of the 9 tags, in file order (27 questions,
# 24 answerable, 3 unanswerable), through the session assistant with the extractive backend.
# Each minimum is the figure measured on 2026-11-25 (commit bd949ad; identical at 8a820a8 plus that hour's
# working tree) minus 0.07, rounded down. With 3 unanswerable questions refusal accuracy moves in steps of
# 1/3, so its minimum still asks for 2 of the 3 refusals.

GATE = {  # metric: (minimum, measured)
    "key_fact_coverage": (0.70, 0.778),
    "hit@1": (0.72, 0.792),
    "hit@5": (0.84, 0.917),
    "mrr": (0.77, 0.849),
    "ndcg@10": (0.55, 0.627),
    "citation_precision": (0.66, 0.731),
    "verification_rate": (0.93, 1.000),
    "refusal_accuracy": (0.59, 0.667),
}
MAX_WRONG_REFUSAL_RATE = 0.05  # measured 0.000 (0 of 24): one wrong refusal in 24 passes, two fail
MAX_P95_MS = 3000  # measured 32-773 ms on a loaded 2-CPU machine; only catches gross slowdowns


@pytest.fixture(scope="module")
def gate_results(assistant):
    return evaluate_assistant(assistant, stratified(load_questions(QUESTIONS), 3), "extractive", progress=False)


def test_regression_gate(gate_results):
    overall = summarize(gate_results)["overall"]
    measured = {k: round(overall[k], 3) for k in list(GATE) + ["wrong_refusal_rate", "latency_p95_ms"]}
    print("\ngate subset:", measured)
    assert len(gate_results) == 27 and overall["errors"] == 0
    failed = {k: (measured[k], minimum) for k, (minimum, _) in GATE.items() if overall[k] < minimum}
    assert not failed, f"below threshold (measured, minimum): {failed}"
    assert overall["wrong_refusal_rate"] <= MAX_WRONG_REFUSAL_RATE
    assert overall["latency_p95_ms"] <= MAX_P95_MS
