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
from assistant.spans import named_ends
from core.dates import YEAR

_BETWEEN = re.compile(r"\bbetween\s+(.{3,80}?)\s+and\s+(.{3,80}?)\s*(?:[?.;]|$)", re.I)
_AFTER_BEFORE = re.compile(r"\b(?:after|since|following)\s+(.{3,80}?)\s+(?:and\s+)?(?:before|until|up to|prior to)\s+"
                           r"(.{3,80}?)\s*(?:[?.;]|$)", re.I)


def anchor_phrases(question: str) -> tuple[str, str] | None:
    m = _BETWEEN.search(question) or _AFTER_BEFORE.search(question)
    return named_ends(question, m.group(1).strip(), m.group(2).strip()) if m else None


def _date_phrase(phrase: str) -> str | None:
    return phrase.strip() if YEAR.fullmatch(phrase.strip()) else None


@register_handler("range")
def between(ctx: Context, part: QuestionPart) -> Draft:
    phrases = anchor_phrases(part.text)
    if phrases and not any(_date_phrase(p) for p in phrases):  # years are the plan's inclusive range
        first = ctx.resolve_event(phrases[0])
        # Two ends, two events: 'the RAA taking effect' is not its signing again.
        events = [first, ctx.resolve_event(phrases[1], exclude=frozenset({first.ref} if first else ()))]
        bounds = [e.date if e else None for e in events]
        if all(bounds) and bounds[0] < bounds[1]:
            filters = replace(ctx.filters, kinds=("event",), after=bounds[0], before=bounds[1],
                              year_from=None, year_to=None)
            items = ctx.timeline(filters)
            if items:
                return list_draft(items)
    return timeline_list(ctx, part)
