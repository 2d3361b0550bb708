"""Everything the UI shows, as escaped HTML or Markdown. Text from users and from the corpus always
goes through :func:`esc` (HTML) or :func:`md_text` (chat Markdown); nothing from them is rendered raw.
Interactive elements carry ``data-action``/``data-id`` attributes that the page script turns into
events (see ``web/assets.py``); links are only ever http(s)."""

from __future__ import annotations

import html
import re

from assistant.catalog import Catalog, ChapterView
from core.model import TimelineEvent
from core.text import ESCAPED_MARKER as _ESCAPED_MARKER
from web.highlight import citing_sentences, used_sentences

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")  # anywhere; line starts are handled below
_MD_LINE_START = re.compile(r"^(\s*)([#+=-]|\d+\.)", re.M)
_LIST_ITEM = re.compile(r"^(\s*)([-*•]|\d{1,3}\.)\s+(.*)$")


def esc(value) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def safe_url(url: str) -> str | None:
    url = (url or "").strip()
    return url if re.match(r"^https?://[^\s<>\"']+$", url, re.I) else None


def md_text(text: str) -> str:
    """Plain text for the chat's Markdown renderer: HTML-escaped, and every Markdown metacharacter
    backslash-escaped, so the text shows exactly as typed (no links, images, emphasis or HTML)."""
    escaped = html.escape(text or "", quote=False)
    escaped = _MD_SPECIAL.sub(r"\\\1", escaped)
    return _MD_LINE_START.sub(lambda m: m.group(1) + (m.group(2)[:-1] + "\\." if m.group(2)[-1] == "." else "\\" + m.group(2)),
                              escaped)


LIST_SHOWN = 15  # a longer list shows this many items; the rest are one click away


def md_answer(text: str, markers: dict[int, bool] | None = None, turn: int | None = None) -> str:
    """The answer as chat Markdown: escaped text whose citation markers link to the sources panel
    (``#src-<turn>-<n>``); unverified ones are flagged. Bullet lines of list answers stay lists; past
    ``LIST_SHOWN`` items the rest fold into a "Show N more" element."""
    lines, items = [], 0
    source_lines = (text or "").splitlines()
    total = sum(bool(_LIST_ITEM.match(line)) for line in source_lines)
    for line in source_lines:
        m = _LIST_ITEM.match(line)
        if m:
            items += 1
            if items == LIST_SHOWN + 1 and total > LIST_SHOWN + 1:
                lines += ["", f'<details class="more-items"><summary>Show {total - LIST_SHOWN} more</summary>', ""]
        lines.append(f"{m.group(1)}- {md_text(m.group(3))}" if m else md_text(line))
    if total > LIST_SHOWN + 1:
        lines += ["", "</details>"]
    body = "\n".join(lines)
    if markers is None or turn is None:
        return body

    def link(m: re.Match) -> str:
        n = int(m.group(1))
        if n not in markers:
            return m.group(0)
        if markers[n]:
            return f'[[{n}]](#src-{turn}-{n} "open source {n}")'
        return f'[[{n}]⚠](#src-{turn}-{n} "unverified citation: open source {n}")'

    return _ESCAPED_MARKER.sub(link, body)


def plain_answer_with_references(answer: dict) -> str:
    """What "copy answer" puts on the clipboard: the answer, then its numbered references."""
    lines = [answer.get("answer", "")]
    if answer.get("citations"):
        lines += ["", "References:"]
        lines += [f"{c['marker']} {reference_line(c)}" for c in answer["citations"]]
    return "\n".join(lines)


def reference_line(source: dict) -> str:
    if source.get("kind") == "event":
        where = f"{source.get('date') or ''}, timeline event {source.get('ref')}"
    else:
        where = f"§{source.get('chapter') or source.get('ref')}" + (f" › {source['section']}" if source.get("section") else "")
        if source.get("page"):
            where += f", p. {source['page']}"
    flag = " (unverified)" if source.get("verified") is False else ""
    urls = [u for u in source.get("urls") or [] if safe_url(u)]
    tail = f" Sources: {' '.join(urls)}" if urls and source.get("kind") == "event" else ""
    return f"{source.get('title', '')} — {where}{flag}.{tail}"


