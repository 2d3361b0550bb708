"""'Why …?' and 'what did X lead to?': sentences that give causes or effects lead."""

from __future__ import annotations

import re

from assistant.compose import Candidate
from assistant.handlers import Context, Draft, register_handler
from assistant.handlers.facts import answer_from, part_sources
from assistant.parse import QuestionPart

REASON_SENTENCES = 4  # a cause or effect with what it rests on
_CAUSAL = re.compile(r"\b(because|since|due to|owing to|driven|drove|drive|drives|driver|factors?|reasons?|"
                     r"in response|response to|led to|leads to|lead to|made possible|make possible|enabled?|allows?|"
                     r"allowed|so that|in order to|aim(?:ed|s)? (?:at|to)|to counter|to deter|concern|threat|"
                     r"pushed|prompted|motivated|result(?:ed)? in|as a result|paved the way|opened the way|purpose)\b",
                     re.I)


def gives_cause(c: Candidate) -> bool:
    return bool(_CAUSAL.search(c.text))


@register_handler("reason")
def reason(ctx: Context, part: QuestionPart) -> Draft:
    return answer_from(ctx, part, part_sources(ctx, part), budget=REASON_SENTENCES, wanted=gives_cause, breadth=True)
