"""PDF reading: lines with font size and weight from pypdf, running headers and page numbers dropped, and
headings taken from the outline (bookmarks) or, without one, detected from size, weight and numbering."""

from __future__ import annotations

import io
import math
import re
import statistics
from collections import Counter, namedtuple
from itertools import pairwise
from pathlib import Path

from index.chapter_map import Block, parse_heading_number
from index.reading import IngestError

MIN_CHARS_PER_PAGE = 20  # fewer on average: the PDF has no usable text layer (scanned)

_Line = namedtuple("_Line", "page y size bold text")  # y: baseline from the page bottom; size: effective font size


def read_pdf(path: Path, data: bytes):
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
