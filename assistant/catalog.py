"""What the timeline and chapter views show: every event and chapter of the serving index, enriched
from the corpus files (chapter summaries, section order) when they are readable.

Built once per app by ``Assistant.catalog()`` from its document table (what it can cite) and the corpus
directory; the web face reads events and chapters only through it.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from functools import cached_property

from core.dates import BadPeriod, period_bounds
from core.model import CANONICAL_CHAPTERS, EVENT_CATEGORIES, Source, TimelineEvent, event_summary
from core.text import event_refs, strip_event_refs
from index.corpus import load_corpus

log = logging.getLogger(__name__)


def event_of(source: Source, chapters: tuple[str, ...], record: TimelineEvent | None = None) -> TimelineEvent:
    """A retrieved event as the timeline shows it; ``record`` (the corpus's) fills in a confidence and note
    that an older index lacks."""
    return TimelineEvent(
        id=source.ref, date=source.date or "", title=source.title, category=source.category or "other",
        summary=event_summary(source.text, source.date or "", source.title),
        confidence=source.confidence or (record.confidence if record else ""),
        note=source.note or (record.note if record else ""),
        actors=tuple(source.actors), chapters=tuple(chapters), urls=tuple(source.urls), related=tuple(source.related))


@dataclass(frozen=True)
class Paragraph:
    text: str
    events: tuple[str, ...] = ()


@dataclass(frozen=True)
class SectionView:
    heading: str | None
    paragraphs: tuple[Paragraph, ...]

    @property
    def events(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(e for p in self.paragraphs for e in p.events))


@dataclass(frozen=True)
class ChapterView:
    id: str
    title: str
    summary: str
    sections: tuple[SectionView, ...] = ()

    @property
    def events(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(e for s in self.sections for e in s.events))

    @property
    def word_count(self) -> int:
        return sum(len(p.text.split()) for s in self.sections for p in s.paragraphs)

    def summary_dict(self) -> dict:
        return {"id": self.id, "title": self.title, "summary": self.summary,
                "sections": [s.heading for s in self.sections if s.heading], "events": len(self.events),
                "words": self.word_count}

    def to_dict(self, catalog: "Catalog") -> dict:
        return {"id": self.id, "title": self.title, "summary": self.summary,
                "sections": [{"heading": s.heading, "paragraphs": [{"text": p.text, "events": list(p.events)}
                                                                   for p in s.paragraphs]} for s in self.sections],
                "events": [catalog.events_by_id[e].to_dict() for e in self.events if e in catalog.events_by_id]}


def _chapter_key(chapter_id: str) -> list[int]:
    return [int(p) for p in chapter_id.split(".")] if chapter_id.replace(".", "").isdigit() else [99]


@dataclass
class Catalog:
    events: list[TimelineEvent]
    chapters: list[ChapterView]
    events_by_id: dict[str, TimelineEvent] = field(default_factory=dict)
    chapters_by_id: dict[str, ChapterView] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.events.sort(key=lambda e: (e.date, e.id))
        self.chapters.sort(key=lambda c: _chapter_key(c.id))
        self.events_by_id = {e.id: e for e in self.events}
        self.chapters_by_id = {c.id: c for c in self.chapters}

    # -- building ---------------------------------------------------------------------------
    @classmethod
    def build(cls, table, corpus_dir=None) -> "Catalog":
        corpus = None
        if corpus_dir is not None:
            try:
                corpus, _issues = load_corpus(corpus_dir, strict=False)
            except Exception as exc:  # a half-edited corpus must not take the web face down
                log.warning("corpus at %s unreadable (%s); chapters come from the index", corpus_dir, exc)
        events = []
        for source, chapters in zip(table.sources, table.chapters):
            if source.kind != "event" or not source.date:
                continue
            events.append(event_of(source, chapters, corpus.event(source.ref) if corpus else None))
        chapters = cls._chapters_from_corpus(corpus) if corpus and corpus.chapters else cls._chapters_from_table(table)
        return cls(events, chapters)

    @staticmethod
    def _chapters_from_corpus(corpus) -> list[ChapterView]:
        views = []
        for chapter in corpus.chapters:
            sections = []
            for section in chapter.sections:
                paragraphs = tuple(Paragraph(strip_event_refs(p), event_refs(p))
                                   for p in (x.strip() for x in section.text.split("\n\n")) if p)
                sections.append(SectionView(section.heading, paragraphs))
            views.append(ChapterView(chapter.id, chapter.title, chapter.summary, tuple(sections)))
        return views

    @staticmethod
    def _chapters_from_table(table) -> list[ChapterView]:
        by_chapter: dict[str, list] = {}
        for source in table.sources:
            if source.kind == "chapter" and source.chapter:
                by_chapter.setdefault(source.chapter, []).append(source)
        views = []
        for chapter_id, passages in by_chapter.items():
            passages.sort(key=lambda s: int(s.doc_id.rsplit(":", 1)[-1]) if s.doc_id.rsplit(":", 1)[-1].isdigit() else 0)
            sections: list[SectionView] = []
            for s in passages:
                paragraph = Paragraph(s.text, tuple(s.events))
                if sections and sections[-1].heading == s.section:
                    sections[-1] = SectionView(s.section, sections[-1].paragraphs + (paragraph,))
                else:
                    sections.append(SectionView(s.section, (paragraph,)))
            title = CANONICAL_CHAPTERS.get(chapter_id, passages[0].title)
            views.append(ChapterView(chapter_id, title, "", tuple(sections)))
        return views

    # -- queries ----------------------------------------------------------------------------
    @property
    def categories(self) -> list[str]:
        present = {e.category for e in self.events}
        return [c for c in EVENT_CATEGORIES if c in present] + sorted(present - set(EVENT_CATEGORIES))

    @property
    def actors(self) -> list[str]:
        counts: dict[str, int] = {}
        for e in self.events:
            for a in e.actors:
                counts[a] = counts.get(a, 0) + 1
        return sorted(counts, key=lambda a: (-counts[a], a.lower()))

    @property
    def years(self) -> tuple[int, int]:
        if not self.events:
            return (2011, 2025)
        return int(self.events[0].date[:4]), int(self.events[-1].date[:4])

    def filter_events(self, *, categories=(), actors=(), start: str | int | None = None,
                      end: str | int | None = None) -> list[TimelineEvent]:
        """Categories match exactly; an actor matches case-insensitively as a whole name or a part of
        one ("Marcos" finds "Ferdinand Marcos Jr."); a period keeps events whose date overlaps it."""
        low = period_bounds(start, name="from")
        high = period_bounds(end, name="to")
        if low and high and low[0] > high[1]:
            raise BadPeriod(f"from ({start}) is after to ({end})")
        wanted_categories = {c for c in categories if c}
        wanted_actors = [a.strip().lower() for a in actors if a and a.strip()]
        kept = []
        for event in self.events:
            if wanted_categories and event.category not in wanted_categories:
                continue
            if wanted_actors:
                names = [a.lower() for a in event.actors]
                if not any(w == n or w in n for w in wanted_actors for n in names):
                    continue
            first, last = event.span
            if low and last < low[0]:
                continue
            if high and first > high[1]:
                continue
            kept.append(event)
        return kept

    @cached_property
    def names(self) -> frozenset[str]:
        """Words the corpus writes only with a capital (Japan, Marcos): they keep it mid-sentence."""
        texts = [p.text for c in self.chapters for s in c.sections for p in s.paragraphs]
        texts += [f"{e.title} {e.summary}" for e in self.events]
        words = set(re.findall(r"[A-Za-z]+", " ".join(texts)))
        return frozenset(w for w in words if w[0].isupper() and w.lower() not in words)

    def chapter_title(self, chapter_id: str) -> str:
        view = self.chapters_by_id.get(chapter_id)
        return view.title if view else CANONICAL_CHAPTERS.get(chapter_id, "")
