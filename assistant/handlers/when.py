"""'When …?': the lead sentence gives the date (an event's dated line, or a sentence with a date)."""

from __future__ import annotations

import re

from assistant.compose import Candidate, Relevance, candidates
from assistant.handlers import Context, Draft, register_handler
from assistant.handlers.facts import answer_from, part_sources
from assistant.parse import QuestionPart, content_words
from assistant.query import dates_named
from core.dates import MONTH_NAMES
from core.model import Source

_DATE = re.compile(rf"\b({'|'.join(MONTH_NAMES)})\b[^.]*?\b(19|20)\d\d\b|\b(19|20)\d\d-\d\d|\b(?:in|since|by|from) (19|20)\d\d\b",
                   re.I)
WHEN_SENTENCES = 2  # the date, and what happened on it


def has_date(c: Candidate) -> bool:
    return c.position == -1 or bool(_DATE.search(c.text))


def dated_line(c: Candidate) -> bool:
    """An event's date-and-title line: the date first, then what happened."""
    return c.position == -1


def _dates(c: Candidate) -> set[str]:
    """The dates a sentence gives (ISO), or, for a sentence of an event that gives none, the event's."""
    return set(dates_named(c.text)) or ({c.source.date} if c.source.kind == "event" and c.source.date else set())


def _new_date_lead(ctx: Context, part: QuestionPart, sources: list[Source], told: set[str]) -> Candidate | None:
    """A follow-up asks for a date it has not been told ('and the other three?' after the first two's
    date): the dated line of the event, of another date, whose sentences answer the question best."""
    pool = candidates(sources, ctx.sentence_scores(part.text, sources))
    relevance = Relevance(content_words(part.text), pool)
    best: dict[str, float] = {}
    for c in pool:
        best[c.source.ref] = max(best.get(c.source.ref, 0.0), relevance(c))
    lines = [c for c in pool if dated_line(c) and _dates(c) - told]
    return max(lines, key=lambda c: best[c.source.ref], default=None)


@register_handler("when")
def when(ctx: Context, part: QuestionPart) -> Draft:
    sources = part_sources(ctx, part)
    if (told := set(dates_named(ctx.parsed.previous_answer))) and (lead := _new_date_lead(ctx, part, sources, told)):
        return answer_from(ctx, part, sources, budget=WHEN_SENTENCES, lead=lead)
    draft = answer_from(ctx, part, sources, budget=WHEN_SENTENCES, wanted=dated_line)
    if draft.claims and not _DATE.search(draft.claims[0].text) and not draft.claims[0].text[:1].isdigit():
        return answer_from(ctx, part, sources, budget=WHEN_SENTENCES, wanted=has_date)  # no event line fits
    return draft
