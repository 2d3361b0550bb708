"""'What happened between X and Y?' (or 'after X and before Y'): every event strictly between the two
named anchors, both bounds kept. 'Between the first and the second 2+2' shares its noun: the first
anchor is read as 'the first 2+2'; 'between the RAA being signed and it taking effect' names the RAA
at both ends."""

from __future__ import annotations

import re
from dataclasses import replace

from assistant.handlers import Context, Draft, register_handler
from assistant.handlers.timeline_list import list_draft, timeline_list
from assistant.parse import QuestionPart
from assistant.retrieval import RetrievalFilters
from assistant.spans import in_year_of, named_ends
from core.dates import YEAR

# An end runs to the question's end or to a parenthesis: a follow-up's carried subject ('(Vientiane
# Vision announced)') is context, not part of the end; a point inside a number ('2.0') ends nothing.
_END = r"(.{3,80}?)\s*(?:[?;,(]|\.(?!\d)|$)"
_BETWEEN = re.compile(rf"\bbetween\s+(.{{3,80}}?)\s+and\s+{_END}", re.I)
_AFTER_BEFORE = re.compile(rf"\b(?:after|since|following)\s+(.{{3,80}}?)\s+(?:and\s+)?(?:before|until|up to|prior to)\s+"
                           rf"{_END}", re.I)


def anchor_phrases(question: str, carried: str = "") -> tuple[str, str] | None:
    m = _BETWEEN.search(question) or _AFTER_BEFORE.search(question)
    return named_ends(question, m.group(1).strip(), m.group(2).strip(), carried) if m else None


def _date_phrase(phrase: str) -> str | None:
    return phrase.strip() if YEAR.fullmatch(phrase.strip()) else None


@register_handler("range")
def between(ctx: Context, part: QuestionPart) -> Draft:
    phrases = anchor_phrases(part.text, ctx.parsed.context)
    if phrases and not any(_date_phrase(p) for p in phrases):  # years are the plan's inclusive range
        first = ctx.resolve_event(phrases[0])
        # Two ends, two events, the second after the first: 'the RAA taking effect' is not its signing
        # again, and 'between Russia's invasion of Ukraine and Japan's new National Security Strategy'
        # ends at the strategy adopted after the invasion, not at the first one (2013).
        second, earlier = phrases[1], frozenset()
        if first and first.date:  # 'that November': the first end's year
            second = in_year_of(second, first.date[:4])
            earlier = frozenset(e.ref for e in ctx.timeline(RetrievalFilters()) if (e.date or "") <= first.date)
        events = [first, ctx.resolve_event(second, exclude=earlier)]
        bounds = [e.date if e else None for e in events]
        if all(bounds) and bounds[0] < bounds[1]:
            # The ends bound the period: a month or year named inside them ('the ruling in July 2016') only
            # says which event an end is.
            filters = replace(ctx.filters, kinds=("event",), after=bounds[0], before=bounds[1],
                              year_from=None, year_to=None, on=None)
            items = ctx.timeline(filters)
            if items:
                return list_draft(items)
    return timeline_list(ctx, part)
