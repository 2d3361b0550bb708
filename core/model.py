"""The domain model: the study's chapters and timeline events as the corpus defines them, and the
typed values that cross the assistant's boundary (what was retrieved, what is cited, the answer)."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import asdict, dataclass, field
from typing import Literal

from core.countries import states_named
from core.dates import format_date, period_bounds
from core.text import strip_event_refs

# Canonical chapter ids of the study, used by the corpus, citations and evals alike.
CANONICAL_CHAPTERS: dict[str, str] = {
    "1": "Introduction: research background and problem statement",
    "2": "Japan-Philippines defense cooperation under the FOIP initiative",
    "3": "Driving factors and China's response",
    "4": "The evolution of Japan-Philippines defense cooperation since 2016",
    "4.1": "Vientiane Vision and the FOIP initiative",
    "4.2": "Summit and ministerial meetings",
    "4.3": "Defense equipment and technology transfer cooperation",
    "4.4": "Joint exercises, defense exchanges and capacity building",
    "5": "The emergence of a quasi-alliance and future prospects",
    "6": "Conclusion: research summary and policy implications",
}

EVENT_CATEGORIES = (
    "agreement",
    "summit",
    "ministerial",
    "equipment-transfer",
    "exercise",
    "capacity-building",
    "policy",
    "incident",
    "multilateral",
    "other",
)

# How well an event's facts are supported: high = an official page or two independent pages agree;
# medium = one non-official page; low = the sources conflict (the event's note says how).
CONFIDENCE_LEVELS = ("high", "medium", "low")


_INSTITUTION = re.compile(r"\b(United|States|Ministry|Department|Force|Forces|Guard|Navy|"
                          r"Army|Agency|Council|Senate|Diet|House|Office|Bank|Corporation|Industries|Group|"
                          r"Association|Union|Command|Fleet|Brigade|Marine|Marines|Defense|Defence|ASEAN|Government|"
                          r"Embassy|Committee|Cabinet|Kingdom)\b")
_SUFFIXES = ("Jr", "Sr", "III", "II")


def person_name(actor: str) -> bool:
    """An actor who is a person: two or more capitalised words, no institution or country."""
    words = actor.replace(".", "").split()
    return (len(words) >= 2 and all(w[:1].isupper() for w in words) and not _INSTITUTION.search(actor)
            and not states_named(actor))


def surname(person: str) -> str:
    return next((w for w in reversed(person.replace(".", "").split()) if w not in _SUFFIXES), "")


def event_headline(date: str, title: str) -> str:
    """An event's text opens with 'date: title.' and goes on with its summary."""
    return f"{format_date(date)}: {title}."


def event_summary(text: str, date: str, title: str) -> str:
    """The summary in an event's text: the inverse of :attr:`TimelineEvent.text`."""
    headline = event_headline(date, title)
    return text[len(headline):].strip() if text.startswith(headline) else text


@dataclass(frozen=True)
class TimelineEvent:
    """One dated event of the timeline: as the corpus defines it, as the index stores it, as the web shows it."""

    id: str
    date: str
    title: str
    category: str
    summary: str
    confidence: str = ""  # one of CONFIDENCE_LEVELS; "" when an index predates it
    note: str = ""  # where sources differ: how
    actors: tuple[str, ...] = ()
    chapters: tuple[str, ...] = ()
    urls: tuple[str, ...] = ()  # the pages that report it (timeline.yaml's "sources")
    related: tuple[str, ...] = ()
    line: int = 0  # where the event starts in timeline.yaml, for error messages

    @property
    def year(self) -> int:
        return int(self.date[:4])

    @property
    def display_date(self) -> str:
        try:
            return format_date(self.date)
        except (ValueError, IndexError):
            return self.date

    @property
    def text(self) -> str:
        """What is embedded and shown: date, title, summary."""
        return f"{event_headline(self.date, self.title)} {self.summary}"

    @property
    def span(self) -> tuple[dt.date, dt.date]:
        bounds = period_bounds(self.date)
        assert bounds is not None
        return bounds

    @property
    def position(self) -> float:
        """Fractional year, for charts."""
        start, end = self.span
        mid = start + (end - start) / 2
        return mid.year + (mid.timetuple().tm_yday - 1) / 366

    def to_dict(self) -> dict:
        """The event in the portal API (``/api/events``)."""
        return {"id": self.id, "date": self.date, "display_date": self.display_date, "title": self.title,
                "category": self.category, "summary": self.summary, "actors": list(self.actors),
                "chapters": list(self.chapters), "sources": list(self.urls), "related": list(self.related),
                "confidence": self.confidence, "note": self.note}


@dataclass(frozen=True)
class ChapterSection:
    """One citable section of a chapter: the text under a ``##`` heading (or the chapter's lead)."""

    chapter_id: str
    chapter_title: str
    heading: str | None
    text: str
    events: tuple[str, ...] = ()  # timeline ids the section's paragraphs name
    source: str = ""
    line: int = 0
    page: int | None = None

    @property
    def heading_path(self) -> tuple[str, ...]:
        return (self.chapter_title,) + ((self.heading,) if self.heading else ())


@dataclass(frozen=True)
class Chapter:
    id: str
    title: str
    summary: str
    sections: tuple[ChapterSection, ...] = field(default_factory=tuple)
    source: str = ""

    @property
    def word_count(self) -> int:
        return sum(len(strip_event_refs(s.text).split()) for s in self.sections)


@dataclass(frozen=True)
class Corpus:
    chapters: tuple[Chapter, ...]
    events: tuple[TimelineEvent, ...]

    def chapter(self, chapter_id: str) -> Chapter | None:
        return next((c for c in self.chapters if c.id == chapter_id), None)

    def event(self, event_id: str) -> TimelineEvent | None:
        return next((e for e in self.events if e.id == event_id), None)


Kind = Literal["chapter", "event"]


@dataclass(frozen=True)
class Office:
    """A term of office (corpus/offices.yaml): who held it and when, with where that is recorded. A
    question may name a period by it ('under Duterte', 'while Ishiba was prime minister')."""

    holder: str  # 'Rodrigo Duterte', 'Ferdinand Marcos Jr.'
    office: str  # 'President of the Philippines'
    start: str  # ISO date
    end: str | None  # ISO date; None while in office at the record's end
    sources: tuple[str, ...]

    @property
    def surname(self) -> str:
        return [w for w in self.holder.split() if w.rstrip(".") not in ("Jr", "Sr", "II", "III")][-1]


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


@dataclass(frozen=True)
class AnswerDelta:
    """A piece of the answer while it is produced (a model's draft, or the extractive sentences)."""

    text: str


@dataclass(frozen=True)
class FinalAnswer:
    """The verified answer, which replaces any draft: the last event of every answer stream."""

    answer: Answer


StreamEvent = AnswerDelta | FinalAnswer
