"""'How many …?': the sentences that count the thing asked about lead; when the record gives the
count in phases (Phase I, Phase II …), the phases are added up in a checkable sum."""

from __future__ import annotations

import re

from assistant.compose import Candidate, Claim, candidates, ordered
from assistant.handlers import Context, Draft, register_handler
from assistant.handlers.facts import answer_from, part_sources
from assistant.parse import QuestionPart
from assistant.text import NUMBER_WORDS, stem

COUNT_SENTENCES = 3
_NUMBER = rf"(\d[\d,]*(?:\.\d+)?|{'|'.join(NUMBER_WORDS)})"
_COUNTED = re.compile(r"\bhow (?:many|much)\s+((?:[\w+-]+\s+){0,3}?[\w+-]+?)\s+(?=(?:has|have|had|did|does|do|were|was|"
                      r"are|is|will|would|could|in|from|for|to|of|under|did|by|between|since)\b|\?|$)", re.I)
_PHASE = re.compile(r"\b(phase\s+(?:i{1,3}|iv|v|\d)|(?:first|second|third|fourth) (?:batch|phase|tranche|package|"
                    r"loan|grant))\b", re.I)


def counted_noun(question: str) -> str | None:
    m = _COUNTED.search(question)
    return stem(m.group(1).split()[-1].lower()) if m else None


def _value(word: str) -> float:
    word = word.lower().replace(",", "")
    return float(NUMBER_WORDS.index(word)) if word in NUMBER_WORDS else float(word)


def counts(pool: list[Candidate], noun: str) -> list[tuple[Candidate, float, str]]:
    """(sentence, number, phase label) for each sentence that counts ``noun`` ('ten 44-meter vessels')."""
    pattern = re.compile(rf"\b{_NUMBER}\s+(?:[\w-]+\s+){{0,3}}?{re.escape(noun)}\w*", re.I)
    out = []
    for c in pool:
        m = pattern.search(c.text)
        phase = _PHASE.search(c.text)
        if m and not re.fullmatch(r"(19|20)\d\d", m.group(1)):
            out.append((c, _value(m.group(1)), phase.group(1).lower() if phase else ""))
    return out


def _fmt(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"


@register_handler("how-many")
def how_many(ctx: Context, part: QuestionPart) -> Draft:
    sources = part_sources(ctx, part)
    noun = counted_noun(part.text)
    found = counts(candidates(sources, ctx.sentence_scores(part.text, sources)), noun) if noun else []
    wanted = (lambda c: any(c is f[0] for f in found)) if found else (lambda c: bool(re.search(r"\d|\b(?:" + "|".join(NUMBER_WORDS) + r")\b", c.text, re.I)))
    draft = answer_from(ctx, part, sources, budget=COUNT_SENTENCES, wanted=wanted)
    by_phase: dict[str, tuple[Candidate, float]] = {}
    for c, value, phase in found:
        if phase and phase not in by_phase:
            by_phase[phase] = (c, value)
    if len(by_phase) >= 2 and noun:
        total = sum(v for _, v in by_phase.values())
        word = re.search(rf"\b{re.escape(noun)}\w*", found[0][0].text, re.I).group(0)
        terms = " + ".join(_fmt(v) for _, v in by_phase.values())
        phases = ", ".join(by_phase)
        cited = tuple(dict.fromkeys(c.source for c, _ in by_phase.values()))
        lead = Claim(f"Adding up the phases the record gives: {terms} = {_fmt(total)} {word} in all ({phases}).", cited)
        rest = [Claim(c.text, (c.source,)) for c in ordered([c for c, _ in by_phase.values()])]
        draft.claims = [lead] + [r for r in rest if r.text not in {x.text for x in draft.claims}] + draft.claims
        draft.claims = draft.claims[: COUNT_SENTENCES + len(by_phase)]
    return draft
