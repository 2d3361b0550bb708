"""'When …?': the lead sentence gives the date (an event's dated line, or a sentence with a date)."""

from __future__ import annotations

import re

from assistant.compose import Candidate
from assistant.handlers import Context, Draft, register_handler
from assistant.handlers.facts import answer_from, part_sources
from assistant.parse import QuestionPart
from core.dates import MONTH_NAMES

_DATE = re.compile(rf"\b({'|'.join(MONTH_NAMES)})\b[^.]*?\b(19|20)\d\d\b|\b(19|20)\d\d-\d\d|\b(?:in|since|by|from) (19|20)\d\d\b",
                   re.I)
WHEN_SENTENCES = 2  # the date, and what happened on it


def has_date(c: Candidate) -> bool:
    return c.position == -1 or bool(_DATE.search(c.text))


def dated_line(c: Candidate) -> bool:
    """An event's date-and-title line: the date first, then what happened."""
    return c.position == -1


@register_handler("when")
def when(ctx: Context, part: QuestionPart) -> Draft:
    sources = part_sources(ctx, part)
    draft = answer_from(ctx, part, sources, budget=WHEN_SENTENCES, wanted=dated_line)
    if draft.claims and not _DATE.search(draft.claims[0].text) and not draft.claims[0].text[:1].isdigit():
        return answer_from(ctx, part, sources, budget=WHEN_SENTENCES, wanted=has_date)  # no event line fits
    return draft
