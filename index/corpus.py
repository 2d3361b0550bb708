"""Load the corpus (chapter Markdown + timeline YAML) into typed records, with located errors.

Every problem is reported as ``file:line: field: message`` so a contributor can go straight
to it; all problems are collected before failing, not just the first.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from core.dates import parse_partial_date
from core.model import (CANONICAL_CHAPTERS, CONFIDENCE_LEVELS, EVENT_CATEGORIES, Chapter, ChapterSection, Corpus,
                        TimelineEvent)
from core.text import event_refs
from index.issues import CorpusError, CorpusIssue
from index.validate import cross_check

_REQUIRED_EVENT_FIELDS = ("id", "date", "title", "category", "summary", "confidence", "actors", "chapters", "sources")
_OPTIONAL_STRING_FIELDS = ("note",)
_LIST_FIELDS = ("actors", "chapters", "sources", "related")
_ID_PATTERN = re.compile(r"^\d{4}(-\d{2}){0,2}-[a-z0-9]+(-[a-z0-9]+)*$")


# --- timeline ---------------------------------------------------------------------------


def _field_lines(node: yaml.MappingNode) -> dict[str, int]:
    return {k.value: v.start_mark.line + 1 for k, v in node.value if isinstance(k, yaml.ScalarNode)}


def read_yaml_list(path: Path) -> tuple[list, list, list[CorpusIssue]]:
    """(nodes, items, issues): the timeline's list, with each item's node for line numbers."""
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except FileNotFoundError:
        return [], [], [CorpusIssue(name, 0, "-", "file not found")]
    except (yaml.YAMLError, ValueError) as exc:  # ValueError: a date-like value that is no date ('2020-13-01')
        mark = getattr(exc, "problem_mark", None)
        return [], [], [CorpusIssue(name, (mark.line + 1) if mark else 0, "-", f"invalid YAML: {exc}")]
    if not isinstance(data, list) or not isinstance(root, yaml.SequenceNode):
        return [], [], [CorpusIssue(name, 1, "-", "expected a YAML list")]
    return root.value, data, []


def _shape_ok(item: dict, bad) -> bool:
    """Required fields present, lists of strings and strings where expected; unknown fields reported."""
    ok = True
    for field in _REQUIRED_EVENT_FIELDS:
        if item.get(field) in (None, "", []):
            bad(field, "missing")
            ok = False
    for field in _LIST_FIELDS:
        value = item.get(field, [])
        if value is not None and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            bad(field, "must be a list of strings")
            ok = False
    for field in ("id", "date", "title", "category", "summary", "confidence", *_OPTIONAL_STRING_FIELDS):
        if field in item and item[field] is not None and not isinstance(item[field], str):
            bad(field, f"must be a string (quote it), got {type(item[field]).__name__}")
            ok = False
    unknown = set(item) - set(_REQUIRED_EVENT_FIELDS) - set(_LIST_FIELDS) - set(_OPTIONAL_STRING_FIELDS)
    for field in sorted(unknown):
        bad(field, "unknown field")
    return ok


def _event_from_yaml(item: dict, line: int) -> TimelineEvent:
    return TimelineEvent(
        id=item["id"],
        date=item["date"],
        title=item["title"].strip(),
        category=item["category"],
        summary=" ".join(item["summary"].split()),
        confidence=item["confidence"],
        note=" ".join((item.get("note") or "").split()),
        actors=tuple(item.get("actors") or ()),
        chapters=tuple(item.get("chapters") or ()),
        urls=tuple(item.get("sources") or ()),
        related=tuple(item.get("related") or ()),
        line=line,
    )


def load_timeline(path: Path) -> tuple[list[TimelineEvent], list[CorpusIssue]]:
    name = str(path)
    nodes, data, issues = read_yaml_list(path)
    events: list[TimelineEvent] = []
    for node, item in zip(nodes, data):
        start = node.start_mark.line + 1
        if not isinstance(item, dict):
            issues.append(CorpusIssue(name, start, "-", "each event must be a mapping"))
            continue
        lines = _field_lines(node)

        def bad(field: str, message: str, lines=lines, start=start) -> None:
            issues.append(CorpusIssue(name, lines.get(field, start), field, message))

        if _shape_ok(item, bad):
            events.append(_event_from_yaml(item, start))
            _check_event(events[-1], lines, bad)
    return events, issues


def _check_event(event: TimelineEvent, lines: dict[str, int], bad) -> None:
    try:
        parse_partial_date(event.date)
    except ValueError as exc:
        bad("date", f"{event.date!r}: {exc}")
    if not _ID_PATTERN.match(event.id):
        bad("id", f"{event.id!r}: expected a date followed by a lowercase slug, e.g. 2024-07-08-raa-signed")
    elif not event.id.startswith(event.date):
        bad("id", f"{event.id!r} does not start with its date {event.date!r}")
    if event.category not in EVENT_CATEGORIES:
        bad("category", f"{event.category!r} is not one of {', '.join(EVENT_CATEGORIES)}")
    if event.confidence not in CONFIDENCE_LEVELS:
        bad("confidence", f"{event.confidence!r} is not one of {', '.join(CONFIDENCE_LEVELS)}")
    for chapter in event.chapters:
        if chapter not in CANONICAL_CHAPTERS:
            bad("chapters", f"{chapter!r} is not a canonical chapter id")
    for url in event.urls:
        if not re.match(r"^https?://[^\s/]+\.[^\s/]+(/\S*)?$", url):
            bad("sources", f"{url!r} is not a well-formed http(s) URL")


# --- chapters ---------------------------------------------------------------------------

_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.S)


def load_chapter(path: Path) -> tuple[Chapter | None, list[CorpusIssue]]:
    name = str(path)
    text = path.read_text(encoding="utf-8")
    match = _FRONT_MATTER.match(text)
    if not match:
        return None, [CorpusIssue(name, 1, "front matter", "missing: start the file with '---' id/title/summary '---'")]
    try:
        meta = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as exc:
        return None, [CorpusIssue(name, 2, "front matter", f"invalid YAML: {exc}")]
    issues = []
    meta_lines = {
        line.split(":", 1)[0].strip(): i + 2 for i, line in enumerate(match.group(1).splitlines()) if ":" in line
    }
    for field in ("id", "title", "summary"):
        if not isinstance(meta.get(field), str) or not meta[field].strip():
            issues.append(CorpusIssue(name, meta_lines.get(field, 1), field, "missing (a quoted string)"))
    if issues:
        return None, issues
    chapter_id = meta["id"]
    if chapter_id not in CANONICAL_CHAPTERS:
        issues.append(CorpusIssue(name, meta_lines["id"], "id", f"{chapter_id!r} is not a canonical chapter id"))
    body_start = text[: match.end()].count("\n") + 1
    sections = split_sections(text[match.end():], chapter_id, meta["title"].strip(), name, body_start)
    return Chapter(chapter_id, meta["title"].strip(), " ".join(meta["summary"].split()), tuple(sections), name), issues


def split_sections(body: str, chapter_id: str, chapter_title: str, source: str, first_line: int = 1) -> list[ChapterSection]:
    """Split Markdown at ``##`` headings; ``[events: a, b]`` tags are listed in ``events``."""
    sections: list[ChapterSection] = []
    heading, start, buf = None, first_line, []

    def flush() -> None:
        raw = "\n".join(buf).strip()
        if not raw:
            return
        sections.append(ChapterSection(chapter_id, chapter_title, heading, raw, event_refs(raw), source, start))

    for offset, line in enumerate(body.splitlines()):
        if line.startswith("## ") or line.startswith("# "):
            flush()
            buf = []
            heading = line.lstrip("#").strip() if line.startswith("## ") else None
            start = first_line + offset
        else:
            buf.append(line)
    flush()
    return sections


# --- whole corpus -----------------------------------------------------------------------


def load_corpus(corpus_dir: Path, *, strict: bool = True) -> tuple[Corpus, list[CorpusIssue]]:
    """Load everything; with ``strict`` raise :class:`CorpusError` if anything is wrong."""
    events, issues = load_timeline(corpus_dir / "timeline.yaml")
    chapters = []
    for path in sorted((corpus_dir / "chapters").glob("*.md")):
        chapter, chapter_issues = load_chapter(path)
        issues += chapter_issues
        if chapter:
            chapters.append(chapter)
    chapters.sort(key=lambda c: [int(p) for p in c.id.split(".")] if c.id.replace(".", "").isdigit() else [99])
    corpus = Corpus(tuple(chapters), tuple(events))
    issues += cross_check(corpus, corpus_dir / "timeline.yaml")
    if strict and issues:
        raise CorpusError(issues)
    return corpus, issues
