"""Lists from the timeline: every event that matches the question's period and kind, in date order,
after a summary line (how many, by year and by category). A question naming no period or kind
lists the events retrieval finds about its subject."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from assistant.compose import Claim, event_headline
from assistant.handlers import Context, Draft, register_handler
from assistant.handlers.facts import answer_from
from assistant.parse import PARTIES, QuestionPart, content_words
from assistant.query import CATEGORY_WORDS
from core.text import tokens
from core.model import Source

SUBJECT_LIST_ITEMS = 12  # a subject list (no period or kind named): the events search ranks closest


def list_draft(items: list[Source], what: str = "matching events") -> Draft:
    """The summary line, then one dated, cited item per event."""
    years = Counter(s.date[:4] for s in items if s.date)
    kinds = Counter(s.category or "other" for s in items)
    span = min(years) if len(years) == 1 else f"{min(years)}–{max(years)}"
    by_year = ", ".join(f"{y}: {n}" for y, n in sorted(years.items()))
    by_kind = ", ".join(f"{k} {n}" for k, n in kinds.most_common())
    noun = what if len(items) != 1 else what.rstrip("s")
    heading = (f"The timeline records {len(items)} {noun} ({span}); by year {by_year}; by category {by_kind}. "
               "In date order:")
    claims = [Claim(event_headline(s)[:-1], (s,)) for s in items]
    return Draft(claims, retrieved=items, heading=heading, is_list=True)


def subject_events(ctx: Context, part: QuestionPart, filters) -> list[Source]:
    found = ctx.search(part.text, filters, top_k=SUBJECT_LIST_ITEMS)
    if not found:
        return []
    best = max(s.similarity for s in found)
    return sorted((s for s in found if s.similarity >= best / 2), key=lambda s: (s.date or "", s.ref))


def names_more_than_a_kind(part: QuestionPart) -> bool:
    """'Which JMSDF ships made port calls at Subic Bay?' names a subject; 'List the equipment
    transfers' names only a kind of event."""
    kind_words = {t for words in CATEGORY_WORDS.values() for w in words for t in tokens(w)}
    return bool(set(content_words(part.text)) - kind_words - PARTIES)


@register_handler("list")
def timeline_list(ctx: Context, part: QuestionPart) -> Draft:
    """A period lists every event in it (of the kinds named); a kind alone lists every event of that
    kind; a subject lists the events search finds about it (within the kinds named)."""
    filters = replace(ctx.filters, kinds=("event",), categories=ctx.filters.categories or part.plan.categories)
    if filters.has_time or (filters.categories and not names_more_than_a_kind(part)):
        items = ctx.timeline(filters)
    else:
        items = subject_events(ctx, part, filters)
    if not items:
        return answer_from(ctx, part, ctx.retrieved, budget=3)
    return list_draft(items)
