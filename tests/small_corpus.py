"""A small corpus for the tests of build mechanics (atomic swap, pruning, snapshots, the Chroma server round
trip): five real timeline events and the opening of two real chapters, written in the corpus format. Its build
embeds about 70 texts where the full corpus needs about 1,400, so a test can build it several times."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from core.text import EVENT_REF
from tests.conftest import CORPUS, write

EVENTS = ("2016-11-16-vientiane-vision", "2023-10-first-air-radar-delivered", "2024-07-08-second-2plus2-manila",
          "2024-07-08-raa-signed", "2025-09-11-raa-in-force")
CHAPTERS = {"5": 1, "6": 2}  # chapter id: how many of its "##" sections follow the lead paragraph


def _events_kept(match: re.Match) -> str:
    kept = [e.strip() for e in match.group(1).split(",") if e.strip() in EVENTS]
    return f"[events: {', '.join(kept)}]" if kept else ""


def _opening(text: str, sections: int) -> str:
    """The front matter, the lead and the first ``sections`` sections, citing only the events kept."""
    parts = re.split(r"(?m)^(?=## )", text)
    return EVENT_REF.sub(_events_kept, "".join(parts[: sections + 1])).rstrip() + "\n"


def small_corpus(folder: Path) -> Path:
    """Write the small corpus into ``folder`` (``timeline.yaml`` and ``chapters/``) and return ``folder``."""
    timeline = yaml.safe_load((CORPUS / "timeline.yaml").read_text(encoding="utf-8"))
    events = [e for e in timeline if e["id"] in EVENTS]
    for event in events:
        event["related"] = [r for r in event.get("related") or [] if r in EVENTS]
    write(folder / "timeline.yaml", yaml.safe_dump(events, sort_keys=False, allow_unicode=True, width=120))
    for chapter, sections in CHAPTERS.items():
        text = (CORPUS / "chapters" / f"{chapter}.md").read_text(encoding="utf-8")
        write(folder / "chapters" / f"{chapter}.md", _opening(text, sections))
    return folder
