"""Named moments in a question ('since the RAA was signed', 'the second 2+2'): the timeline event a phrase
names, and the dates such anchors set on a search."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import replace

from assistant.query import GLOSSARY, QueryPlan, acronym, expand
from assistant.retrieval import HybridRetriever, RetrievalFilters
from core.dates import YEAR
from core.model import Office, Source
from core.text import tokens

ORDINALS = frozenset({"first", "second", "third", "fourth", "fifth", "sixth"})  # the record numbers its series so far
_PHASE = re.compile(r"\bphase\s+(IV|V|I{1,3}|\d)\b", re.I)  # 'Phase I': the numeral is the name, not a stopword


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
