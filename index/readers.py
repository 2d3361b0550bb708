"""Read a user's report (PDF, DOCX, HTML, Markdown) into chapter sections with page numbers.

Each reader yields one stream of blocks, headings (with a level) and paragraphs (with a page, for PDF), and
``chapter_map.assemble_sections`` maps headings to chapters and cuts the sections. PDF sections are also cut at
page breaks, so a section's ``page`` is where its text starts and a citation can read "§4.3, p. 27".
"""

from __future__ import annotations

import hashlib
import io
import math
import re
import statistics
from collections import Counter, namedtuple
from dataclasses import dataclass
from html.parser import HTMLParser
from itertools import pairwise
from pathlib import Path

import yaml

from index.chapter_map import Block, assemble_sections, map_heading_to_chapter, parse_heading_number
from index.records import CANONICAL_CHAPTERS, ChapterSection

KINDS = {".pdf": "pdf", ".docx": "docx", ".html": "html", ".htm": "html", ".xhtml": "html",
         ".md": "markdown", ".markdown": "markdown"}
MIN_CHARS_PER_PAGE = 20  # fewer on average: the PDF has no usable text layer (scanned)


class IngestError(ValueError):
    """A document that cannot be ingested; the message starts with the file name."""

    def __init__(self, path: Path | str, reason: str):
        self.path, self.reason = str(path), reason
        super().__init__(f"{Path(path).name}: {reason}")


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
        title, blocks, pages = _read_pdf(path, data)
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


# --- PDF -------------------------------------------------------------------------------------------


_Line = namedtuple("_Line", "page y size bold text")  # y: baseline from the page bottom; size: effective font size


def _read_pdf(path: Path, data: bytes):
    """The outline (bookmarks) gives the headings when there is one; else they are detected from the text."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")  # an empty user password opens in any viewer; any other is refused
            except Exception:
                opened = 0
            if not opened:
                raise IngestError(path, "encrypted PDF (no password support)")
        pages = len(reader.pages)
        lines = [line for number, page in enumerate(reader.pages, 1) for line in _page_lines(page, number)]
        outline = _outline(reader, reader.outline, 1)
        title = str((reader.metadata or {}).get("/Title") or "").strip()
    except IngestError:
        raise
    except Exception as exc:  # PdfReadError, broken streams, ...
        raise IngestError(path, f"not a readable PDF ({type(exc).__name__}: {exc})") from exc
    if pages == 0:
        raise IngestError(path, "PDF has no pages")
    if (chars := sum(len(line.text.replace(" ", "")) for line in lines)) < MIN_CHARS_PER_PAGE * pages:
        raise IngestError(path, f"no text layer ({chars} characters on {pages} page(s)): a scanned PDF needs OCR first")
    lines = _drop_running_lines(lines, pages)
    if outline:
        outline.sort(key=lambda e: (e[0], -math.inf if e[1] is None else -e[1]))  # reading order
        return title, _outline_blocks(lines, outline), pages
    return title, _detected_blocks(lines), pages


def _page_lines(page, number: int) -> list[_Line]:
    """Lines with their font size and weight, from pypdf's text visitor (size = Tf size x text/CTM scale)."""
    lines, current = [], []  # current: [(y, size, bold, text)]

    def end_line() -> None:
        if text := " ".join("".join(f[3] for f in current).split()):
            sizes = Counter()
            for f in current:
                sizes[f[1]] += len(f[3].strip())
            bold = all(f[2] for f in current if f[3].strip())
            lines.append(_Line(number, current[0][0], sizes.most_common(1)[0][0], bold, text))
        current.clear()

    def visit(text, cm, tm, font, size) -> None:
        if not text.strip():
            if "\n" in text:
                end_line()
            elif current:
                current.append(current[-1][:3] + (" ",))
            return
        size = round(size * math.hypot(tm[2], tm[3]) * math.hypot(cm[2], cm[3]), 1)
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        bold = any(w in str((font or {}).get("/BaseFont", "")) for w in ("Bold", "Black", "Heavy", "Semibold"))
        for i, part in enumerate(text.split("\n")):
            if current and (i or abs(current[0][0] - y) > 0.4 * max(size, 1)):
                end_line()
            current.append((y, size, bold, part))

    page.extract_text(visitor_text=visit)
    end_line()
    return lines


_PAGE_NUMBER = re.compile(
    r"^(?:page\s+)?\d{1,4}(?:\s*(?:/|of)\s*\d{1,4})?$|^[-–—]\s*\d{1,4}\s*[-–—]$|^[ivxlc]{1,6}$", re.I
)


def _shape(line: _Line) -> str:  # "Page 12 of 40" and "Page 13 of 40" have one shape
    return re.sub(r"\d+", "#", line.text.lower())


