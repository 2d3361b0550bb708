"""The Chroma metadata codec: how an event or a passage is packed into a document's metadata at build
time, and unpacked into a :class:`Source` at query time. Both directions live here so they cannot drift.

Chroma metadata must be scalar: lists are kept as '|a|b|' (so a substring finds a member), the source
URLs as a JSON list, and a missing page as -1.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from core.model import CANONICAL_CHAPTERS, ChapterSection, Source, TimelineEvent

TIMELINE_SOURCE = "corpus/timeline.yaml"


def pack_list(values: Iterable[str]) -> str:
    values = list(values)
    return "|" + "|".join(values) + "|" if values else ""


def unpack_list(value: str) -> tuple[str, ...]:
    return tuple(v for v in (value or "").split("|") if v)


def event_metadata(event: TimelineEvent, study: str) -> dict:
    return {
        "kind": "event",
        "ref": event.id,
        "study": study,
        "chapter": event.chapters[0] if event.chapters else "",
        "chapters": pack_list(event.chapters),
        "section": "",
        "title": event.title,
        "date": event.date,
        "year": event.year,
        "category": event.category,
        "confidence": event.confidence,
        "note": event.note,
        "actors": pack_list(event.actors),
        "sources": json.dumps(list(event.urls)),
        "events": "",
        "related": pack_list(event.related),
        "source": TIMELINE_SOURCE,
        "page": -1,
    }


def passage_metadata(section: ChapterSection, study: str, *, title: str, events: Iterable[str]) -> dict:
    """A passage of ``section``; a section outside the canonical chapters keeps no chapter id."""
    canonical = section.chapter_id in CANONICAL_CHAPTERS
    return {
        "kind": "chapter",
        "ref": section.chapter_id,
        "study": study,
        "chapter": section.chapter_id if canonical else "",
        "chapters": pack_list([section.chapter_id] if canonical else []),
        "section": section.heading or "",
        "title": title,
        "date": "",
        "year": 0,
        "category": "",
        "confidence": "",
        "note": "",
        "actors": "",
        "sources": json.dumps([section.source] if section.source else []),
        "events": pack_list(dict.fromkeys(events)),
        "related": "",
        "source": section.source,
        "page": section.page if section.page is not None else -1,
    }


def source_from_record(doc_id: str, text: str, meta: dict) -> Source:
    kind = meta.get("kind", "chapter")
    return Source(
        kind=kind,
        ref=meta.get("ref", doc_id),
        chapter=meta.get("chapter") or None,
        date=meta.get("date") or None,
        title=meta.get("title", ""),
        text=text,
        doc_id=doc_id,
        section=meta.get("section") or None,
        page=meta.get("page") if (meta.get("page") or -1) >= 0 else None,
        category=meta.get("category") or None,
        actors=unpack_list(meta.get("actors", "")),
        urls=tuple(json.loads(meta["sources"])) if kind == "event" and meta.get("sources") else (),
        events=unpack_list(meta.get("events", "")),
        related=unpack_list(meta.get("related", "")),
        chapters=unpack_list(meta.get("chapters", "")),
        confidence=meta.get("confidence") or None,
        note=meta.get("note") or None,
    )
