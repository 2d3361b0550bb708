"""Scoring: retrieval (hit@k, MRR, nDCG@10), key-fact coverage with date/number normalisation,
citation precision, verification, refusals and latency; per question and aggregated overall and by tag.

Everything works on the JSON contract (``Answer.to_dict()``), so the assistant, the baseline and a
results.json read back from disk are scored by the same code."""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from difflib import SequenceMatcher

import numpy as np
import Stemmer

from assistant.compose import opens_with_reference  # the answerer's own rule, one home
from core.dates import MONTH_NAMES as _MONTHS
from core.text import MARKER, sentences

FUZZY_RATIO = 0.85
NDCG_K = 10

# --- normalisation ---------------------------------------------------------------------------

_MONTH_NUMBER = {m: i + 1 for i, m in enumerate(_MONTHS)}
_MONTH_NUMBER.update({m[:3]: i + 1 for i, m in enumerate(_MONTHS)})
_MONTH_NUMBER["sept"] = 9
_MONTH = r"(" + "|".join(sorted(_MONTH_NUMBER, key=len, reverse=True)) + r")\.?"
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(\d{4})"

_UNITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
          "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"]
_NUMBER_WORDS = {w: str(i) for i, w in enumerate(_UNITS)}
_NUMBER_WORDS.update({"thirty": "30", "forty": "40", "fifty": "50", "sixty": "60", "seventy": "70", "eighty": "80",
                      "ninety": "90", "hundred": "100", "dozen": "12"})
_ORDINALS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
             "eleventh", "twelfth"]
_NUMBER_WORDS.update({w: f"{i + 1}th" for i, w in enumerate(_ORDINALS)})
_ORDINAL_DIGITS = re.compile(r"^(\d+)(?:st|nd|rd|th)$")

STOPWORDS = frozenset("a an the of and or in on at to for by with from as is was were be been are that this which "
                      "it its into than then also after before per about".split())
_TOKEN = re.compile(r"\d{4}_\d{2}(?:_\d{2})?|\d+(?:\.\d+)+|[a-z0-9]+")
_DATE_TOKEN = re.compile(r"^\d{4}_\d{2}(?:_\d{2})?$")
_STEMMER = Stemmer.Stemmer("english")
_SCALE = r"(\s*(?:thousand|million|billion|trillion)\b)?"


def _iso(year: str, month: str | int, day: str | int | None = None) -> str | None:
    m = month if isinstance(month, int) else _MONTH_NUMBER.get(month, 0)
    if not 1 <= m <= 12:
        return None
    if day is None:
        return f" {year}_{m:02d} "
    d = int(day)
    return f" {year}_{m:02d}_{d:02d} " if 1 <= d <= 31 else None


def _sub(pattern: str, build, text: str) -> str:
    return re.sub(pattern, lambda m: build(m) or m.group(0), text)