# --- cards ---------------------------------------------------------------------------------------


def _links(urls) -> str:
    items = []
    for url in urls or ():
        ok = safe_url(url)
        items.append(f'<li><a href="{esc(ok)}" target="_blank" rel="noopener noreferrer nofollow">{esc(url)}</a></li>'
                     if ok else f"<li>{esc(url)}</li>")
    return f'<ul class="links">{"".join(items)}</ul>' if items else ""


def _chapter_chips(chapters) -> str:
    chips = "".join(f'<button type="button" class="chip" data-action="open-chapter" data-id="{esc(c)}" '
                    f'title="Read chapter {esc(c)}">§{esc(c)}</button>' for c in chapters or ())
    return f'<p class="meta">Chapters: {chips}</p>' if chips else ""


def _marked(text: str, used: list[str]) -> str:
    """Paragraphs of escaped text; the sentences the answer took are wrapped in ``<mark class="used">``."""
    return "".join("<p>" + " ".join(f'<mark class="used">{esc(s)}</mark>' if hit else esc(s) for s, hit in para)
                   + "</p>" for para in used_sentences(text, used))


def section_anchor(view: ChapterView | None, heading: str | None) -> str | None:
    """The Chapters tab's id for a section (``sec-4.3-2``), if the chapter has one of that heading."""
    index = next((i for i, s in enumerate(view.sections) if heading and s.heading == heading), None) if view else None
    return None if index is None else f"sec-{view.id}-{index}"


def _in_context(source: dict, catalog: Catalog | None) -> str:
    chapter = source.get("chapter") or source.get("ref")
    anchor = section_anchor(catalog.chapters_by_id.get(chapter), source.get("section")) if catalog else None
    target = f"{chapter}#{anchor}" if anchor else chapter
    return (f'<p class="actions"><button type="button" class="ask" data-action="open-chapter" data-id="{esc(target)}">'
            f"Read in context</button></p>")


def source_card(source: dict, *, anchor: str, marker: str = "", is_open: bool = False,
                catalog: Catalog | None = None, used: list[str] = ()) -> str:
    """One cited or retrieved item (the JSON contract's shape): a chapter passage or an event card.
    ``used``: the answer's sentences citing it, marked where the card's text has them."""
    unverified = source.get("verified") is False
    flag = ' <span class="badge unverified" title="The sentences citing this are not fully supported by it">unverified</span>' if unverified else ""
    mark = f'<span class="marker">{esc(marker)}</span> ' if marker else ""
    if source.get("kind") == "event":
        head = (f'{mark}<span class="badge event">event</span> <span class="date">{esc(source.get("date") or "")}</span> '
                f'<span class="title">{esc(source.get("title"))}</span>{flag}')
        event = catalog.events_by_id.get(source.get("ref")) if catalog else None
        body = (_marked(event.summary if event else source.get("text"), list(used))
                + (f'<p class="meta">Category: {esc(source.get("category"))}</p>' if source.get("category") else "")
                + (f'<p class="meta">Actors: {esc(", ".join(source.get("actors") or []))}</p>' if source.get("actors") else "")
                + _chapter_chips(event.chapters if event else [source.get("chapter")] if source.get("chapter") else [])
                + _links(source.get("urls"))
                + f'<p class="meta ref">event <code>{esc(source.get("ref"))}</code></p>'
                + f'<button type="button" class="ask" data-action="ask-event" data-id="{esc(source.get("ref"))}">Ask about this</button>')
    else:
        page = f", p. {esc(source['page'])}" if source.get("page") else ""
        section = source.get("section")
        head = (f'{mark}<span class="badge chapter">§{esc(source.get("chapter") or source.get("ref"))}{page}</span> '
                f'<span class="title">{esc(section or source.get("title"))}</span>{flag}')
        body = (f'<p class="meta">{esc(source.get("title"))}</p>'
                + _marked(source.get("text"), list(used))
                + _chapter_chips([source.get("chapter") or source.get("ref")]) + _in_context(source, catalog))
    cls = "card unverified-card" if unverified else "card"
    return (f'<details class="{cls}" id="{esc(anchor)}"{" open" if is_open else ""}>'
            f"<summary>{head}</summary><div class=\"card-body\">{body}</div></details>")


