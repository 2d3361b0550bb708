"""The study's argument: its claims, concepts, conclusions and outlook, from the chapters, with the
attribution the digest gives them ('The study argues …')."""

from __future__ import annotations

import re
from dataclasses import replace

from assistant.compose import Candidate
from assistant.handlers import Context, Draft, register_handler
from assistant.handlers.facts import answer_from
from assistant.parse import ABOUT_STUDY, QuestionPart
from core.model import Source

ARGUMENT_SENTENCES = 6  # an argument needs its claim and its grounds
_ATTRIBUTED = re.compile(r"\b(the study|study's|in the study|according to the study|the author|the published summary|"
                         r"argues|concludes|contends|maintains|recommends|suggests|expects|predicts|sees|reads)\b", re.I)


def attributed(c: Candidate) -> bool:
    return c.source.kind == "chapter" and bool(_ATTRIBUTED.search(c.text))


def about_study(question: str) -> bool:
    return bool(ABOUT_STUDY.search(question))


def argument_sources(ctx: Context, text: str) -> list[Source]:
    """The chapter passages closest to the question first, then the question's best items."""
    chapters = ctx.search(text, replace(ctx.filters, kinds=("chapter",)))
    return list(dict.fromkeys(chapters[:4] + ctx.retrieved[:2]))


@register_handler("argument")
def argument(ctx: Context, part: QuestionPart) -> Draft:
    # The study's argument is asked in the asker's words, which its chapters rarely share: the passages
    # closest in meaning are about it, ordered by relevance and what each adds, with no floor on likeness.
    return answer_from(ctx, part, argument_sources(ctx, part.text), budget=ARGUMENT_SENTENCES, wanted=attributed,
                       breadth=True, any_likeness=True)
