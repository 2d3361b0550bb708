"""HTML reports: text and h1-h4 headings, nothing executable."""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

from index.chapter_map import Block
from index.reading import Read, decode

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


def read_html(path: Path, data: bytes) -> Read:
    parser = _HTMLText()
    parser.feed(decode(data))
    parser.close()
    parser.end_block()
    return Read(" ".join(parser.title.split()), parser.blocks)
