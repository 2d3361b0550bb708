"""Checks that span records: unique ids, date order, duplicates, and cross-references."""

from __future__ import annotations

import difflib
from pathlib import Path

from core.model import Corpus
from index.issues import CorpusIssue


def cross_check(corpus: Corpus, timeline_path: Path) -> list[CorpusIssue]:
    name = str(timeline_path)
    issues: list[CorpusIssue] = []
    ids: dict[str, int] = {}
    for event in corpus.events:
        if event.id in ids:
            issues.append(CorpusIssue(name, event.line, "id", f"duplicate id {event.id!r} (first at line {ids[event.id]})"))
        ids.setdefault(event.id, event.line)

    previous = None
    for event in corpus.events:
        if previous and event.date < previous.date[: len(event.date)]:
            issues.append(
                CorpusIssue(name, event.line, "date", f"{event.date} comes after {previous.date} ({previous.id}); keep date order")
            )
        previous = event
        for ref in event.related:
            if ref not in ids:
                issues.append(CorpusIssue(name, event.line, "related", f"unknown event id {ref!r}"))

    by_date: dict[str, list] = {}
    for event in corpus.events:
        by_date.setdefault(event.date, []).append(event)
    for same_day in by_date.values():
        for i, a in enumerate(same_day):
            for b in same_day[i + 1:]:
                ratio = difflib.SequenceMatcher(None, a.title.lower(), b.title.lower()).ratio()
                if ratio > 0.85:
                    issues.append(
                        CorpusIssue(name, b.line, "title", f"looks like a duplicate of {a.id!r} (same date, titles {ratio:.0%} alike)")
                    )

    seen_chapters: dict[str, str] = {}
    for chapter in corpus.chapters:
        if chapter.id in seen_chapters:
            issues.append(CorpusIssue(chapter.source, 2, "id", f"chapter {chapter.id} also defined in {seen_chapters[chapter.id]}"))
        seen_chapters.setdefault(chapter.id, chapter.source)
        for section in chapter.sections:
            for ref in section.events:
                if ref not in ids:
                    issues.append(CorpusIssue(chapter.source, section.line, "events", f"unknown event id {ref!r}"))
    return issues
