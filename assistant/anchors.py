"""Named moments in a question ('since the RAA was signed', 'the second 2+2'): the timeline event a phrase
names, and the dates such anchors set on a search."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from assistant.parse import GENERIC, HOSTS, VERB_WORDS
from assistant.query import GLOSSARY, QueryPlan, acronym, expand
from assistant.retrieval import HybridRetriever, RetrievalFilters
from core.dates import MONTH_NAMES, YEAR
from core.model import Office, Source
from core.text import ORDINAL, ORDINAL_WORDS, STOPWORDS, ordinal_number, tokens

ORDINALS = frozenset(ORDINAL_WORDS[:6])  # the record numbers its series so far (up to its sixth)
# Where a numbered series' name ends: at a preposition, a verb of the clause or punctuation; words joined
# by hyphens stay one name ('Military-to-Military').
_SERIES_END = re.compile(r"(?<![\w-])(?:in|at|on|with|between|during|by|from|to|of|held|that|which|was|were|did|is|are)"
                         r"(?![\w-])|[?,;:(]", re.I)
# A word for a part or a set of something names a series only with what it is of: the first *batch of UH-1H
# parts* and the third *batch of coast guard boats* are two series.
_SETS = frozenset(tokens("batch batches round rounds package packages tranche tranches group groups wave waves "
                         "set sets lot lots shipment shipments installment installments instalment instalments",
                         keep_stopwords=True))
_CACHED = 1 << 14  # the record's sentences, each read once
# As a question's tokens spell them, abbreviations too ('Oct 2019').
MONTH_WORDS = frozenset(tokens(" ".join(MONTH_NAMES) + " " + " ".join(m[:3] for m in MONTH_NAMES) + " sept"))
_PHASE = re.compile(r"\bphase\s+(IV|V|I{1,3}|\d)\b", re.I)  # 'Phase I': the numeral is the name, not a stopword


@dataclass(frozen=True)
class Numbered:
    """An ordinal with the series it numbers: 'the *8th* Political-Military … meeting'."""

    number: int
    words: frozenset[str]  # the series' own words, parts of hyphenated names included
    acronyms: frozenset[str]  # the glossary's acronyms it names ('OSA', '2+2'), in either form
    head: frozenset[str]  # its last word, the kind of thing numbered ('meeting', 'dialogue')

    def same_series(self, other: "Numbered") -> bool:
        """``other`` numbers this series: the same kind of thing, most of its words, its acronyms."""
        return (self.acronyms <= other.acronyms and self.head <= other.words
                and 2 * len(self.words & other.words) >= len(self.words))


@functools.lru_cache(maxsize=_CACHED)
def numbered(text: str) -> tuple[Numbered, ...]:
    """Each ordinal of ``text`` with the series it numbers, up to the series name's end or its verb."""
    out = []
    for m in ORDINAL.finditer(text):
        rest = text[m.end():]
        phrase = rest[:end.start()] if (end := _SERIES_END.search(rest)) else rest
        if end and end.group(0).lower() == "of" and set(tokens(phrase)) <= _SETS:  # 'the third batch of boats'
            after = rest[end.end():]
            phrase = rest[:end.end() + (more.start() if (more := _SERIES_END.search(after)) else len(after))]
        named = re.findall(r"[\w'+-]+", phrase)
        phrase = " ".join(named[:next((i for i, w in enumerate(named) if i and w.lower() in VERB_WORDS), None)])
        parts = [p for w in tokens(phrase) for p in w.split("-") if p]
        words = [p for p in parts if p not in HOSTS and p not in GENERIC and p not in MONTH_WORDS
                 and p not in STOPWORDS and not p.isdigit() and not ORDINAL.fullmatch(p)]
        out.append(Numbered(ordinal_number(m.group(1)), frozenset(words),
                            frozenset(short for short in GLOSSARY if mentions(short, phrase)), frozenset(words[-1:])))
    return tuple(out)


def resolve_event(retriever: HybridRetriever, phrase: str, threshold: float,
                  exclude: frozenset[str] = frozenset()) -> Source | None:
    """The timeline event a phrase names ("the RAA was signed", "the second 2+2"). Among
    events about as close as the best, an ordinal or an acronym ('2+2') in the phrase must match the
    title; otherwise the one whose title shares most words wins, then the closer match ('agree to work
    toward a first 2+2' is not the first 2+2), then the earlier (anniversaries come later). A year
    in the phrase picks among events of that year; ``exclude`` names events already taken. None when
    no event comes as close as ``threshold``."""
    phase = next(iter(_phases(phrase)), None)
    # A phase names several events ('Phase II': the loan, the contract, each ship); a wider search keeps
    # them among the hits before they are kept to that phase.
    hits = retriever.search(expand(phrase), RetrievalFilters(kinds=("event",)), top_k=20 if phase else 8)
    hits = [h for h in hits if h.ref not in exclude]
    years = set(YEAR.findall(phrase))
    if years and any((h.date or "")[:4] in years for h in hits):  # 'Balikatan 2025' is the 2025 one
        hits = [h for h in hits if (h.date or "")[:4] in years]
    if phase:  # 'Phase I' names the events of that phase only, not 'Phase III'
        hits = [h for h in hits if phase in _phases(h.title) | _phases(h.text)]
    if not hits or max(h.similarity for h in hits) < threshold:
        return None
    best = max(h.similarity for h in hits)
    wanted = set(tokens(expand(phrase)))
    ordinals = wanted & ORDINALS
    acronyms = {short for short in GLOSSARY if mentions(short, phrase)}

    def rank(s: Source):  # ordinals, acronyms and title words first, then the closer match, then the earlier
        title = set(tokens(s.title))
        exact = len(ordinals & title) + sum(mentions(short, s.title) for short in acronyms)  # each names one thing
        exact += phase in _phases(s.title)
        return (-3 * exact - len((wanted - ORDINALS) & title), -s.similarity, s.date or "")

    return min((h for h in hits if h.similarity >= best - 0.15), key=rank)


def _phases(text: str) -> set[str]:
    return {label.upper() for label in _PHASE.findall(text)}


def mentions(short: str, text: str) -> bool:
    """``text`` names the thing an acronym stands for, in either form ('RAA' or 'Reciprocal Access Agreement')."""
    return bool(re.search(acronym(short), text)) or GLOSSARY[short].lower() in text.lower()


def resolve_time(filters: RetrievalFilters, query: QueryPlan,
                 resolve: Callable[[str], Source | None]) -> RetrievalFilters:
    """``filters`` with each anchor of the question ('after', 'before', 'on' a named event) set to the
    date of the event it names, when one is found."""
    for relation, phrase in query.anchors:
        event = resolve(phrase)
        if event and event.date:
            filters = replace(filters, **{relation: event.date})
    return filters


def resolve_tenure(filters: RetrievalFilters, query: QueryPlan, offices: list[Office]) -> RetrievalFilters:
    """``filters`` bounded by the term of the leader the question names as its period ('under Duterte':
    30 June 2016 to 30 June 2022, both days kept), when the terms of office know them; the latest term
    of that name (Abe's second, Marcos Jr.'s)."""
    terms = [o for o in offices if query.tenure and o.surname.lower() == query.tenure.lower()]
    if not terms or filters.after or filters.before:
        return filters
    term = max(terms, key=lambda o: o.start)
    day = dt.timedelta(days=1)
    after = (dt.date.fromisoformat(term.start) - day).isoformat()
    before = (dt.date.fromisoformat(term.end) + day).isoformat() if term.end else None
    return replace(filters, after=after, before=before, year_from=None, year_to=None)
