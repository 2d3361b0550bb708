"""One handler per question type, registered like plugins.

A handler takes the question's parsed part and a :class:`Context` (retrieval, the timeline, event
resolution) and returns a :class:`Draft`: cited sentences, or a list with its summary line. A new
question type is a new module here that calls ``register_handler`` and is named in ``BUILTINS``."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from assistant.compose import Claim
from assistant.parse import ParsedQuestion, QuestionPart
from assistant.retrieval import DocumentTable, RetrievalFilters
from core.model import Source


@dataclass
class Draft:
    """What a handler found to say. ``heading`` introduces a list (it cites nothing itself); list
    drafts render their claims as items."""

    claims: list[Claim]
    retrieved: list[Source] = field(default_factory=list)
    heading: str | None = None
    is_list: bool = False


class Context(Protocol):
    """What the pipeline offers a handler."""

    parsed: ParsedQuestion
    retrieved: list[Source]  # the whole question's best items (a period in it preferred)
    filters: RetrievalFilters  # the user's filters with the question's own period
    table: DocumentTable
    persons: frozenset[str]  # people named among the timeline's actors, and their surnames
    # Items earlier 'when' parts of a compound question led with: 'when was X launched, and when did the
    # tribunal rule' asks two moments, so the second date is not the first again.
    answered: frozenset[str]

    def search(self, text: str, filters: RetrievalFilters | None = None, top_k: int | None = None) -> list[Source]: ...

    def sentence_scores(self, text: str, sources: list[Source]) -> dict[str, list[tuple[str, float]]]: ...

    def resolve_event(self, phrase: str, exclude: frozenset[str] = frozenset()) -> Source | None: ...

    def timeline(self, filters: RetrievalFilters) -> list[Source]: ...


Handler = Callable[[Context, QuestionPart], Draft]
HANDLERS: dict[str, Handler] = {}

# The built-in question types, in one place; each module registers itself on import.
BUILTINS = ("facts", "when", "who", "where", "how_many", "first_latest", "timeline_list", "compare", "premise",
            "argument", "reason", "definition", "range", "duration")


def register_handler(*answer_types: str):
    def wrap(handler: Handler) -> Handler:
        for name in answer_types:
            HANDLERS[name] = handler
        return handler

    return wrap


def handler_for(answer_type: str) -> Handler:
    return HANDLERS.get(answer_type) or HANDLERS["fact"]


for _module in BUILTINS:
    importlib.import_module(f"assistant.handlers.{_module}")
