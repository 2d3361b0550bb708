"""Chat logic shared by the UI and the API: filters, streaming with backend guards, follow-up
suggestions, the conversation export. Plain functions over the JSON contract (``Answer.to_dict()``),
so the UI state is serialisable and the tests need no browser."""

from __future__ import annotations

import datetime as dt
import re
import tempfile
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from assistant.catalog import Catalog
from assistant.llm import BACKENDS
from assistant.retrieval import RetrievalFilters
from assistant.service import Assistant, InvalidQuestion
from core.model import CANONICAL_CHAPTERS, Answer, FinalAnswer, StreamEvent, TimelineEvent, Turn
from core.text import ESCAPED_MARKER, MARKER
from web.render import reference_line

STARTER_QUESTIONS = [
    "When was the Reciprocal Access Agreement signed?",
    "Which equipment has Japan transferred to the Philippines?",
    "How does the study define a quasi-alliance?",
    "What are the five factors driving the cooperation?",
    "What happened in 2016?",
]
MAX_FOLLOWUPS = 3
MAX_HISTORY_TURNS = 50


class BadFilters(ValueError):
    pass


def make_filters(chapters=(), categories=(), actors=(), year_from=None, year_to=None) -> RetrievalFilters | None:
    """Retrieval filters from UI or API values; ``None`` when nothing narrows retrieval."""
    chapters = tuple(c for c in _as_list(chapters) if c)
    unknown = [c for c in chapters if c not in CANONICAL_CHAPTERS]
    if unknown:
        raise BadFilters(f"unknown chapter {unknown[0]!r}; known: {', '.join(CANONICAL_CHAPTERS)}")
    year_from = _year(year_from, "year_from")
    year_to = _year(year_to, "year_to")
    if year_from and year_to and year_from > year_to:
        raise BadFilters(f"year_from ({year_from}) is after year_to ({year_to})")
    filters = RetrievalFilters(chapters=chapters, categories=tuple(c for c in _as_list(categories) if c),
                               actors=tuple(a for a in _as_list(actors) if a), year_from=year_from, year_to=year_to)
    return None if filters.empty else filters


def describe_filters(filters: RetrievalFilters | None) -> str:
    if filters is None:
        return ""
    parts = []
    if filters.chapters:
        parts.append("chapter " + ", ".join(filters.chapters))
    if filters.categories:
        parts.append("category " + ", ".join(filters.categories))
    if filters.actors:
        parts.append("actor " + ", ".join(filters.actors))
    if filters.year_from or filters.year_to:
        parts.append(f"years {filters.year_from or '…'}–{filters.year_to or '…'}")
    return "; ".join(parts)


