"""'How many …?': the sentences that count the thing asked about lead; when the record gives the
count in phases (Phase I, Phases I and II …), one count per phase is added up in a checkable sum
('10 + 2 + 5 = 17 vessels in all'), saying which phases it covers."""

from __future__ import annotations

import re

from assistant.compose import Candidate, Claim, candidates, ordered
from assistant.handlers import Context, Draft, register_handler
from assistant.handlers.facts import answer_from, part_sources
from assistant.parse import PARTICIPLE, VERB_WORDS, QuestionPart, other_states
from assistant.query import GLOSSARY
from core.countries import names_states
from core.text import NUMBER_WORDS, stem

COUNT_SENTENCES = 3
COUNT_NUMBER = rf"(?:\d[\d,]*(?:\.\d+)?|{'|'.join(NUMBER_WORDS)})"
# Words that end the phrase naming what is counted ('how many troops *took part*', '… *in* KAMANDAG').
_COUNTED_END = frozenset("has have had did does do were was are is will would could can in from for to of under by "
                         "between since at on with during and or".split())
_PHASES = re.compile(r"\b(?i:phases?)\s+((?:[IVX]+|\d)\b(?:\s*(?:,|and|&)\s*(?:[IVX]+|\d)\b)*)")
_NUMERAL = re.compile(r"\b([IVX]+|\d)\b")


def counted_noun(question: str) -> str | None:
    """The thing a 'how many' question counts: the last word of the phrase after it, which ends at its
    verb or preposition ('how many JGSDF *troops* joined KAMANDAG', 'how many radar *units* came with …')."""
    m = re.search(r"\bhow (?:many|much)\s+([^?(),;:]*)", question, re.I)
    words = re.findall(r"[\w+-]+", m.group(1)) if m else []
    end = next((i for i, w in enumerate(words) if w.lower() in _COUNTED_END
                or (i and (w.lower() in VERB_WORDS or PARTICIPLE.search(w)))), len(words))
    return stem(words[end - 1].lower()) if end else None


# Words that count the same things: a count of soldiers answers 'how many troops', of vessels 'how many boats'.
_COUNTED_ALIKE = tuple(frozenset(stem(w) for w in kind.split()) for kind in (
    "troops soldiers personnel people members marines sailors officers staff crew participants servicemen",
    "ships vessels boats cutters destroyers frigates escorts warships",
    "aircraft planes jets",
    "helicopters choppers",  # a count of aircraft is no count of helicopters
    "parts items pieces components"))
PEOPLE_COUNTED = _COUNTED_ALIKE[0]


def counted_as(noun: str) -> frozenset[str]:
    """The words a count of ``noun`` may use: its kind's words, and an acronym's noun ('MRRVs': vessels)."""
    short = next((k for k in GLOSSARY if k.lower() in (noun, noun.rstrip("s"))), None)
    if short:
        noun = stem(GLOSSARY[short].split()[-1].lower())
    return next((kind for kind in _COUNTED_ALIKE if noun in kind), frozenset([noun]))


def value(word: str) -> float:
    word = word.lower().replace(",", "")
    return float(NUMBER_WORDS.index(word)) if word in NUMBER_WORDS else float(word)


# A number followed by a scale or a currency is a sum: a '600 million yen coastal radar grant' counts no radars.
_NOT_A_SUM = r"(?!(?:million|billion|trillion|yen|dollars?|pesos?|per ?cent)\b)"


def count_matches(text: str, noun: str) -> list[re.Match[str]]:
    """Each place ``text`` counts ``noun``, from its number to the noun ('ten 44-meter and two 97-meter
    vessels'); a year before a noun ('2024 exercises') and a sum ('600 million yen') are no count."""
    between = r"(?:[\w'’-]+\s+){0,3}?"  # up to three words, "the battalion's" among them
    pattern = re.compile(rf"\b({COUNT_NUMBER})\s+{_NOT_A_SUM}{between}(?:(?:and|plus)\s+({COUNT_NUMBER})\s+"
                         rf"{_NOT_A_SUM}{between})?{re.escape(noun)}\w*", re.I)
    return [m for m in pattern.finditer(text) if any(_counted(g) for g in m.groups())]


def counts(text: str, noun: str) -> list[float]:
    """The counts of ``noun`` a sentence states: 'ten 44-meter and two 97-meter vessels' -> [10, 2]."""
    return [value(g) for m in count_matches(text, noun) for g in m.groups() if _counted(g)]


def _counted(number: str | None) -> bool:
    """A count is a whole number and not a year: 'MRF-D 25.3 and 3rd Marine …' counts no marines."""
    return bool(number) and "." not in number and not re.fullmatch(r"(19|20)\d\d", number)


def phases(c: Candidate) -> frozenset[str]:
    """The phases a sentence speaks of ('Phases I and II' -> {'I', 'II'})."""
    return frozenset(n for m in _PHASES.finditer(c.text) for n in _NUMERAL.findall(m.group(1)))


def phase_total(pool: list[Candidate], noun: str) -> list[tuple[Candidate, frozenset[str], list[float]]]:
    """Disjoint phase groups with their counts, widest first: one count per phase, never two."""
    groups = [(c, phases(c), counts(c.text, noun)) for c in pool]
    groups = sorted((g for g in groups if g[1] and g[2]), key=lambda g: (-len(g[1]), g[0].rank))
    chosen, covered = [], set()
    for g in groups:
        if not g[1] & covered and len(g[2]) in (1, len(g[1])):
            chosen.append(g)
            covered |= g[1]
    return chosen if len(chosen) >= 2 else []


def _fmt(x: float) -> str:
    return str(int(x)) if x == int(x) else f"{x:g}"


@register_handler("how-many")
def how_many(ctx: Context, part: QuestionPart) -> Draft:
    sources = part_sources(ctx, part)
    noun = counted_noun(part.text)
    pool = candidates(sources, ctx.sentence_scores(part.text, sources))
    nouns = counted_as(noun) if noun else frozenset()
    counting = {c.key for c in pool if any(counts(c.text, n) for n in nouns)}
    wanted = (lambda c: c.key in counting) if counting else None
    draft = answer_from(ctx, part, sources, budget=COUNT_SENTENCES, wanted=wanted, pool=pool)
    states = set(other_states(part.text))  # 'how many … to Vietnam': the phases of another state's count don't add up to it
    groups = phase_total([c for c in pool if names_states(c.text, states)], noun) if noun else []
    if not groups:
        return draft
    terms = [v for _, _, values in groups for v in values]
    word = re.search(rf"\b{re.escape(noun)}\w*", groups[0][0].text, re.I).group(0)
    covered = "; ".join(("Phases " if len(p) > 1 else "Phase ") + " and ".join(sorted(p, key=len)) for _, p, _ in groups)
    cited = tuple(dict.fromkeys(c.source for c, _, _ in groups))
    lead = Claim(f"Adding up the phases: {' + '.join(map(_fmt, terms))} = {_fmt(sum(terms))} {word} in all "
                 f"({covered}).", cited)
    support = [Claim(c.text, (c.source,)) for c in ordered([c for c, _, _ in groups])]
    said = {lead.text} | {s.text for s in support}
    draft.claims = [lead] + support + [c for c in draft.claims if c.text not in said][:1]
    return draft