def normalise_dates(text: str) -> str:
    """Every written date becomes one token: '8 July 2024', 'July 8, 2024', '8 Jul 2024', '2024-07-08'
    -> '2024_07_08'; 'July 2024', '2024-07' -> '2024_07'. Day ranges ('29-30 April 2025', '7 to 11
    October 2025') give both ends. Expects lower-case text."""
    def both(m):
        a, b = _iso(m.group(4), m.group(3), m.group(1)), _iso(m.group(4), m.group(3), m.group(2))
        return a and b and f"{a}{b}"

    text = _sub(rf"\b{_DAY}\s*(?:-|to)\s*{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b", both, text)
    text = _sub(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b", lambda m: _iso(m.group(3), m.group(2), m.group(1)),
                text)
    text = _sub(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b", lambda m: _iso(m.group(3), m.group(1), m.group(2)), text)
    text = _sub(r"\b(\d{4})-(\d{2})-(\d{2})\b", lambda m: _iso(m.group(1), int(m.group(2)), m.group(3)), text)
    text = _sub(rf"\b{_MONTH},?\s+{_YEAR}\b", lambda m: _iso(m.group(2), m.group(1)), text)
    return _sub(r"\b(\d{4})-(\d{2})\b(?!-\d)", lambda m: _iso(m.group(1), int(m.group(2))), text)


def normalise_numbers(text: str) -> str:
    """'1,180' -> '1180'; '¥600 million', 'JPY 600 million' -> '600 million yen'; '$103.5m' -> '103.5 million usd'."""
    text = re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", text)
    text = re.sub(r"(\d)\s*(?:bn)\b", r"\1 billion", text)
    text = re.sub(r"(\d)\s*(?:mn|mln)\b", r"\1 million", text)
    text = re.sub(rf"(?:¥|\bjpy\b)\s*(\d+(?:\.\d+)?){_SCALE}", r" \1\2 yen ", text)
    text = re.sub(rf"(?:\bus\s*\$|\$|\busd\b)\s*(\d+(?:\.\d+)?){_SCALE}", r" \1\2 usd ", text)
    return text


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    for dash in "\u2010\u2011\u2012\u2013\u2014\u2212":
        text = text.replace(dash, "-")
    return text.replace("\u2019", "'").replace("\u2018", "'")


def _token(word: str) -> str:
    word = _NUMBER_WORDS.get(word, word)
    ordinal = _ORDINAL_DIGITS.match(word)
    if ordinal:
        return f"{ordinal.group(1)}th"
    return _STEMMER.stemWord(word) if word.isalpha() else word  # 'radars' = 'radar', 'reinterpreted' = 'reinterpret'



def normalise(text: str) -> list[str]:
    """Case-, accent-, punctuation- and hyphen-insensitive tokens with dates and numbers canonical."""
    text = normalise_numbers(normalise_dates(_fold(text)))
    text = re.sub(r"'s\b", "", text)
    return [_token(t) for t in _TOKEN.findall(text)]


# --- key facts -------------------------------------------------------------------------------


def _same(fact_token: str, text_token: str) -> bool:
    """Equal, or a month-only date that the text states with its day ('2023_10' ~ '2023_10_20')."""
    return fact_token == text_token or (_DATE_TOKEN.match(fact_token) is not None
                                        and text_token.startswith(fact_token + "_"))


def _is_numeric(token: str) -> bool:
    return any(c.isdigit() for c in token)


def fact_in_tokens(fact: list[str], text: list[str], *, window: int | None = None) -> bool:
    if not fact or not text:
        return False
    n = len(fact)
    # 1. the fact as a phrase
    for i in range(len(text) - n + 1):
        if all(_same(f, t) for f, t in zip(fact, text[i:i + n])):
            return True
    # 2. all content tokens of the fact within a window
    content = [t for t in fact if t not in STOPWORDS] or fact
    width = window or max(6, 3 * len(content))
    starts = [i for i, t in enumerate(text) if any(_same(c, t) for c in content)]
    for i in starts:
        span = text[i:i + width]
        if all(any(_same(c, t) for t in span) for c in content):
            return True
    # 3. fuzzy: difflib ratio on a sliding window, numbers and dates must still match exactly
    phrase = " ".join(fact)
    if n == 1 and len(phrase) < 7:
        return False
    numeric = [t for t in fact if _is_numeric(t)]
    matcher = SequenceMatcher(None, autojunk=False)
    matcher.set_seq2(phrase)
    for length in {max(1, n - 1), n, n + 1}:
        for i in range(len(text) - length + 1):
            span = text[i:i + length]
            matcher.set_seq1(" ".join(span))
            if (matcher.real_quick_ratio() >= FUZZY_RATIO and matcher.quick_ratio() >= FUZZY_RATIO
                    and matcher.ratio() >= FUZZY_RATIO
                    and all(any(_same(f, t) for t in span) for f in numeric)):
                return True
    return False


def fact_found(fact: str, text: str) -> bool:
    return fact_in_tokens(normalise(fact), normalise(text))


def key_fact_coverage(facts: list[str], text: str) -> tuple[float | None, list[str], list[str]]:
    """(fraction found, found, missing); None when there are no facts."""
    if not facts:
        return None, [], []
    tokens = normalise(text)
    found = [f for f in facts if fact_in_tokens(normalise(f), tokens)]
    return len(found) / len(facts), found, [f for f in facts if f not in found]


# --- retrieval -------------------------------------------------------------------------------


def is_relevant(item: dict, expected_chapters: Iterable[str], expected_dates: Iterable[str]) -> bool:
    """A chapter item whose chapter is expected ('4' covers '4.x'), or an event whose date starts with
    an expected date ('2024-07' covers '2024-07-08')."""
    if item.get("kind") == "chapter":
        chapter = str(item.get("chapter") or item.get("ref") or "")
        return bool(chapter) and any(chapter == e or chapter.startswith(f"{e}.") for e in map(str, expected_chapters))
    if item.get("kind") == "event":
        date = str(item.get("date") or "")
        return bool(date) and any(date == d or date.startswith(f"{d}-") for d in map(str, expected_dates))
    return False


def dcg(relevance: list[int], k: int) -> float:
    return sum(r / math.log2(i + 2) for i, r in enumerate(relevance[:k]))


def ranking_scores(relevance: list[int], n_relevant: int | None = None, k: int = NDCG_K) -> dict:
    """hit@1, hit@5, MRR and nDCG@k of a binary ranking. The ideal ranking fills the slots the system
    returned (at most k) with as many relevant items as exist (``n_relevant``: in the system's own
    collection; by default those in the ranking)."""
    first = next((i for i, r in enumerate(relevance) if r), None)
    available = sum(relevance) if n_relevant is None else max(n_relevant, sum(relevance[:k]))
    ideal = dcg([1] * min(k, len(relevance), available), k)
    return {
        "hit@1": float(any(relevance[:1])),
        "hit@5": float(any(relevance[:5])),
        "mrr": 0.0 if first is None else 1.0 / (first + 1),
        f"ndcg@{k}": dcg(relevance, k) / ideal if ideal else 0.0,
    }


def count_relevant(items: Iterable[dict], question: dict) -> int:
    return sum(is_relevant(i, question.get("expected_chapters", []), question.get("expected_event_dates", []))
               for i in items)


# --- one question ----------------------------------------------------------------------------


def score(question: dict, answer: dict, n_relevant: int | None = None) -> dict:
    """Scores of one answer (a JSON-contract dict) against its question's expectations."""
    chapters = question.get("expected_chapters") or []
    dates = question.get("expected_event_dates") or []
    facts = question.get("key_facts") or []
    answerable = bool(question.get("answerable", True))
    refused = bool(answer.get("refused"))
    out: dict = {"answerable": answerable, "refused": refused, "refusal_correct": refused != answerable}

    if answerable:
        relevance = [int(is_relevant(r, chapters, dates)) for r in answer.get("retrieved", [])]
        out.update(ranking_scores(relevance, n_relevant))
        out["key_fact_coverage"], out["facts_found"], out["facts_missing"] = key_fact_coverage(
            facts, answer.get("answer", ""))
        out["retrieved_key_fact_coverage"] = key_fact_coverage(facts, retrieved_text(answer))[0]
    else:
        out.update({"hit@1": None, "hit@5": None, "mrr": None, f"ndcg@{NDCG_K}": None, "key_fact_coverage": None,
                    "retrieved_key_fact_coverage": None})
    out["standalone_sentences"] = None if refused or not answer.get("answer") else standalone_sentences(answer["answer"])
    out["verdict_correct"] = verdict_correct(question.get("verdict"), answer)
    out["verdict_wrong"] = verdict_wrong(question.get("verdict"), answer)

    citations = answer.get("citations", [])
    good = 0
    for c in citations:
        evidence = normalise(f"{c.get('title', '')} {c.get('text', '')}")
        if is_relevant(c, chapters, dates) or any(fact_in_tokens(normalise(f), evidence) for f in facts):
            good += 1
    verified = sum(bool(c.get("verified")) for c in citations)
    out.update({
        "citations": len(citations),
        "citations_relevant": good,
        "citation_precision": good / len(citations) if citations else None,
        "citations_verified": verified,
        "verification_rate": verified / len(citations) if citations else None,
        "latency_ms": float((answer.get("timings_ms") or {}).get("total", 0.0)),
        "answered_by": None if refused else answer.get("backend"),
        "error": bool(answer.get("error")),
    })
    return out


VERDICTS = ("yes", "no")  # a claim the record settles; 'unclear' ones are not scored
_VERDICT_WORD = re.compile(r"^\W*(yes|no)\b", re.I)


def verdict_correct(expected: str | None, answer: dict) -> float | None:
    """For a yes/no claim the record settles: 1.0 when the answer opens with the right word, 0.0 when it
    opens with the wrong one, gives none, or refuses; None for any other question."""
    if expected not in VERDICTS:
        return None
    given = _VERDICT_WORD.match(answer.get("answer") or "") if not answer.get("refused") else None
    return float(bool(given) and given.group(1).lower() == expected)


def verdict_wrong(expected: str | None, answer: dict) -> float | None:
    """For a yes/no claim the record settles: 1.0 when the answer opens with the opposite word (a wrong
    'Yes' misleads; no verdict only withholds), 0.0 otherwise; None for any other question."""
    if expected not in VERDICTS:
        return None
    given = _VERDICT_WORD.match(answer.get("answer") or "") if not answer.get("refused") else None
    return float(bool(given) and given.group(1).lower() != expected)


RETRIEVED_FOR_EFFICIENCY = 6  # the texts an answer is built from


def retrieved_text(answer: dict) -> str:
    """The top retrieved items' text (titles and dates with it): what an answer could have stated."""
    return " ".join(f"{r.get('title', '')}. {r.get('date') or ''} {r.get('text', '')}"
                    for r in (answer.get("retrieved") or [])[:RETRIEVED_FOR_EFFICIENCY])


def standalone_sentences(text: str) -> float:
    """Share of the answer's sentences that stand alone: those not opening with a reference back
    ('This …', 'These rules …', 'First, …'), or opening so right after a sentence citing the same item
    (its referent is then just before it). List lines and headings count as sentences that stand."""
    rows = [s for line in text.splitlines() for s in sentences(line.strip().lstrip("-*• "))]
    if not rows:
        return 1.0
    good, previous = 0, set()
    for sentence in rows:
        cited = set(MARKER.findall(sentence))
        good += not opens_with_reference(sentence) or bool(cited & previous)
        previous = cited
    return good / len(rows)


# --- aggregation -----------------------------------------------------------------------------

HEADLINE = ["key_fact_coverage", "extraction_efficiency", "standalone_sentences", "verdict_accuracy", "wrong_verdict_rate",
            "hit@1", "hit@5", "mrr",
            f"ndcg@{NDCG_K}", "citation_precision", "verification_rate", "refusal_accuracy", "wrong_refusal_rate", "latency_p50_ms", "latency_p95_ms"]


def _mean(values: list) -> float | None:
    values = [v for v in values if v is not None]
    return float(sum(values) / len(values)) if values else None


def _ratio(a: float | None, b: float | None) -> float | None:
    """Answer coverage over retrieved coverage (means over the same questions)."""
    return a / b if a is not None and b else None


def percentile(values: list[float], q: float) -> float | None:
    return float(np.percentile(values, q)) if values else None


def aggregate(scored: list[dict]) -> dict:
    """Means over the questions where a metric applies; verification is pooled over all citations."""
    answerable = [s for s in scored if s["answerable"]]
    unanswerable = [s for s in scored if not s["answerable"]]
    citations = sum(s["citations"] for s in scored)
    latencies = [s["latency_ms"] for s in scored]
    return {
        "n": len(scored),
        "n_answerable": len(answerable),
        "n_unanswerable": len(unanswerable),
        "key_fact_coverage": _mean([s["key_fact_coverage"] for s in answerable]),
        "retrieved_key_fact_coverage": _mean([s.get("retrieved_key_fact_coverage") for s in answerable]),
        "extraction_efficiency": _ratio(_mean([s["key_fact_coverage"] for s in answerable]),
                                        _mean([s.get("retrieved_key_fact_coverage") for s in answerable])),
        "standalone_sentences": _mean([s.get("standalone_sentences") for s in scored]),
        "verdict_accuracy": _mean([s.get("verdict_correct") for s in answerable]),
        "wrong_verdict_rate": _mean([s.get("verdict_wrong") for s in answerable]),
        "n_verdicts": sum(s.get("verdict_correct") is not None for s in answerable),
        **{m: _mean([s[m] for s in answerable]) for m in ("hit@1", "hit@5", "mrr", f"ndcg@{NDCG_K}")},
        "citation_precision": _mean([s["citation_precision"] for s in scored]),
        "verification_rate": sum(s["citations_verified"] for s in scored) / citations if citations else None,
        "refusal_correct": _mean([float(s["refusal_correct"]) for s in scored]),
        "refusal_accuracy": _mean([float(s["refused"]) for s in unanswerable]),
        "wrong_refusal_rate": _mean([float(s["refused"]) for s in answerable]),
        "wrong_refusals": sum(s["refused"] for s in answerable),
        "missed_refusals": sum(not s["refused"] for s in unanswerable),
        "citations": citations,
        "answered_by": dict(Counter(s["answered_by"] for s in scored if s.get("answered_by"))),
        "errors": sum(bool(s.get("error")) for s in scored),
        "latency_p50_ms": percentile(latencies, 50),
        "latency_p95_ms": percentile(latencies, 95),
    }


def summarize(results: list[dict]) -> dict:
    """``results``: dicts with ``tags`` and ``scores``. Overall and per-tag aggregates."""
    tags = sorted({t for r in results for t in r.get("tags", [])})
    return {
        "overall": aggregate([r["scores"] for r in results]),
        "by_tag": {t: aggregate([r["scores"] for r in results if t in r.get("tags", [])]) for t in tags},
    }
