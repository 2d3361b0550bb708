"""The typed values that cross the assistant's boundary: what was retrieved, what is cited, the answer."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Literal

Kind = Literal["chapter", "event"]


@dataclass(frozen=True)
class Source:
    """One retrieved item with everything a citation needs."""

    kind: Kind
    ref: str  # chapter id ("4.3") or event id ("2024-07-08-raa-signed")
    chapter: str | None
    date: str | None  # "YYYY-MM-DD" | "YYYY-MM" | "YYYY" | None
    title: str
    text: str
    doc_id: str = ""
    section: str | None = None
    page: int | None = None
    category: str | None = None
    actors: tuple[str, ...] = ()
    urls: tuple[str, ...] = ()  # event sources
    events: tuple[str, ...] = ()  # for passages: the timeline ids the passage names
    related: tuple[str, ...] = ()  # for events: related event ids
    chapters: tuple[str, ...] = ()  # every chapter the item belongs to (an event may serve several)
    confidence: str | None = None  # events: high | medium | low (low: the sources conflict)
    note: str | None = None  # events: where and how the sources differ
    score: float = 0.0
    similarity: float = 0.0  # cosine similarity to the question, 0 when only BM25 found it

    def to_dict(self) -> dict:
        data = asdict(self)
        data.pop("doc_id")
        for key in ("actors", "urls", "events", "related", "chapters"):
            data[key] = list(data[key])
        return data


@dataclass(frozen=True)
class Citation:
    marker: str  # "[1]"
    source: Source
    verified: bool = True  # the sentences that cite it are supported by its text

    def to_dict(self) -> dict:
        return {"marker": self.marker, **self.source.to_dict(), "verified": self.verified}


@dataclass(frozen=True)
class Turn:
    role: Literal["user", "assistant"]
    content: str


@dataclass
class Answer:
    question: str
    answer: str
    citations: list[Citation] = field(default_factory=list)
    retrieved: list[Source] = field(default_factory=list)
    refused: bool = False
    backend: str = "extractive"
    notice: str | None = None  # e.g. "the language model was unreachable; showing the extractive answer"
    standalone_question: str | None = None  # the question as rewritten from history, if it was
    answer_type: str = "fact"  # what kind of answer the question asked for (assistant.parse.ANSWER_TYPES)
    timings_ms: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {
            "question": self.question,
            "answer": self.answer,
            "refused": self.refused,
            "backend": self.backend,
            "notice": self.notice,
            "standalone_question": self.standalone_question,
            "answer_type": self.answer_type,
            "citations": [c.to_dict() for c in self.citations],
            "retrieved": [s.to_dict() for s in self.retrieved],
            "timings_ms": {k: round(v, 2) for k, v in self.timings_ms.items()},
        }

    def to_json(self, **kwargs) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, **kwargs)