def _drop_running_lines(lines: list[_Line], pages: int) -> list[_Line]:
    """Drop page numbers and running heads/feet: first/last lines of a page that recur on most pages."""
    by_page: dict[int, list[_Line]] = {}
    for line in lines:
        by_page.setdefault(line.page, []).append(line)
    edges = {x for page in by_page.values() for x in page[:2] + page[-2:]}
    repeats = Counter(k for page in by_page.values() for k in {_shape(x) for x in page[:2] + page[-2:]})
    running = {k for k, n in repeats.items() if n >= max(3, 0.5 * pages)}
    return [x for x in lines if x not in edges or not (_PAGE_NUMBER.match(x.text) or _shape(x) in running)]


def _paragraphs(lines: list[_Line]) -> list[Block]:
    """Join lines into paragraphs, broken at a size change, a gap well above the usual one, or a new page
    after a finished sentence."""
    gaps = [a.y - b.y for a, b in pairwise(lines) if a.page == b.page and a.y > b.y and a.size == b.size]
    usual, blocks, text, start, prev = statistics.median(gaps) if gaps else 0, [], "", 0, None
    for line in lines:
        if text and line.page != prev.page:
            # A paragraph that runs over a page break stays whole (its page is where it starts);
            # a new page after a finished sentence starts a new one.
            broken = text.rstrip().endswith((".", "!", "?", ":", '"', "'", ")")) or line.size != prev.size
        else:
            broken = bool(text) and (line.size != prev.size or prev.y < line.y or usual and prev.y - line.y > 1.35 * usual)
        if broken:
            blocks.append(Block("p", text, page=start))
            text = ""
        start = start if text else line.page
        hyphen = text.endswith("-") and not text.endswith(" -")  # "self-" + "defense": joined, hyphen kept
        text = text + line.text if hyphen else f"{text} {line.text}".strip()
        prev = line
    return blocks + ([Block("p", text, page=start)] if text else [])


def _detected_blocks(lines: list[_Line]) -> list[Block]:
    """Headings: short lines in a larger font than the body, bold lines of their own, or (when the file has no
    typographic cues at all) short lines numbered "4.3 ...", "(3) ...", "Chapter IV". A wrapped heading is joined."""
    chars = Counter()
    for x in lines:
        chars[x.size] += len(x.text)
    body = chars.most_common(1)[0][0]
    sizes = sorted({x.size for x in lines if x.size >= 1.08 * body and len(x.text.split()) <= 25}, reverse=True)
    bold_body = sum(len(x.text) for x in lines if x.bold) > 0.5 * sum(chars.values())
    plain = not sizes and not any(x.bold for x in lines)

    def level(line: _Line) -> int:
        words, number = len(line.text.split()), parse_heading_number(line.text)
        if line.size in sizes and words <= 25:
            return sizes.index(line.size) + 1
        ends_sentence = line.text.endswith((".", ",", ";"))
        if line.bold and not bold_body and words <= 15 and (number.numbered or not ends_sentence):
            return len(sizes) + 1
        if plain and number.numbered and words <= 12 and not ends_sentence:
            return len(number.parts or (0, 0))
        return 0

    blocks, body_lines, prev = [], [], None
    for line in lines:
        if not (lvl := level(line)):
            body_lines.append(line)
            prev = None
            continue
        blocks += _paragraphs(body_lines)
        body_lines = []
        if prev and prev[0] == lvl and prev[1].page == line.page and not parse_heading_number(line.text).numbered:
            blocks[-1] = Block("h", f"{blocks[-1].text} {line.text}", lvl, page=line.page)
        else:
            blocks.append(Block("h", line.text, lvl, page=line.page))
        prev = (lvl, line)
    return blocks + _paragraphs(body_lines)


def _outline(reader, items, level: int) -> list[tuple[int, float | None, int, str]]:
    """(page, top, level, title) of each bookmark that points at a page."""
    entries = []
    for item in items:
        if isinstance(item, list):
            entries += _outline(reader, item, level + 1)
        elif (page := reader.get_destination_page_number(item)) is not None and page >= 0 and item.title:
            top = item.top if isinstance(item.top, (int, float)) else None
            entries.append((page + 1, None if top is None else float(top), level, " ".join(str(item.title).split())))
    return entries


def _norm(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def _outline_blocks(lines: list[_Line], outline) -> list[Block]:
    """Each bookmark becomes a heading where its destination points; the heading's own line(s) are dropped."""
    blocks, body, rest = [], [], ""
    for line in lines:
        while outline and (outline[0][0] < line.page or outline[0][0] == line.page and (
                outline[0][1] is None or line.y <= outline[0][1] + 1)):
            page, _, level, title = outline.pop(0)
            blocks += _paragraphs(body) + [Block("h", title, level, page=page)]
            body, rest = [], _norm(title)
        if rest and (text := _norm(line.text)) and rest.startswith(text):
            rest = rest[len(text):].strip()
            continue
        rest = ""
        body.append(line)
    return blocks + _paragraphs(body) + [Block("h", title, level, page=page) for page, _, level, title in outline]
