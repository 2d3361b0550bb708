"""The general handler: the most relevant sentences of the retrieved items, the lead being of the
kind the question's type asks for (each typed module passes its own test and length)."""

from __future__ import annotations

from collections.abc import Callable

from assistant.anchors import ORDINALS
from assistant.compose import Candidate, Relevance, candidates, claims_of, select
from assistant.handlers import Context, Draft, register_handler
from assistant.parse import QuestionPart, content_words, other_states
from assistant.query import expand
from core.countries import names_states
from core.model import Source
from core.text import tokens

FACT_SENTENCES = 4  # a plain fact (or several things asked for): the answer and its support


def answer_from(ctx: Context, part: QuestionPart, sources: list[Source], *, budget: int,
                wanted: Callable[[Candidate], bool] | None = None, pool_filter: Callable[[Candidate], bool] | None = None,
                lead: Candidate | None = None, pool: list[Candidate] | None = None, breadth: bool = False,
                any_likeness: bool = False) -> Draft:
    """Select and order sentences from ``sources`` for ``part`` (``pool``: their candidates, if the
    caller has them already)."""
    pool = pool if pool is not None else candidates(sources, ctx.sentence_scores(part.text, sources))
    if pool_filter:
        pool = [c for c in pool if pool_filter(c)] or pool
    asked = _ordinals(part.text)
    pool = [c for c in pool if not _another_of_series(c.source, asked)] or pool
    wanted = _of_states_asked(part.text, pool, wanted)
    relevance = Relevance(content_words(part.text), pool)
    if lead is None and ctx.filters.has_time:  # a period in the question: the lead comes from inside it
        inside = {c.key for c in pool if c.source.date and ctx.filters.matches(c.source, c.source.chapters)}
        if inside and wanted is not None and any(wanted(c) for c in pool if c.key in inside):
            wanted = (lambda w: lambda c: w(c) and c.key in inside)(wanted)
    chosen = select(pool, relevance, budget=budget, wanted=wanted, lead=lead, breadth=breadth,
                    any_likeness=any_likeness)
    return Draft(claims_of(chosen), retrieved=sources)


def _of_states_asked(question: str, pool: list[Candidate],
                     wanted: Callable[[Candidate], bool] | None) -> Callable[[Candidate], bool] | None:
    """A question about a state beside the story's sides ('which vessels did Japan grant to *Malaysia*')
    leads with a sentence naming it, when one (of the wanted kind) is at hand."""
    states = set(other_states(question))
    if not states:
        return wanted

    def naming(c: Candidate) -> bool:
        return names_states(c.text, states) and (wanted is None or wanted(c))
    return naming if any(naming(c) for c in pool) else wanted


def _ordinals(question: str) -> set[str]:
    """The ordinals a question names its occasion by ('the inaugural 2+2': first)."""
    return set(tokens(expand(question))) & ORDINALS


def _another_of_series(source: Source, asked: set[str]) -> bool:
    """An event whose title numbers it otherwise than the question ('Second … 2+2' for 'the inaugural
    2+2'): another of the series the question asks about."""
    titled = set(tokens(source.title)) & ORDINALS
    return source.kind == "event" and len(asked) == 1 and bool(titled) and not asked & titled


def part_sources(ctx: Context, part: QuestionPart) -> list[Source]:
    """The whole question's items for a single-part question; a part of a compound question
    searches for itself, since its subject may differ ('who signed it and when did it take effect')."""
    if len(ctx.parsed.parts) == 1:
        found = ctx.retrieved
    else:
        found = ctx.search(part.text, ctx.filters)
        found = [s for s in found if s.ref not in ctx.answered] or found
    return _with_numbered_occasion(ctx, part, found)


def _with_numbered_occasion(ctx: Context, part: QuestionPart, found: list[Source]) -> list[Source]:
    """'Where was the inaugural 2+2 held?' is about one numbered occasion of a series: the event the
    phrase names comes first, though a search for the question's words finds the series' other
    occasions and the chapter on all of them."""
    asked = _ordinals(part.text)
    if len(asked) != 1:
        return found
    named = ctx.resolve_event(part.text, exclude=frozenset(s.ref for s in found if _another_of_series(s, asked)))
    return [named] + [s for s in found if s.ref != named.ref] if named else found


@register_handler("fact")
def fact(ctx: Context, part: QuestionPart) -> Draft:
    return answer_from(ctx, part, part_sources(ctx, part), budget=FACT_SENTENCES, breadth=True)
