"""Markdown reports (and corpus-style chapter files with front matter)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from core.model import CANONICAL_CHAPTERS
from index.chapter_map import Block, map_heading_to_chapter
from index.reading import Read, decode

_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.DOTALL)
_ATX = re.compile(r"^(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")


def read_markdown(path: Path, data: bytes) -> Read:
    """ATX headings outside code fences; paragraphs keep their Markdown, as the corpus loader keeps them.
    Front matter naming a chapter makes it a chapter file: only a "#" heading can open another chapter."""
    text, meta, offset = decode(data), {}, 0
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
    return Read(title, blocks, initial, 1 if initial else None)
