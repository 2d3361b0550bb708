"""'Where …?': the lead sentence names a place."""

from __future__ import annotations

import re

from assistant.compose import Candidate
from assistant.handlers import Context, Draft, register_handler
from assistant.handlers.facts import answer_from, part_sources
from assistant.parse import QuestionPart
from core.dates import MONTH_NAMES

WHERE_SENTENCES = 2
_PLACE = re.compile(rf"\b(?:in|at|off|near|aboard|to|from|inside|outside)\s+(?:the\s+)?(?!(?i:{'|'.join(MONTH_NAMES)})\b)"
                    r"([A-Z][a-z][\w'-]*(?:\s+(?:of\s+)?[A-Z][\w'-]*)*)")
# 'to the Philippine Air Force' names a body, not a place.
_BODY = re.compile(r"\b(?:Force|Forces|Navy|Army|Guard|Corps|Ministry|Department|Agency|Command|Government|Marines|"
                   r"Electric|Industries|Shipbuilding|United|Corporation|Company)$")


def places(text: str) -> list[str]:
    """The places ``text`` puts something in, at or near ('at Malacanang Palace in Manila')."""
    return [m.group(1) for m in _PLACE.finditer(text) if not _BODY.search(m.group(1))]


def names_place(c: Candidate) -> bool:
    return bool(places(c.text))


@register_handler("where")
def where(ctx: Context, part: QuestionPart) -> Draft:
    return answer_from(ctx, part, part_sources(ctx, part), budget=WHERE_SENTENCES, wanted=names_place)
