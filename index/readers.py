"""Read a user's report (PDF, DOCX, HTML, Markdown) into chapter sections with page numbers.

Each reader (PDF in ``index.pdf_reader``) yields one stream of blocks, headings (with a level) and paragraphs
(with a page, for PDF), and ``chapter_map.assemble_sections`` maps headings to chapters and cuts the sections.
PDF sections are also cut at page breaks, so a section's ``page`` is where its text starts and a citation can
read "§4.3, p. 27".
"""

from __future__ import annotations

import hashlib
import io
import re
from collections import Counter
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import yaml

from index.chapter_map import Block, assemble_sections, map_heading_to_chapter
from index.ingest_error import IngestError
from index.pdf_reader import read_pdf
from core.model import CANONICAL_CHAPTERS, ChapterSection

KINDS = {".pdf": "pdf", ".docx": "docx", ".html": "html", ".htm": "html", ".xhtml": "html",
         ".md": "markdown", ".markdown": "markdown"}


@dataclass(frozen=True)
class ParsedDocument:
    path: str
    kind: str  # "pdf" | "docx" | "html" | "markdown"
    sha256: str  # of the file bytes
    title: str
    sections: tuple[ChapterSection, ...]
    pages: int | None  # PDF only


def read_document(path: Path, *, max_bytes: int) -> ParsedDocument:
    path = Path(path)
    if not path.is_file():
        raise IngestError(path, "no such file")
    if (kind := KINDS.get(path.suffix.lower())) is None:
        raise IngestError(path, f"unknown file type {path.suffix or '(none)'!r}; expected .pdf, .docx, .html or .md")
    if (size := path.stat().st_size) > max_bytes:
        raise IngestError(path, f"too large ({size:,} bytes; the limit is {max_bytes:,})")
    data = path.read_bytes()
    if not data.strip():
        raise IngestError(path, "empty file")
    if kind == "pdf" and b"%PDF-" not in data[:1024]:
        raise IngestError(path, "not a PDF (no %PDF header)")
    if kind == "docx" and not data.startswith(b"PK\x03\x04"):
        raise IngestError(path, "not a DOCX (not a zip package)")
    if kind in ("html", "markdown") and (data[:5] == b"%PDF-" or data[:4] == b"PK\x03\x04" or b"\0" in data[:8192]):
        raise IngestError(path, f"binary content, not a {kind} text file")
    initial, chapter_level, pages = None, None, None
    if kind == "pdf":
        title, blocks, pages = read_pdf(path, data)
    elif kind == "docx":
        title, blocks = _read_docx(path, data)
    elif kind == "html":
        title, blocks = _read_html(_decode(data))
    else:
        title, blocks, initial = _read_markdown(_decode(data))
        chapter_level = 1 if initial else None  # a chapter file: only a "#" heading can open another chapter
    title = title or next((b.text for b in blocks if b.kind == "h"), "") or path.stem
    if not (sections := assemble_sections(blocks, path.name, title, initial, chapter_level)):
        raise IngestError(path, "no text found")
    return ParsedDocument(str(path), kind, hashlib.sha256(data).hexdigest(), title, tuple(sections), pages)


def _decode(data: bytes) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    return text.replace("\r\n", "\n").replace("\r", "\n")


# --- Markdown ----------------------------------------------------------------------------------------

_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.DOTALL)
_ATX = re.compile(r"^(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")


def _read_markdown(text: str):
    """ATX headings outside code fences; paragraphs keep their Markdown, as the corpus loader keeps them."""
    meta, offset = {}, 0
    if m := _FRONT_MATTER.match(text):
        try:
            meta = yaml.safe_load(m.group(1))
        except yaml.YAMLError:
            pass  # a broken front matter is dropped; the body is still read
        meta, offset, text = meta if isinstance(meta, dict) else {}, m.group(0).count("\n"), text[m.end():]
    blocks, para, para_line, fence = [], [], 0, None

    def end_para() -> None:
        if para:
            blocks.append(Block("p", "\n".join(para).strip(), line=para_line))
        para.clear()

    for n, line in enumerate(text.split("\n"), start=offset + 1):
        stripped = line.strip()
        if fence is None and (h := _ATX.match(line)):
            end_para()
            blocks.append(Block("h", h.group(2).strip(), len(h.group(1)), line=n))
            continue
        if stripped.startswith(("```", "~~~")):
            fence = None if fence and stripped.startswith(fence) else (fence or stripped[:3])
        if not stripped and fence is None:
            end_para()
            continue
        para_line = para_line if para else n
        para.append(line)
    end_para()
    title = str(meta.get("title") or "").strip() or next((b.text for b in blocks if b.kind == "h" and b.level == 1), "")
    meta_id, initial = str(meta.get("id") or "").strip(), None
    if meta_id or title and meta:  # front matter names the chapter: its id, else its title
        cid = meta_id if meta_id in CANONICAL_CHAPTERS else map_heading_to_chapter(title)
        initial = (cid, CANONICAL_CHAPTERS[cid]) if cid else ("x.0", title or meta_id)
    return title, blocks, initial


