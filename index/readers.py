"""Read a user's report (PDF, DOCX, HTML, Markdown) into chapter sections with page numbers.

One reader module per format, registered in ``READERS``, yields one stream of blocks, headings (with a level) and paragraphs
(with a page, for PDF), and ``chapter_map.assemble_sections`` maps headings to chapters and cuts the sections.
PDF sections are also cut at page breaks, so a section's ``page`` is where its text starts and a citation can
read "§4.3, p. 27".
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from core.model import ChapterSection
from index.chapter_map import assemble_sections
from index.docx_reader import read_docx
from index.html_reader import read_html
from index.markdown_reader import read_markdown
from index.pdf_reader import read_pdf
from index.reading import IngestError, Read

_ZIP, _PDF = b"PK\x03\x04", b"%PDF-"


def _text_check(kind: str) -> Callable[[bytes], str | None]:
    def check(data: bytes) -> str | None:
        binary = data[:5] == _PDF or data[:4] == _ZIP or b"\0" in data[:8192]
        return f"binary content, not a {kind} text file" if binary else None

    return check


@dataclass(frozen=True)
class Reader:
    """One file format: the suffixes it claims, why bytes are not of it (or None), and how to read it."""

    kind: str
    suffixes: tuple[str, ...]
    refuse: Callable[[bytes], str | None]
    read: Callable[[Path, bytes], Read]


def _read_pdf(path: Path, data: bytes) -> Read:
    title, blocks, pages = read_pdf(path, data)
    return Read(title, blocks, pages=pages)


READERS: tuple[Reader, ...] = (
    Reader("pdf", (".pdf",), lambda data: None if _PDF in data[:1024] else "not a PDF (no %PDF header)", _read_pdf),
    Reader("docx", (".docx",), lambda data: None if data.startswith(_ZIP) else "not a DOCX (not a zip package)",
           read_docx),
    Reader("html", (".html", ".htm", ".xhtml"), _text_check("html"), read_html),
    Reader("markdown", (".md", ".markdown"), _text_check("markdown"), read_markdown),
)
_BY_SUFFIX = {suffix: reader for reader in READERS for suffix in reader.suffixes}


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
    if (reader := _BY_SUFFIX.get(path.suffix.lower())) is None:
        raise IngestError(path, f"unknown file type {path.suffix or '(none)'!r}; expected .pdf, .docx, .html or .md")
    if (size := path.stat().st_size) > max_bytes:
        raise IngestError(path, f"too large ({size:,} bytes; the limit is {max_bytes:,})")
    data = path.read_bytes()
    if not data.strip():
        raise IngestError(path, "empty file")
    if reason := reader.refuse(data):
        raise IngestError(path, reason)
    read = reader.read(path, data)
    title = read.title or next((b.text for b in read.blocks if b.kind == "h"), "") or path.stem
    if not (sections := assemble_sections(read.blocks, path.name, title, read.initial, read.chapter_level)):
        raise IngestError(path, "no text found")
    return ParsedDocument(str(path), reader.kind, hashlib.sha256(data).hexdigest(), title, tuple(sections), read.pages)