def event_card(event: TimelineEvent, *, anchor: str = "", is_open: bool = True, catalog: Catalog | None = None,
               removable: bool = False) -> str:
    related = ""
    if catalog and event.related:
        items = "".join(
            f'<li><button type="button" class="linklike" data-action="select-event" data-id="{esc(r)}">'
            f"{esc(catalog.events_by_id[r].display_date)}: {esc(catalog.events_by_id[r].title)}</button></li>"
            for r in event.related if r in catalog.events_by_id)
        related = f'<div class="meta">Related:<ul class="related">{items}</ul></div>' if items else ""
    remove = (f'<button type="button" class="linklike" data-action="deselect-event" data-id="{esc(event.id)}">Remove</button>'
              if removable else "")
    return (f'<details class="card event-card" id="{esc(anchor or "ev-" + event.id)}"{" open" if is_open else ""}>'
            f'<summary><span class="badge cat-{esc(event.category)}">{esc(event.category)}</span> '
            f'<span class="date">{esc(event.display_date)}</span> <span class="title">{esc(event.title)}</span></summary>'
            f'<div class="card-body"><p>{esc(event.summary)}</p>'
            + (f'<p class="meta confidence conf-{esc(event.confidence)}">Confidence: {esc(event.confidence)}</p>'
               if event.confidence else "")
            + (f'<p class="meta note">Note: {esc(event.note)}</p>' if event.note else "")
            + (f'<p class="meta">Actors: {esc(", ".join(event.actors))}</p>' if event.actors else "")
            + _chapter_chips(event.chapters) + _links(event.urls) + related
            + f'<p class="meta ref">event <code>{esc(event.id)}</code></p>'
            f'<div class="actions"><button type="button" class="ask" data-action="ask-event" data-id="{esc(event.id)}">'
            f"Ask about this</button>{remove}</div></div></details>")


# --- the sources panel ---------------------------------------------------------------------------

EMPTY_PANEL = ('<div class="sources-panel"><p class="hint">Sources appear here. Click a citation marker such '
               "as [1] in an answer to open the passage or event it cites.</p></div>")


def turn_sources(answer: dict, turn: int, *, catalog: Catalog | None = None, hidden: bool = False,
                 question: str | None = None) -> str:
    cited_ids = {(c.get("kind"), c.get("ref"), c.get("text")) for c in answer.get("citations", [])}
    parts = [f'<section class="turn" id="turn-{turn}" data-turn="{turn}"{" hidden" if hidden else ""}>',
             f'<p class="turn-q">Answer {turn}: <q>{esc(question or answer.get("question"))}</q></p>']
    if answer.get("notice"):
        parts.append(f'<p class="notice">{esc(answer["notice"])}</p>')
    if answer.get("citations"):
        unverified = sum(1 for c in answer["citations"] if c.get("verified") is False)
        note = f' <span class="badge unverified">{unverified} unverified</span>' if unverified else ""
        parts.append(f"<h4>Cited ({len(answer['citations'])}){note}</h4>")
        for i, c in enumerate(answer["citations"]):
            n = c.get("marker", "").strip("[]")
            parts.append(source_card(c, anchor=f"src-{turn}-{n}", marker=c.get("marker", ""), is_open=i == 0,
                                     catalog=catalog, used=citing_sentences(answer.get("answer", ""), c.get("marker", ""))))
    also = [s for s in answer.get("retrieved", []) if (s.get("kind"), s.get("ref"), s.get("text")) not in cited_ids]
    if also:
        parts.append("<h4>Also retrieved</h4>" if answer.get("citations") else "<h4>Nearest material</h4>")
        parts += [source_card(s, anchor=f"ret-{turn}-{i}", catalog=catalog) for i, s in enumerate(also, start=1)]
    if not answer.get("citations") and not also:
        parts.append("<p>No sources.</p>")
    parts.append('<p class="tools"><button type="button" class="copy" data-copy="copy-{0}">Copy answer with '
                 'references</button></p><pre class="copy-src" id="copy-{0}" hidden>{1}</pre>'
                 .format(turn, esc(plain_answer_with_references(answer))))
    parts.append("</section>")
    return "".join(parts)


