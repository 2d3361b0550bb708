"""Map a report's headings ("4.3 Defense equipment ...", "(3) ...", "Chapter V", "Conclusion") to canonical chapter ids.

A heading maps by its number when it has one ("4.3", "Chapter 5", "V.", "(3)" inside chapter 4), else by a
tolerant comparison of its title with the canonical titles (token overlap or difflib ratio >= TITLE_THRESHOLD,
and clearly ahead of the runner-up so that a title shared by two chapters maps to neither).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from core.model import CANONICAL_CHAPTERS, ChapterSection
from core.text import event_refs

TITLE_THRESHOLD = 0.75  # below: no title match; tested against every sub-heading of the corpus (none reaches it)
_MARGIN = 0.08  # the best title must beat the runner-up by this much

_STOP = frozenset("a an and the of in on for to since under its with from as at by is vs".split())
_SPELLING = {"defence": "defense", "programme": "program", "organisation": "organization"}
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}

_CHAPTER_WORD = re.compile(
    r"^(?:chapter|chap\.|part|section|§)\s*(\d{1,2}(?:\.\d{1,2})*|[IVXLC]+)\b\.?[:.\-–—]?\s*(.*)$", re.IGNORECASE
)
_DOTTED = re.compile(r"^§?\s*(\d{1,2}(?:\.\d{1,2})*)(?:\.|\)|:)?(?:\s+(.*)|$)")
_PAREN = re.compile(r"^\((\d{1,2})\)\s*(.*)$")
_ROMAN_DOT = re.compile(r"^([IVXLC]+)(?:\.|:|\)|$)\s*(.*)$")


@dataclass(frozen=True)
class Block:
    """What a reader yields, in reading order: a heading (with its level, 1 = top) or a paragraph."""

    kind: str  # "h" heading | "p" paragraph
    text: str
    level: int = 0
    page: int | None = None
    line: int = 0


@dataclass(frozen=True)
class HeadingNumber:
    parts: tuple[int, ...] | None  # (4, 3) for "4.3", (5,) for "Chapter V"
    paren: int | None  # 3 for "(3)"
    title: str  # the heading without its number

    @property
    def numbered(self) -> bool:
        return self.parts is not None or self.paren is not None


def roman_to_int(text: str) -> int | None:
    if not text or any(c not in _ROMAN for c in text):
        return None
    total = 0
    for i, c in enumerate(text):
        value = _ROMAN[c]
        total += -value if i + 1 < len(text) and _ROMAN[text[i + 1]] > value else value
    return total if 0 < total < 100 else None


def parse_heading_number(heading: str) -> HeadingNumber:
    text = " ".join(heading.split())
    if m := _CHAPTER_WORD.match(text):
        raw = m.group(1)
        parts = tuple(int(p) for p in raw.split(".")) if raw[0].isdigit() else (roman_to_int(raw.upper()),)
        if None not in parts:
            return HeadingNumber(parts, None, m.group(2).strip())
    if m := _PAREN.match(text):
        return HeadingNumber(None, int(m.group(1)), m.group(2).strip())
    if m := _DOTTED.match(text):
        # "2016 agreement" is a year, not a number; "4.3" alone is a number.
        return HeadingNumber(tuple(int(p) for p in m.group(1).split(".")), None, (m.group(2) or "").strip())
    if (m := _ROMAN_DOT.match(text)) and (n := roman_to_int(m.group(1))):
        return HeadingNumber((n,), None, m.group(2).strip())
    return HeadingNumber(None, None, text)


def _tokens(text: str) -> list[str]:
    words = re.findall(r"[a-z0-9]+", text.lower().replace("&", " and "))
    out = []
    for w in words:
        w = _SPELLING.get(w, w)
        if w in _STOP:
            continue
        if len(w) > 4 and w.endswith("ies"):
            w = w[:-3] + "y"
        elif len(w) > 3 and w.endswith("s") and not w.endswith("ss"):
            w = w[:-1]
        out.append(w)
    return out


def title_score(heading: str, canonical: str) -> float:
    """Similarity in [0, 1]: the best of Dice token overlap and difflib ratio, also against each half of
    a 'Main: subtitle' canonical title (so 'Introduction' and 'Conclusion' match)."""
    h = _tokens(heading)
    if not h:
        return 0.0
    best = 0.0
    for candidate in {canonical, *canonical.split(":", 1)}:
        c = _tokens(candidate)
        if not c:
            continue
        dice = 2 * len(set(h) & set(c)) / (len(set(h)) + len(set(c)))
        ratio = SequenceMatcher(None, " ".join(h), " ".join(c)).ratio()
        best = max(best, dice, ratio)
    return best


def match_title(heading: str) -> tuple[str | None, float]:
    """Best canonical id by title alone (None when below threshold or ambiguous) and its score."""
    scored = sorted(((title_score(heading, t), cid) for cid, t in CANONICAL_CHAPTERS.items()), reverse=True)
    (best, cid), (second, _) = scored[0], scored[1]
    if best >= TITLE_THRESHOLD and best - second >= _MARGIN:
        return cid, best
    return None, best


def _root(chapter_id: str | None) -> str | None:
    return chapter_id.split(".")[0] if chapter_id else None


def map_heading(heading: str, *, parent: str | None = None) -> tuple[str | None, bool]:
    """(canonical id or None, whether the id came from the heading's number)."""
    number = parse_heading_number(heading)
    cid = None
    if number.paren is not None:
        root = _root(parent)
        cid = f"{root}.{number.paren}" if root else None
    elif number.parts is not None:
        cid = ".".join(str(p) for p in number.parts)
        # a bare "3." inside chapter 4 is 4.3 when the report numbers sub-chapters that way
        if parent and len(number.parts) == 1 and _root(parent) == "4" and number.title:
            child = f"4.{number.parts[0]}"
            if child in CANONICAL_CHAPTERS and title_score(number.title, CANONICAL_CHAPTERS[child]) >= TITLE_THRESHOLD:
                cid = child
    if cid in CANONICAL_CHAPTERS:
        if number.title:  # the number says one chapter, but the title clearly names another: trust the title
            by_title, _ = match_title(number.title)
            if by_title and by_title != cid and title_score(number.title, CANONICAL_CHAPTERS[cid]) < 0.4:
                return by_title, False
        return cid, True
    if number.numbered:  # numbered but not canonical ("4.3.1", "2.1", "7"): not a canonical chapter
        return None, True
    return match_title(number.title)[0], False


def map_heading_to_chapter(heading: str, *, parent: str | None = None) -> str | None:
    """Canonical chapter id for a heading, or None. ``parent`` (the enclosing chapter id) resolves "(3)"."""
    return map_heading(heading, parent=parent)[0]


def is_child(chapter_id: str, parent: str | None) -> bool:
    """Whether chapter_id is a sub-chapter under parent's chapter: 4.2 under 4, and under 4.1 (same chapter 4)."""
    return bool(parent) and "." in chapter_id and _root(chapter_id) == _root(parent) and chapter_id != parent


def assemble_sections(blocks, source: str, title: str, initial=None, chapter_level=None) -> list[ChapterSection]:
    """Cut a reader's block stream into sections. A heading starts a canonical chapter when it maps by number,
    or by title at chapter level, or by title to a sub-chapter of the current chapter; an unmapped heading at
    chapter level starts chapter "x.N"; any other heading is a section heading in the current chapter."""
    headings = [b for b in blocks if b.kind == "h"]
    if chapter_level is None:  # the level at which the report's chapters sit: where headings map, numbered first
        numbered, fuzzy = [], []
        for h in headings:
            cid, by_number = map_heading(h.text)
            if cid and h.text != title:
                (numbered if by_number else fuzzy).append(h.level)
        chapter_level = min(numbered or fuzzy or [h.level for h in headings] or [1])
    cur_id, cur_title = initial or ("x.0", title)
    others = 0
    heading, head_line, sections, buf, buf_page, buf_line = None, 0, [], [], None, 0

    def flush() -> None:
        text = "\n\n".join(buf).strip()
        if text:
            events = event_refs(text)
            sections.append(ChapterSection(cur_id, cur_title, heading, text, events, source, buf_line, buf_page))
        buf.clear()

    for b in blocks:
        if b.kind == "p":
            if buf and b.page != buf_page:
                flush()
            if not buf:
                buf_page, buf_line, head_line = b.page, head_line or b.line, 0
            buf.append(b.text)
            continue
        flush()
        parent = cur_id if cur_id in CANONICAL_CHAPTERS else None
        cid, by_number = map_heading(b.text, parent=parent)
        if not by_number and (b.level < chapter_level or b.text == title):  # the report's own title, not chapter 2
            cid = None
        chapter = cid and (by_number or b.level <= chapter_level or is_child(cid, parent))
        if chapter and cid == cur_id:  # the chapter's own title again (after front matter, say): no new section
            heading = None
        elif chapter:
            cur_id, cur_title, heading = cid, CANONICAL_CHAPTERS[cid], None
        elif b.level <= chapter_level and not sub_numbered(b.text):  # "References", "7 Appendix"
            others += 1
            cur_id, cur_title, heading = f"x.{others}", b.text, None
        else:
            heading = b.text
        head_line = b.line
    flush()
    return sections


def sub_numbered(heading: str) -> bool:
    number = parse_heading_number(heading)
    return number.paren is not None or (number.parts is not None and len(number.parts) > 1)
