"""'How long did it take …?', 'How many months passed between A and B?': the time between two dated
events of the record, computed from their dates in a sentence that shows its working
('8 July 2024 → 11 September 2025 = 14 months') and cites both events."""

from __future__ import annotations

import re

from assistant.compose import Claim, event_headline
from assistant.handlers import Context, Draft, register_handler
from assistant.handlers.how_many import how_many
from assistant.parse import QuestionPart, interval_ends
from assistant.spans import named_ends
from assistant.verify import span_sentence
from core.dates import INTERVAL_UNITS, format_date, interval, period_bounds

def end_phrases(question: str) -> tuple[str, str] | None:
    """Each end as a phrase that names its event (``spans.named_ends``)."""
    ends = interval_ends(question)
    return named_ends(question, *ends) if ends else None


def unit_asked(question: str, start, end) -> str:
    asked = next((u for u in INTERVAL_UNITS if re.search(rf"\b{u}\b", question, re.I)), None)
    return asked or ("days" if interval(start, end, "months") < 2 else "months")


@register_handler("duration")
def duration(ctx: Context, part: QuestionPart) -> Draft:
    phrases = end_phrases(part.text)
    first = ctx.resolve_event(phrases[0]) if phrases else None
    second = ctx.resolve_event(phrases[1], exclude=frozenset({first.ref})) if first else None
    if not (first and second and first.date and second.date):
        return how_many(ctx, part)  # the ends are not two dated events: count what the record says
    start_event, end_event = sorted((first, second), key=lambda e: e.date)
    start, end = period_bounds(start_event.date)[0], period_bounds(end_event.date)[0]
    unit = unit_asked(part.text, start, end)
    span = interval(start, end, unit)
    lead = Claim(span_sentence(format_date(start_event.date), format_date(end_event.date), span, unit),
                 (start_event, end_event))
    support = [Claim(event_headline(e), (e,)) for e in (start_event, end_event)]
    retrieved = [start_event, end_event] + [s for s in ctx.retrieved if s.ref not in {first.ref, second.ref}]
    return Draft([lead] + support, retrieved=retrieved)