def sources_panel(turns: list[dict], *, catalog: Catalog | None = None, notice: str | None = None) -> str:
    """All answers' sources; only the latest is shown, a marker click shows its own answer's."""
    if not turns:
        if notice:
            return f'<div class="sources-panel"><p class="notice">{esc(notice)}</p></div>'
        return EMPTY_PANEL
    picker = ""
    if len(turns) > 1:
        picker = '<nav class="turn-picker" aria-label="Sources of answer">Sources of answer: ' + "".join(
            f'<a href="#turn-{n}" class="turn-link" title="{esc(t["question"])}">{n}</a> '
            for n, t in enumerate(turns, start=1)) + "</nav>"
    top = f'<p class="notice">{esc(notice)}</p>' if notice else ""
    sections = [turn_sources(t["answer"], n, catalog=catalog, hidden=n != len(turns), question=t["question"])
                for n, t in enumerate(turns, start=1)]
    return f'<div class="sources-panel">{top}{picker}{"".join(sections)}</div>'


# --- chapters --------------------------------------------------------------------------------------


def _chapter_nav(view: ChapterView, catalog: Catalog) -> str:
    ids = [c.id for c in catalog.chapters]
    i = ids.index(view.id) if view.id in ids else -1
    links = []
    for label, j in (("Previous chapter", i - 1), ("Next chapter", i + 1)):
        if i >= 0 and 0 <= j < len(ids):
            other = catalog.chapters[j]
            links.append(f'<button type="button" class="ask chapter-step" data-action="open-chapter" data-id="{esc(other.id)}" '
                         f'title="§{esc(other.id)} {esc(other.title)}">{"← " if j < i else ""}{label}: §{esc(other.id)}'
                         f'{" →" if j > i else ""}</button>')
    return f'<nav class="chapter-nav" aria-label="Chapters">{"".join(links)}</nav>' if links else ""


def _paragraph(p, catalog: Catalog) -> str:
    chips = "".join(
        f'<a class="chip ev-chip" href="#chev-{esc(e)}" title="{esc(catalog.events_by_id[e].title)}">'
        f"{esc(catalog.events_by_id[e].display_date)}</a>"
        for e in p.events if e in catalog.events_by_id)
    return f"<p>{esc(p.text)}" + (f' <span class="ev-chips">{chips}</span>' if chips else "") + "</p>"


def chapter_html(view: ChapterView | None, catalog: Catalog, focus: str | None = None) -> str:
    """One chapter of the digest. ``focus``: a section's id to scroll to and mark ("read in context")."""
    if view is None:
        return '<div class="chapter"><p class="hint">Choose a chapter.</p></div>'
    toc = "".join(f'<li><a href="#sec-{esc(view.id)}-{i}">{esc(s.heading)}</a></li>'
                  for i, s in enumerate(view.sections) if s.heading)
    focus_attr = f' data-focus="{esc(focus)}"' if focus else ""
    parts = [f'<article class="chapter" data-chapter="{esc(view.id)}"{focus_attr}><h2>§{esc(view.id)} {esc(view.title)}</h2>']
    if view.summary:
        parts.append(f'<p class="summary">{esc(view.summary)}</p>')
    parts.append(f'<p class="tools"><button type="button" class="ask" data-action="ask-chapter" data-id="{esc(view.id)}">'
                 f"Ask about this chapter</button></p>")
    if toc:
        parts.append(f'<nav class="toc" aria-label="Sections"><ol>{toc}</ol></nav>')
    for i, section in enumerate(view.sections):
        anchor = f"sec-{view.id}-{i}"
        body = "".join(_paragraph(p, catalog) for p in section.paragraphs)
        if section.heading:
            body = f'<h3 id="{esc(anchor)}">{esc(section.heading)}</h3>{body}'
        parts.append(f'<section class="in-context">{body}</section>' if focus == anchor else body)
    events = [catalog.events_by_id[e] for e in view.events if e in catalog.events_by_id]
    if events:
        parts.append(f"<h3>Events in this chapter ({len(events)})</h3>")
        parts += [event_card(e, anchor=f"chev-{e.id}", is_open=False, catalog=catalog)
                  for e in sorted(events, key=lambda e: e.date)]
    parts.append(_chapter_nav(view, catalog))
    parts.append("</article>")
    return "".join(parts)
