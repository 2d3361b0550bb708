"""The two ends of a span a question names ('between the first and the second 2+2', 'from the RAA being
signed to it taking effect'), each as a phrase that names its event. Used by the range, duration and
compare handlers."""

from __future__ import annotations

import re

from assistant.parse import content_words, named_things
from core.dates import MONTH_NAMES, YEAR

_ORDINAL_WORD = re.compile(r"\b(first|second|third|fourth|fifth|last|latest|earlier|later|previous|next|phase\s+\w+)\b",
                           re.I)
_PRONOUN = re.compile(r"\b(?:it|its|they|their)\b|\b(?:this|that)\b(?!\s+\w)", re.I)  # not 'that November'


def shared_noun(a: str, b: str) -> tuple[str, str]:
    """A bare ordinal borrows the other side's noun: 'the first' and 'the second 2+2' -> 'the first 2+2'."""
    if not content_words(_ORDINAL_WORD.sub("", a)) and _ORDINAL_WORD.search(b):
        return a + " " + b[_ORDINAL_WORD.search(b).end():].strip(), b
    if not content_words(_ORDINAL_WORD.sub("", b)) and _ORDINAL_WORD.search(a):
        return a, b + " " + a[_ORDINAL_WORD.search(a).end():].strip()
    return a, b


def named_ends(question: str, a: str, b: str, carried: str = "") -> tuple[str, str]:
    """Two ends of a span, each as a phrase that names its event: a bare ordinal borrows the other's
    noun, and a pronoun or an unnamed end takes the question's subject ('between the RAA being signed
    and it taking effect' -> 'RAA taking effect'; 'from signature to …' in 'How long did it take the RAA
    …' -> 'signature RAA')."""
    a, b = shared_noun(a, b)
    inside = set(_names(a) + _names(b))
    # A follow-up's subject (``carried``: what the rewrite read it against) says what 'that' was.
    subject = carried or " ".join([w for w in _names(question) if w not in inside] or _names(a) or _names(b))
    if not subject:
        return a, b
    ends = [_PRONOUN.sub(subject, end) for end in (a, b)]
    # An end with a name or a date names its moment; any other ('the 2.0 version') takes the subject.
    return tuple(end if _names(end) or YEAR.search(end) else f"{end} {subject}" for end in ends)


def _names(text: str) -> list[str]:
    return [w for w in named_things(text) if re.search(r"[A-Za-z]", w)]


_SAME_YEAR = re.compile(r"\b(?:that|the same)\s+(year|(?:%s))\b" % "|".join(MONTH_NAMES), re.I)


def in_year_of(end: str, year: str) -> str:
    """An end dated by the other end ('the Vientiane Vision that November', after a ruling in July
    2016) with that year written in: 'the Vientiane Vision November 2016'."""
    return _SAME_YEAR.sub(lambda m: year if m.group(1).lower() == "year" else f"{m.group(1)} {year}", end)
