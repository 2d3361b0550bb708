"""Comparisons: two (or more) events, agreements or periods side by side, each side answered from its
own search ('the first and the second 2+2', 'Phase I and Phase II of the vessel project')."""

from __future__ import annotations

import re

from assistant.compose import candidates
from assistant.handlers import Context, Draft, register_handler
from assistant.handlers.argument import about_study, argument_sources, attributed
from assistant.handlers.facts import answer_from, fact
from assistant.parse import QuestionPart, content_words
from assistant.spans import shared_noun

SIDE_SENTENCES = 3  # each side: its dated line or lead, and what sets it apart
_SIDES = (
    re.compile(r"\bhow (?:do|does|did|is|are|was|were)\s+(.{2,80}?)\s+and\s+(.{2,80}?)\s+(?:compare|differ)\b", re.I),
    re.compile(r"\bhow (?:do|does|did|is|are|was|were)\s+(.{2,80}?)\s+compare(?:\s+in\s+[\w\s]+?)?\s+(?:with|to|against)\s+"
               r"(.{2,80}?)\s*(?:[?.;:]|$)", re.I),
    re.compile(r"\b(?:compare|comparing|contrast)\s+(.{2,80}?)\s+(?:and|with|to|against|vs\.?|versus)\s+(.{2,80}?)\s*(?:[?.;:]|$)", re.I),
    re.compile(r"\bdifferences?\s+between\s+(.{2,80}?)\s+and\s+(.{2,80}?)\s*(?:[?.;:]|$)", re.I),
    re.compile(r"\bhow (?:did|does|do|is|was|were|are)\s+(.{2,80}?)\s+(?:differ|compare|contrast)\s+(?:from|to|with)\s+"
               r"(.{2,80}?)\s*(?:[?.;:]|$)", re.I),
    re.compile(r"\bhow (?:did|does|do|is|was|were|are)\s+(.{2,80}?)\s+(?:different|distinct)\s+(?:from|to|than)\s+"
               r"(.{2,80}?)\s*(?:[?.;:]|$)", re.I),
    re.compile(r"^(.{2,80}?)\s+(?:vs\.?|versus)\s+(.{2,80}?)\s*(?:[?.;:]|$)", re.I),
    re.compile(r"\bbetween\s+(.{2,80}?)\s+and\s+(.{2,80}?)\s*(?:[?.;:]|$)", re.I),
)


_TWO = re.compile(r"\b(?:compare|comparing|contrast)\s+(?:the\s+)?(?:two|both)\s+(.{2,80}?)\s*(?:[?.;:]|$)", re.I)


_VS = r"\s+(?:vs\.?|versus)\s+"
_MANY = re.compile(rf"^(.{{2,60}}?){_VS}(.{{2,60}}?)(?:{_VS}(.{{2,60}}?))+\s*(?:[?.;:\-–]|$)", re.I)


def sides(question: str) -> tuple[str, ...] | None:
    """The things compared, usually two; a bare first side borrows the second's noun ('the first and
    the second 2+2' -> 'the first 2+2'); 'the two OSA grants' are the first and the second; 'Phase I vs
    Phase II vs Phase III' are three."""
    if m := _TWO.search(question):
        return f"the first {m.group(1)}", f"the second {m.group(1)}"
    if _MANY.search(question):
        head = re.split(r"\s*[?.;:–]|\s+-\s+", question, maxsplit=1)[0]
        named = [p.strip(" ,") for p in re.split(_VS, head, flags=re.I)]
        fullest = max(named, key=lambda p: len(content_words(p)))
        return tuple(_complete(p, fullest) if _BARE_SIDE.search(p) and p != fullest else p for p in named)
    for pattern in _SIDES:
        if m := pattern.search(question):
            a, b = shared_noun(m.group(1).strip(" ,"), m.group(2).strip(" ,"))
            if _elliptic(b, a):
                b = _complete(b, a)  # "Tokyo's" -> "Tokyo's reaction to the 2016 arbitral award"
            elif _elliptic(a, b):
                a = _complete(a, b)
            return a, b
    return None


def _capitals(text: str) -> set[str]:
    return {w.strip("'s") for w in re.findall(r"\b[A-Z][\w'-]*", text)}


# In a list of sides, one that is only a possessor, a phase, a year or an ordinal leaves its noun to the
# fullest side ('Phase I vs Phase II vs Phase III of the ship programme').
_BARE_SIDE = re.compile(r"'s?$|^(?:the\s+)?(?:phase\s+\w+|(?:19|20)\d\d|first|second|third|fourth|fifth|latest|last)$",
                        re.I)


def _elliptic(short: str, full: str) -> bool:
    """A side that names less than the other and none of its names ('Phase II' beside 'the ships of
    Phase I', "Tokyo's" beside "Beijing's reaction to the award")."""
    return len(content_words(short)) < len(content_words(full)) and not (_capitals(short) & _capitals(full))


def _complete(short: str, full: str) -> str:
    """The short side with the other side's words, less those of the kind the short side replaces
    (its names, its numbers)."""
    drop_names, drop_numbers = bool(_capitals(short)), bool(re.search(r"\d", short))
    kept = [w for w in full.split()
            if not (drop_names and w[:1].isupper()) and not (drop_numbers and re.search(r"\d", w))]
    return f"{short} {' '.join(kept)}"


@register_handler("compare")
def compare(ctx: Context, part: QuestionPart) -> Draft:
    pair = sides(part.text)
    if not pair:
        return fact(ctx, part)
    claims, retrieved = [], []
    for side in pair:
        side_part = QuestionPart(side, "fact", part.plan)
        if about_study(part.text):  # the study's own factors, stages or concepts side by side
            draft = answer_from(ctx, side_part, argument_sources(ctx, side), budget=SIDE_SENTENCES, wanted=attributed, breadth=True)
            claims += [c for c in draft.claims if c.text not in {x.text for x in claims}]
            retrieved += [s for s in draft.retrieved if s not in retrieved]
            continue
        taken = frozenset(s.ref for c in claims for s in c.sources if s.kind == "event")
        found = [s for s in ctx.search(side, ctx.filters) if s.ref not in taken]  # the other side is not this one
        event = ctx.resolve_event(side, exclude=taken)
        if event is not None:
            found = [event] + [s for s in found if s.ref != event.ref]
        lead = next((c for c in candidates([event]) if c.position == -1), None) if event else None
        # A side resolved to an event is described by that event's own facts, whatever words the
        # question used; an unresolved side by the sentences closest to it.
        draft = answer_from(ctx, side_part, found, budget=SIDE_SENTENCES, lead=lead,
                            pool_filter=(lambda c, e=event: c.source.ref == e.ref) if event else None,
                            breadth=True, any_likeness=event is not None)
        claims += [c for c in draft.claims if c.text not in {x.text for x in claims}]
        retrieved += [s for s in found if s not in retrieved]
    return Draft(claims, retrieved=retrieved)
