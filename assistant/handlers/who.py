"""'Who …?': the lead sentence names people (or the bodies asked about)."""

from __future__ import annotations

import re

from assistant.compose import Candidate
from assistant.handlers import Context, Draft, register_handler
from assistant.handlers.facts import FACT_SENTENCES, answer_from, part_sources
from assistant.parse import QuestionPart

WHO_SENTENCES = 2
# Several people asked for ('which Chinese officials', 'who were the signatories'): a sentence each, up to
# the length of a plain fact, chosen for the names they add.
_SEVERAL = re.compile(r"\b(?:which|what)\s+(?:[\w-]+\s+){0,2}?(?:[a-z]+[^s\W]s|people|men|women)\b|\bwho\s+(?:were|are)\b|"
                      r"\bfor each\b", re.I)
_BODY = re.compile(r"\b(Ministry|Department|Coast Guard|Navy|Army|Air Force|Self-Defense Force\w*|Senate|Diet|Cabinet|"
                   r"Agency|Council|Corporation|Industries|Shipbuilding|Mitsubishi|Japan Marine United)\b")


def names_people(persons: frozenset[str]):
    def wanted(c: Candidate) -> bool:
        return any(p in c.text for p in persons)

    return wanted


@register_handler("who")
def who(ctx: Context, part: QuestionPart) -> Draft:
    people = names_people(ctx.persons)
    asks_for_body = re.search(r"\b(which|what) (agency|agencies|company|companies|firm|shipbuilder|ministry|country|"
                              r"countries|service|unit)\b", part.text, re.I)
    wanted = (lambda c: bool(_BODY.search(c.text))) if asks_for_body else people
    several = bool(_SEVERAL.search(part.text))
    return answer_from(ctx, part, part_sources(ctx, part), budget=FACT_SENTENCES if several else WHO_SENTENCES,
                       wanted=wanted, breadth=several)
