"""Read a question for what retrieval needs: time constraints, list intent, ordinal intent, and the
standalone form of a follow-up. Pure functions, no model."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from core.dates import MONTH_NAMES

_YEAR = r"(20[0-3]\d|19\d\d)"
_RANGE = re.compile(rf"\b(?:between|from)\s+{_YEAR}\s+(?:and|to|until|through)\s+{_YEAR}\b|\b{_YEAR}\s*(?:-|–|—|to)\s*{_YEAR}\b", re.I)
_BEFORE = re.compile(rf"\b(?:before|prior to|until|up to|by)\s+{_YEAR}\b", re.I)
_SINCE = re.compile(rf"\b(?:since|after|from|starting in|beginning in)\s+{_YEAR}\b", re.I)
_IN = re.compile(rf"\b{_YEAR}\b")
_LIST = re.compile(r"^\s*(list|name|enumerate)\b|\bwhich\b.*\b(equipment|transfers?|exercises|agreements|summits|meetings|visits|incidents|events|milestones|vessels|ships)\b|\bwhat (?:were|are) the\b.*\b(milestones|events|transfers|exercises|agreements|summits|meetings|incidents)\b|\bwhat happened\b|\ball (?:the )?\w+", re.I)
_FIRST = re.compile(r"\b(first|earliest|begin|began|start|started|initially)\b", re.I)
_LATEST = re.compile(r"\b(latest|most recent|last|newest|recently)\b", re.I)
_WHEN = re.compile(r"^\s*(when|what date|what year|on what date|in what year)\b|\bwhen (?:was|were|did|does)\b", re.I)
_FOLLOW_UP = re.compile(r"^\s*(and|also|what about|how about|then|so)\b|\b(it|its|they|them|their|this|that|these|those|he|she|one|ones|there)\b", re.I)

# Words that name a category of timeline event, for list questions.
CATEGORY_WORDS = {
    "equipment-transfer": ("equipment", "transfer", "transferred", "aircraft", "radar", "vessel", "vessels", "ship", "ships", "tc-90", "helicopter"),
    "exercise": ("exercise", "exercises", "drill", "drills", "maritime cooperative", "port call"),
    "summit": ("summit", "summits", "leaders", "visit", "visits"),
    "ministerial": ("ministerial", "minister", "ministers", "2+2"),
    "agreement": ("agreement", "agreements", "memorandum", "accord", "treaty"),
    "incident": ("incident", "incidents", "clash", "clashes", "water cannon", "collision"),
    "policy": ("policy", "strategy", "strategies", "doctrine"),
    "capacity-building": ("capacity building", "capacity-building", "training"),
    "multilateral": ("multilateral", "trilateral"),
}


# The corpus uses both forms; a question may use either.
GLOSSARY = {
    "RAA": "Reciprocal Access Agreement",
    "FOIP": "Free and Open Indo-Pacific",
    "OSA": "Official Security Assistance",
    "ACSA": "Acquisition and Cross-Servicing Agreement",
    "GSOMIA": "General Security of Military Information Agreement",
    "MRRV": "multi-role response vessel",
    "PCG": "Philippine Coast Guard",
    "PN": "Philippine Navy",
    "JCG": "Japan Coast Guard",
    "JMSDF": "Japan Maritime Self-Defense Force",
    "JSDF": "Japan Self-Defense Forces",
    "HADR": "humanitarian assistance and disaster relief",
    "ODA": "official development assistance",
    "SCS": "South China Sea",
    "UNCLOS": "United Nations Convention on the Law of the Sea",
    "2+2": "foreign and defense ministers",
    "NSA": "national security adviser",
    "MCA": "Maritime Cooperative Activity",
    "PM": "prime minister",
    "MOD": "Ministry of Defense",
}


def acronym(short: str) -> str:
    """The pattern of an acronym used as a word ('RAA', 'RAAs'; not inside 'GRAAL' or '2+2+2')."""
    return rf"(?<![\w+]){re.escape(short)}s?(?![\w+])"


# Words the record writes as 'first' ('the inaugural 2+2' is the record's 'first 2+2').
_FIRST_IN_OTHER_WORDS = re.compile(r"\b(?:inaugural|maiden|initial)\b", re.I)


def expand(text: str) -> str:
    """Append the other form of every acronym or long name the text uses, and 'first' for a word that
    means it."""
    extra = ["first"] if _FIRST_IN_OTHER_WORDS.search(text) and not re.search(r"\bfirst\b", text, re.I) else []
    for short, long in GLOSSARY.items():
        has_short = re.search(acronym(short), text)
        has_long = long.lower() in text.lower()
        if has_short and not has_long:
            extra.append(long)
        elif has_long and not has_short:
            extra.append(short)
    return f"{text} ({'; '.join(extra)})" if extra else text


_MONTH = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
_DATE_FORMS = (
    re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"),
    re.compile(rf"\b(\d{{1,2}})\s+{_MONTH}\.?,?\s+(\d{{4}})\b", re.I),
    re.compile(rf"\b{_MONTH}\.?\s+(\d{{1,2}}),?\s+(\d{{4}})\b", re.I),
    re.compile(rf"\b{_MONTH}\.?\s+(\d{{4}})\b", re.I),
)
_RELATION = re.compile(r"\b(after|since|following|before|until|prior to|by)\s*$", re.I)


def _month(name: str) -> int:
    return next(i for i, m in enumerate(MONTH_NAMES, start=1) if m.startswith(name.lower()[:3]))


def dates_named(text: str) -> list[str]:
    """Every date a text names, in its order, as 'YYYY-MM-DD' or 'YYYY-MM' ('7 October 2025', 'June 2025',
    'July 8, 2024', '2025-06-14')."""
    found = []
    taken: list[range] = []
    for form, pattern in enumerate(_DATE_FORMS):  # the fuller forms first; a month inside a day is not another date
        for m in pattern.finditer(text):
            if any(m.start() in r for r in taken):
                continue
            taken.append(range(m.start(), m.end()))
            g = m.groups()
            if form == 0:
                found.append((m.start(), f"{g[0]}-{g[1]}-{g[2]}"))
            elif form == 3:
                found.append((m.start(), f"{g[1]}-{_month(g[0]):02d}"))
            else:
                day, month = (g[0], g[1]) if form == 1 else (g[1], g[0])
                found.append((m.start(), f"{g[2]}-{_month(month):02d}-{int(day):02d}"))
    return [iso for _, iso in sorted(found)]


def months_named(text: str) -> set[str]:
    """Every month a text names with its year, as 'YYYY-MM'."""
    return {d[:7] for d in dates_named(text)}


def _explicit_date(question: str) -> tuple[str, str] | None:
    """('on' | 'after' | 'before', ISO date) for a day or month named in the question."""
    for form, pattern in enumerate(_DATE_FORMS):
        if m := pattern.search(question):
            g = m.groups()
            if form == 0:
                iso = f"{g[0]}-{g[1]}-{g[2]}"
            elif form == 1:
                iso = f"{g[2]}-{_month(g[1]):02d}-{int(g[0]):02d}"
            elif form == 2:
                iso = f"{g[2]}-{_month(g[0]):02d}-{int(g[1]):02d}"
            else:
                iso = f"{g[1]}-{_month(g[0]):02d}"
            relation = _RELATION.search(question[: m.start()])
            if not relation:
                return "on", iso
            return ("after" if relation.group(1).lower() in ("after", "since", "following") else "before"), iso
    return None


@dataclass(frozen=True)
class QueryPlan:
    text: str  # the question as retrieval should see it (standalone)
    year_from: int | None = None
    year_to: int | None = None
    wants_list: bool = False
    wants_first: bool = False
    wants_latest: bool = False
    wants_date: bool = False
    categories: tuple[str, ...] = field(default_factory=tuple)
    on: str | None = None  # a day or month named in the question ("on 8 July 2024")
    after: str | None = None  # exclusive bounds from named dates ("after 8 July 2024")
    before: str | None = None
    # Named events used as time anchors: ("after", "the RAA was signed"), ("before", "the arbitral award").
    anchors: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    tenure: str | None = None  # a leader whose term names the period ('under Duterte'): a name, not yet a term

    @property
    def has_time(self) -> bool:
        return (self.year_from is not None or self.year_to is not None or bool(self.anchors) or bool(self.tenure)
                or any((self.on, self.after, self.before)))


_ANCHOR_TAIL = r"((?:the |japan'?s? |its )?(?![0-9]{4}\b)[a-z0-9'+ .-]{3,60}?)(?=[?,.;]|\s+(?:and|what|which|how|did|has|have)\b|$)"
_ANCHOR_BETWEEN = re.compile(r"\bbetween\s+(.{3,60}?)\s+and\s+(.{3,60}?)\s*(?=[?,;(]|\.(?!\d)|$)", re.I)
_ANCHOR_ONE = re.compile(rf"\b(since|after|following|before|prior to|until|up to)\s+{_ANCHOR_TAIL}", re.I)


_ABOUT_TIME = re.compile(r"\b(happen\w*|occur\w*|took place|take place|events?|milestones?|developments?|timeline|"
                         r"what did .+ do|changed?)\b", re.I)


# 'Where / who / when did the exercise between the PCG, JCG and US Coast Guard take place?' asks for
# one thing about one event: its 'between' names the parties, not a period.
ASKS_ONE_THING = re.compile(r"^\s*(?:where|who|when)\b", re.I)


def _anchors(question: str) -> tuple[tuple[str, str], ...]:
    """Named events used as time bounds. "between X and Y" is read as a span only in a question
    about what happened ("between Japan and the Philippines" is not one)."""
    if (_ABOUT_TIME.search(question) and not ASKS_ONE_THING.match(question)
            and (m := _ANCHOR_BETWEEN.search(question))):
        if not re.fullmatch(r"\d{4}", m.group(1).strip()) and not re.fullmatch(r"\d{4}", m.group(2).strip()):
            return (("after", m.group(1).strip()), ("before", m.group(2).strip()))
    found = []
    for m in _ANCHOR_ONE.finditer(question):
        relation = "after" if m.group(1).lower() in ("since", "after", "following") else "before"
        phrase = m.group(2).strip()
        if not re.search(r"\b(19|20)\d\d\b", phrase):
            found.append((relation, phrase))
    return tuple(found)


_TITLE = r"(?i:(?:president|prime minister|pm|premier)\s+)?"
_TERM = r"(?i:administration|presidency|premiership|government|term|tenure|years|era|time)"
# A period named by a leader: 'under (President) Duterte', 'while Ishiba was prime minister', 'during
# Kishida's term', 'in the Aquino years'. Keywords in any case, the name capitalised; it is checked
# against the terms of office later.
_TENURE = re.compile(rf"\b(?i:under)\s+{_TITLE}([A-Z][a-z]+)\b(?!\s+(?:Agreement|Vision|Project|Phase))|"
                     rf"\b(?i:while)\s+{_TITLE}([A-Z][a-z]+)\s+(?i:was|served as|held)\s+(?i:the\s+)?"
                     rf"(?i:prime minister|president|pm|premier|in office|in power)\b|"
                     rf"\b(?i:during|in|throughout)\s+(?i:the\s+)?{_TITLE}([A-Z][a-z]+)(?:'s)?\s+{_TERM}\b")


def _tenure(question: str) -> tuple[str | None, str]:
    """(the leader named as a period, the phrase naming it) or (None, '')."""
    m = _TENURE.search(question)
    return (next(g for g in m.groups() if g), m.group(0)) if m else (None, "")


def plan(question: str) -> QueryPlan:
    year_from = year_to = None
    dated = _explicit_date(question)
    if dated:
        relation, iso = dated
        if relation == "on":
            year_from = year_to = int(iso[:4])
    elif m := _RANGE.search(question):
        years = sorted(int(y) for y in m.groups() if y)
        year_from, year_to = years[0], years[-1]
    elif m := _BEFORE.search(question):
        year_to = int(m.group(1)) - (0 if re.search(r"\b(until|up to|by)\b", m.group(0), re.I) else 1)
    elif m := _SINCE.search(question):
        year_from = int(m.group(1)) + (1 if m.group(0).lower().startswith("after") else 0)
    elif years := _IN.findall(question):
        year_from, year_to = min(map(int, years)), max(map(int, years))
    anchors = () if year_from or year_to or dated else _anchors(question)
    tenure, tenure_phrase = _tenure(question) if not (year_from or year_to or dated) else (None, "")
    lowered = question.lower()
    for phrase in [p for _, p in anchors] + [tenure_phrase]:  # "since the first 2+2" names an anchor, not a category
        lowered = lowered.replace(phrase.lower(), " ") if phrase else lowered
    categories = tuple(c for c, words in CATEGORY_WORDS.items()
                       if any(re.search(rf"\b{re.escape(w)}s?\b", lowered) for w in words))  # "port calls"
    return QueryPlan(
        text=expand(question),
        year_from=year_from,
        year_to=year_to,
        wants_list=bool(_LIST.search(question)),
        wants_first=bool(_FIRST.search(question)),
        wants_latest=bool(_LATEST.search(question)),
        wants_date=bool(_WHEN.search(question)),
        categories=categories,
        anchors=anchors,
        tenure=tenure,
        on=dated[1] if dated and dated[0] == "on" else None,
        after=dated[1] if dated and dated[0] == "after" else None,
        before=dated[1] if dated and dated[0] == "before" else None,
    )