# --- HTML ----------------------------------------------------------------------------------------

_SKIP = {"script", "style", "noscript", "template", "svg", "math", "iframe", "object", "canvas", "select", "head"}
_BLOCK = {"p", "div", "li", "tr", "section", "article", "blockquote", "pre", "table", "ul", "ol", "dd", "dt", "hr",
          "figcaption", "header", "footer", "main", "nav", "aside", "h5", "h6", "caption", "form", "body"}
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4}


class _HTMLText(HTMLParser):
    """Text and h1-h4 headings only: attributes are never read, and skipped elements never reach the text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.title, self.buf, self.skip, self.level, self.in_title, self.start = "", [], Counter(), 0, False, 0

    def end_block(self) -> None:
        if text := " ".join("".join(self.buf).split()):
            self.blocks.append(Block("h" if self.level else "p", text, self.level, line=self.start))
        self.buf = []

    def handle_starttag(self, tag, attrs) -> None:
        if tag in ("title", "body"):  # <body> also ends a <head> left open
            self.in_title, self.skip["head"] = tag == "title", 0
        elif tag in _SKIP:
            self.skip[tag] += 1
        elif tag in _HEADINGS or tag in _BLOCK:
            self.end_block()
            self.level = _HEADINGS.get(tag, 0)
        elif tag in ("td", "th", "br"):
            self.buf.append(" ")

    def handle_endtag(self, tag) -> None:
        if tag == "title":
            self.in_title = False
        elif tag in _SKIP:
            self.skip[tag] = max(0, self.skip[tag] - 1)
        elif tag in _HEADINGS or tag in _BLOCK:
            self.end_block()
            self.level = 0

    def handle_data(self, data) -> None:
        if self.in_title:
            self.title += data
        elif not any(self.skip.values()):
            self.start = self.start if self.buf else self.getpos()[0]
            self.buf.append(data)


def _read_html(text: str):
    parser = _HTMLText()
    parser.feed(text)
    parser.close()
    parser.end_block()
    return " ".join(parser.title.split()), parser.blocks


# --- DOCX ------------------------------------------------------------------------------------------


def _read_docx(path: Path, data: bytes):
    """Title / Heading N styles (or styles based on them, or a direct outline level); tables as "a | b" rows."""
    import docx
    from docx.oxml.ns import qn
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # BadZipFile, KeyError, PackageNotFoundError, XML errors
        raise IngestError(path, f"not a readable DOCX ({type(exc).__name__}: {exc})") from exc
    title, blocks = (document.core_properties.title or "").strip(), []
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:tbl"):
            rows = (dict.fromkeys(c.text.strip() for c in r.cells) for r in Table(child, document).rows)
            if text := "\n".join(" | ".join(c for c in cells if c) for cells in rows if any(cells)):
                blocks.append(Block("p", text))
        para = Paragraph(child, document) if child.tag == qn("w:p") else None
        if para is None or not (text := " ".join(para.text.split())):
            continue
        level, style = None, para.style
        while style is not None and level is None:
            m = re.fullmatch(r"heading\s*(\d)|(title)", (style.name or "").lower())
            level, style = (0 if m.group(2) else int(m.group(1))) if m else None, style.base_style
        outline = child.pPr.find(qn("w:outlineLvl")) if child.pPr is not None else None
        if level is None and outline is not None and outline.get(qn("w:val"), "9") in list("012345678"):
            level = int(outline.get(qn("w:val"))) + 1
        if level == 0:
            title = title or text
        else:
            blocks.append(Block("h" if level else "p", text, level or 0))
    return title, blocks
