"""Citation verification, the same for every backend: each sentence must cite a retrieved item,
and every number, year or month it states must appear in the item(s) it cites."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.query import dates_named
from core.dates import INTERVAL_UNITS, YEAR, interval, period_bounds
from core.dates import MONTH_NAMES as _MONTHS
from core.model import Source
from core.text import MARKER, NUMBER_WORDS, numbers, sentences


@dataclass(frozen=True)
class CheckedSentence:
    text: str
    markers: tuple[int, ...]  # 1-based, as written
    supported: bool
    reason: str = ""


def _months(text: str) -> set[str]:
    lowered = text.lower()
    return {m for m in _MONTHS if re.search(rf"\b{m}\b", lowered)}


def _evidence(source: Source) -> str:
    return f"{source.title} {source.date or ''} {source.text}"


def _is_stated_sum(number: str, claim: str) -> bool:
    """'10 (phase i) + 2 (phase ii) = 12 vessels': a total the sentence adds up from its own terms."""
    if "=" not in claim:
        return False
    terms, _, total = claim.partition("=")
    if number not in numbers(total) or "+" not in terms:
        return False
    return abs(sum(float(n) for n in numbers(terms)) - float(number)) < 1e-9


_INTERVAL = re.compile(rf"(.+?)\s*→\s*(.+?)\s*=\s*(\d+)\s+({'|'.join(INTERVAL_UNITS)})\b")


def span_sentence(start: str, end: str, count: int, unit: str) -> str:
    """A span with its working, in the form :func:`check_sentence` recomputes: '8 July 2024 → 11 September
    2025 = 14 months.'"""
    return f"{start} → {end} = {count} {unit}."


def _is_stated_interval(number: str, claim: str) -> bool:
    """'8 July 2024 → 11 September 2025 = 14 months': a span the sentence computes from its own dates."""
    m = _INTERVAL.search(claim)
    if not m or m.group(3) != number:
        return False
    ends = [dates_named(m.group(i)) for i in (1, 2)]
    if not all(ends):
        return False
    start, end = (period_bounds(e[0])[0] for e in ends)
    return interval(start, end, m.group(4)) == int(number)


def check_sentence(sentence: str, sources: list[Source]) -> CheckedSentence:
    markers = tuple(int(m) for m in MARKER.findall(sentence))
    if not markers:
        return CheckedSentence(sentence, markers, False, "no citation marker")
    bad = [m for m in markers if not 1 <= m <= len(sources)]
    if bad:
        return CheckedSentence(sentence, markers, False, f"marker [{bad[0]}] points at nothing retrieved")
    claim = MARKER.sub("", sentence)
    evidence = " ".join(_evidence(sources[m - 1]) for m in markers)
    # ISO dates in the evidence ('2024-07-08') also count as their parts.
    evidence_numbers = numbers(evidence) | {p.lstrip("0") or "0" for d in re.findall(r"\b\d{4}-\d{2}(?:-\d{2})?\b", evidence) for p in d.split("-")}
    evidence_numbers |= {str(NUMBER_WORDS.index(w.lower())) for w in re.findall(r"[A-Za-z]+", evidence)
                         if w.lower() in NUMBER_WORDS}  # 'ten vessels' supports '10 vessels'
    evidence_months = _months(evidence) | {_MONTHS[int(m) - 1] for m in re.findall(r"\b\d{4}-(0[1-9]|1[0-2])\b", evidence)}
    missing = sorted(n for n in numbers(claim) if n not in evidence_numbers and n.lstrip("0") not in evidence_numbers
                     and not _is_stated_sum(n, claim) and not _is_stated_interval(n, claim))
    if missing:
        return CheckedSentence(sentence, markers, False, f"{missing[0]} is not in the cited text")
    missing_months = sorted(_months(claim) - evidence_months)
    if missing_months:
        return CheckedSentence(sentence, markers, False, f"{missing_months[0].title()} is not in the cited text")
    if any(sources[m - 1].confidence == "low" for m in markers) and _states_date(claim) and not HEDGE.search(claim):
        return CheckedSentence(sentence, markers, False, "a date its sources disagree on is stated as settled")
    return CheckedSentence(sentence, markers, True)


# Words that present a fact as reported rather than settled.
HEDGE = re.compile(r"\b(reported|reportedly|according to|sources (?:differ|disagree)|disputed|uncertain|or)\b", re.I)


def _states_date(text: str) -> bool:
    return bool(_months(text) or YEAR.search(text))


def check_answer(text: str, sources: list[Source]) -> list[CheckedSentence]:
    """Check every sentence (list items count as sentences)."""
    checked = []
    for line in text.splitlines():
        line = line.strip().lstrip("-*• ").strip()
        if line and not line.endswith(":"):  # a list's heading introduces items, it claims nothing
            checked.extend(check_sentence(s, sources) for s in sentences(line))
    return checked
