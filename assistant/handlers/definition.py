"""'What is X?': a sentence that says what X is leads."""

from __future__ import annotations

import re

from assistant.compose import Candidate
from assistant.handlers import Context, Draft, register_handler
from assistant.handlers.facts import answer_from, part_sources
from assistant.parse import QuestionPart, content_words

DEFINITION_SENTENCES = 4
_DEFINES = re.compile(r"\b(is|are|was|were|refers to|means|meaning|defined|defines|sets rules|set out|framework|"
                      r"guideline|guidelines|programme|program|policy|agreement that|concept)\b", re.I)


@register_handler("definition")
def definition(ctx: Context, part: QuestionPart) -> Draft:
    subject = set(content_words(part.text))

    def defines(c: Candidate) -> bool:
        return bool(subject & c.words) and bool(_DEFINES.search(c.text))

    return answer_from(ctx, part, part_sources(ctx, part), budget=DEFINITION_SENTENCES, wanted=defines, breadth=True)