def _as_list(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def _year(value, name: str) -> int | None:
    if value in (None, "", 0):
        return None
    try:
        year = int(value)
    except (TypeError, ValueError):
        raise BadFilters(f"{name}: {value!r} is not a year") from None
    if not 1900 <= year <= 2100:
        raise BadFilters(f"{name}: {year} is out of range (1900-2100)")
    return year


def history_from_turns(turns: list[dict]) -> list[Turn]:
    history: list[Turn] = []
    for t in turns[-MAX_HISTORY_TURNS:]:
        history += [Turn("user", t["question"]), Turn("assistant", t["answer"]["answer"])]
    return history


def stream_answer(assistant: Assistant, question: str, history: list[Turn], *, filters: RetrievalFilters | None = None,
                  backend: str | None = None) -> Iterator[StreamEvent]:
    """``assistant.ask_stream``, holding an exclusive backend's lock for the whole stream. Raises
    InvalidQuestion on the first ``next`` for an empty or over-long question."""
    requested = backend or assistant.settings.llm.backend
    registered = BACKENDS.get(requested)
    lock = registered.lock if registered else None  # an exclusive backend answers one question at a time
    if lock:
        lock.acquire()
    try:
        for event in assistant.ask_stream(question, history, filters=filters, backend=backend):
            yield FinalAnswer(with_fallback_notice(event.answer, requested)) if isinstance(event, FinalAnswer) else event
    finally:
        if lock:
            lock.release()


def with_fallback_notice(answer: Answer, requested: str) -> Answer:
    """Every answer that did not come from the backend asked for says so: a refusal or a list is
    always extractive, and says why, like a model that failed."""
    if answer.backend == requested or answer.notice:
        return answer
    why = "when the study does not cover a question" if answer.refused else (
        "for list answers" if answer.answer_type == "list" else "for this answer")
    return replace(answer, notice=f"The {requested} model is not used {why}; showing the extractive answer.")


def ask_once(assistant: Assistant, question: str, history: list[Turn], **kwargs) -> dict:
    """The whole answer at once, in the JSON contract."""
    answer = None
    for event in stream_answer(assistant, question, history, **kwargs):
        if isinstance(event, FinalAnswer):
            answer = event.answer
    if answer is None:
        raise RuntimeError("the assistant produced no answer")
    return answer.to_dict()


# --- suggestions ------------------------------------------------------------------------------


def event_question(event: TimelineEvent) -> str:
    return f"What does the study say about: {event.title} ({event.display_date})?"


def chapter_question(chapter_id: str, topic: str, names: frozenset[str] = frozenset()) -> str:
    """``names``: words the corpus only ever capitalises ("Japan's" stays "Japan's" mid-sentence)."""
    topic = topic.strip().rstrip(".")
    words = topic.split()
    proper = len(words) > 1 and words[1][:1].isupper()  # "Official Security Assistance …" keeps its capitals
    first = re.match(r"[A-Za-z]*", words[0]).group(0) if words else ""  # "Japan's", "Japan-Philippines": Japan
    if words and (words[0] in ("The", "A", "An") or (not proper and not words[0].isupper() and first not in names)):
        topic = topic[:1].lower() + topic[1:]
    return f"What does chapter {chapter_id} say about {topic}?"


def followups(answer: dict, catalog: Catalog, asked: list[str] | tuple[str, ...] = ()) -> list[str]:
    """Up to three clickable next questions, from what the answer cites: what happened after the
    first cited event, an uncited related event, and the chapter behind the first citation."""
    seen = {q.strip().lower() for q in asked}
    out: list[str] = []

    def add(q: str) -> None:
        if q.strip().lower() not in seen and q not in out and len(out) < MAX_FOLLOWUPS:
            out.append(q)

    cited = answer.get("citations") or []
    sources = cited or (answer.get("retrieved") or [])[:2]
    cited_refs = {c.get("ref") for c in cited}
    events = [catalog.events_by_id[c["ref"]] for c in sources if c.get("kind") == "event" and c.get("ref") in catalog.events_by_id]
    if events and not answer.get("refused"):
        add(f"What happened after {events[0].title}?")
    for event in events:
        related = [catalog.events_by_id[r] for r in event.related if r in catalog.events_by_id and r not in cited_refs]
        if related:
            add(event_question(related[0]))
            break
    for c in sources:
        if c.get("kind") == "chapter" and c.get("chapter"):
            add(chapter_question(c["chapter"], c.get("section") or catalog.chapter_title(c["chapter"]), catalog.names))
            break
    else:
        chapters = [ch for e in events for ch in e.chapters]
        if chapters:
            add(chapter_question(chapters[0], catalog.chapter_title(chapters[0]), catalog.names))
    if len(out) < MAX_FOLLOWUPS and len(events) > 1:
        add(event_question(events[1]))
    return out


# --- export -------------------------------------------------------------------------------------


def _md(text: str) -> str:
    """Corpus text in the exported Markdown: no raw HTML survives a Markdown viewer, and no image
    (a remote image would be fetched when the file is opened). Its http(s) links stay links."""
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("![", "!\\[")


_SCHEME = re.compile(r"\b([A-Za-z][A-Za-z0-9+.-]{0,30}):(?=//)")
_WWW = re.compile(r"\b(www)\.", re.I)
_EMAIL = re.compile(r"(?<=\w)@(?=\w[\w-]*\.)")
_HOST = re.compile(r"\b((?:[A-Za-z0-9-]+\.)+)([a-z]{2,24})\b")  # example.org: viewers that linkify bare domains


def _inert(text: str, *, markers: bool = False) -> str:
    """User text (and answers, which can echo it) in the exported Markdown: shown as typed, but inert.
    No raw HTML; no link or image syntax (brackets are escaped, so ``![x](http://host/t.png)`` is text);
    no autolinks (``http://`` becomes ``http[:]//``, ``www.`` ``www[.]``, ``host.org`` ``host[.]org``,
    ``a@b.org`` ``a[@]b[.]org``: the usual way of defanging an address). With ``markers``, citation markers such as [1] stay."""
    text = (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")
    if markers:
        text = ESCAPED_MARKER.sub(r"[\1]", text)
    text = text.replace("](", "]\\(").replace("]:", "]\\:")
    text = _SCHEME.sub(r"\1\\[:\\]", text)
    text = _WWW.sub(r"\1\\[.\\]", text)
    text = _HOST.sub(lambda m: m.group(1)[:-1] + "\\[.\\]" + m.group(2), text)
    return _EMAIL.sub(r"\\[@\\]", text)


def conversation_markdown(turns: list[dict], *, study: str = "", exported: dt.datetime | None = None) -> str:
    """The conversation with one numbered reference list: markers are renumbered across answers and
    a source cited twice keeps one number."""
    exported = exported or dt.datetime.now().astimezone()
    lines = ["# Study Assistant conversation", ""]
    lines.append(f"Exported {exported:%Y-%m-%d %H:%M %Z}" + (f" · study: {study}" if study else ""))
    lines.append("")
    numbers: dict[tuple, int] = {}
    references: list[str] = []
    for i, turn in enumerate(turns, start=1):
        answer = turn["answer"]
        local: dict[str, int] = {}
        for c in answer.get("citations", []):
            key = (c.get("kind"), c.get("ref"), c.get("text"))
            if key not in numbers:
                numbers[key] = len(numbers) + 1
                references.append(f"[{numbers[key]}] {_md(reference_line(c))}")
            local[c["marker"].strip("[]")] = numbers[key]
        text = MARKER.sub(lambda m: f"[{local[m.group(1)]}]" if m.group(1) in local else m.group(0),
                          _inert(answer["answer"], markers=True))
        lines += [f"## {i}. {_inert(turn['question'])}", ""]
        if answer.get("notice"):
            lines += [f"> {_inert(answer['notice'])}", ""]
        if answer.get("standalone_question"):
            lines += [f"*Understood as: {_inert(answer['standalone_question'])}*", ""]
        lines += [text, ""]
        if turn.get("filters"):
            lines += [f"*Filters: {_inert(turn['filters'])}*", ""]
        lines += [f"*Backend: {answer.get('backend')}{' · refused' if answer.get('refused') else ''}*", ""]
    if references:
        lines += ["## References", ""] + [f"{r}  " for r in references] + [""]
    return "\n".join(lines)


_EXPORT_DIR = Path(tempfile.gettempdir()) / "study-assistant-exports"


def write_export(turns: list[dict], *, study: str = "") -> str | None:
    """Write the conversation to a fresh file (old exports are pruned after an hour)."""
    if not turns:
        return None
    _EXPORT_DIR.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - 3600
    for old in _EXPORT_DIR.glob("*.md"):
        try:
            if old.stat().st_mtime < cutoff:
                old.unlink()
        except OSError:
            pass
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    path = Path(tempfile.mkstemp(prefix=f"study-assistant-{stamp}-", suffix=".md", dir=_EXPORT_DIR)[1])
    path.write_text(conversation_markdown(turns, study=study), encoding="utf-8")
    return str(path)


__all__ = ["STARTER_QUESTIONS", "BadFilters", "InvalidQuestion", "make_filters", "describe_filters",
           "history_from_turns", "stream_answer", "with_fallback_notice", "ask_once", "followups", "event_question", "chapter_question",
           "conversation_markdown", "write_export"]
