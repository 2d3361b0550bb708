"""Typed records of the corpus: chapters, their sections, and timeline events."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

# Canonical chapter ids of the study, used by the corpus, citations and evals alike.
CANONICAL_CHAPTERS: dict[str, str] = {
    "1": "Introduction: research background and problem statement",
    "2": "Japan-Philippines defense cooperation under the FOIP initiative",
    "3": "Driving factors and China's response",
    "4": "The evolution of Japan-Philippines defense cooperation since 2016",
    "4.1": "Vientiane Vision and the FOIP initiative",
    "4.2": "Summit and ministerial meetings",
    "4.3": "Defense equipment and technology transfer cooperation",
    "4.4": "Joint exercises, defense exchanges and capacity building",
    "5": "The emergence of a quasi-alliance and future prospects",
    "6": "Conclusion: research summary and policy implications",
}

EVENT_CATEGORIES = (
    "agreement",
    "summit",
    "ministerial",
    "equipment-transfer",
    "exercise",
    "capacity-building",
    "policy",
    "incident",
    "multilateral",
    "other",
)

# How well an event's facts are supported: high = an official page or two independent pages agree;
# medium = one non-official page; low = the sources conflict (the event's note says how).
CONFIDENCE_LEVELS = ("high", "medium", "low")

# Chapter paragraphs name the timeline events they draw on as "[events: id-a, id-b]".
EVENT_REF = re.compile(r"\[events?:\s*([^\]]*)\]")


def event_refs(text: str) -> tuple[str, ...]:
    return tuple(e.strip() for m in EVENT_REF.finditer(text) for e in m.group(1).split(",") if e.strip())


def strip_event_refs(text: str) -> str:
    return re.sub(r"[ \t]*" + EVENT_REF.pattern, "", text).strip()


MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)


def format_date(date: str) -> str:
    """'2024-07-08' -> '8 July 2024'; 'YYYY-MM' -> 'July 2024'; 'YYYY' stays. Unambiguous in any locale."""
    parts = date.split("-")
    if len(parts) == 3:
        return f"{int(parts[2])} {MONTHS[int(parts[1]) - 1]} {parts[0]}"
    if len(parts) == 2:
        return f"{MONTHS[int(parts[1]) - 1]} {parts[0]}"
    return date


def parse_partial_date(date: str) -> tuple[int, int | None, int | None]:
    """Validate 'YYYY-MM-DD' / 'YYYY-MM' / 'YYYY'; raise ValueError otherwise."""
    parts = date.split("-")
    if len(parts) == 3:
        d = dt.date.fromisoformat(date)
        return d.year, d.month, d.day
    if len(parts) == 2 and len(parts[0]) == 4 and len(parts[1]) == 2:
        year, month = int(parts[0]), int(parts[1])
        if not 1 <= month <= 12:
            raise ValueError(f"month {month} out of range")
        return year, month, None
    if len(parts) == 1 and len(date) == 4 and date.isdigit():
        return int(date), None, None
    raise ValueError("expected YYYY-MM-DD, YYYY-MM or YYYY")


@dataclass(frozen=True)
class TimelineEvent:
    id: str
    date: str
    title: str
    category: str
    summary: str
    confidence: str  # one of CONFIDENCE_LEVELS
    note: str = ""  # where sources differ: how
    actors: tuple[str, ...] = ()
    chapters: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    line: int = 0  # where the event starts in timeline.yaml, for error messages

    @property
    def year(self) -> int:
        return int(self.date[:4])

    @property
    def display_date(self) -> str:
        return format_date(self.date)

    @property
    def text(self) -> str:
        """What is embedded and shown: date, title, summary."""
        return f"{self.display_date}: {self.title}. {self.summary}"


@dataclass(frozen=True)
class ChapterSection:
    """One citable section of a chapter: the text under a ``##`` heading (or the chapter's lead)."""

    chapter_id: str
    chapter_title: str
    heading: str | None
    text: str
    events: tuple[str, ...] = ()  # timeline ids the section's paragraphs name
    source: str = ""
    line: int = 0
    page: int | None = None

    @property
    def heading_path(self) -> tuple[str, ...]:
        return (self.chapter_title,) + ((self.heading,) if self.heading else ())


@dataclass(frozen=True)
class Chapter:
    id: str
    title: str
    summary: str
    sections: tuple[ChapterSection, ...] = field(default_factory=tuple)
    source: str = ""

    @property
    def word_count(self) -> int:
        return sum(len(strip_event_refs(s.text).split()) for s in self.sections)
