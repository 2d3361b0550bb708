"""Composition: turn retrieved items into an answer's sentences.

The first sentence answers in the question's type (a date for "when", people for "who", a number for
"how many"); supporting sentences are added for coverage — each must bring a part of the question or
a fact not yet stated, and an explanatory answer prefers what is new over what restates the lead
(maximal marginal relevance) — up to a length that follows the question. A sentence that does not stand alone
comes with the sentence it refers to, and a chapter's description of itself is never used."""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from assistant.query import expand
from core.model import Source, event_summary, person_name, surname
from core.model import event_headline as headline_of
from core.text import sentences, tokens

# Sentences that refer back to something before them ("This rule …", "First, …") or that describe the
# digest itself rather than the study or the record.
_DANGLING = re.compile(r"^(this|these|that|those|it|its|they|their|them|such|he|she|his|her|both|the two|the latter|"
                       r"the former|here|there|the same|another|other|others|first|second|third|finally|also|"
                       r"however|moreover|in addition|similarly|then|later|thereafter|meanwhile|instead|"
                       r"as a result|in turn|put simply|set side by side|under the revised concept|in this|read together|"
                       r"taken together)\b[ ,]", re.I)
_SELF_DESCRIPTION = re.compile(r"\b(this|the) (?:(?:concluding|opening|present|current) )?(chapter|section|digest)\b|"
                               r"\bchapter \d(?:\.\d)? (?:surveys|covers|describes|sets out|reviews|traces)\b|"
                               r"\b(?:record|sections?|list|table) (?:below|above)\b|"
                               r"^(?:two|three|four|several) points\b[^:]*$", re.I)  # not 'Three points: a, b, c'



TOPIC_WORDS = 12


@dataclass(frozen=True)
class Claim:
    """One answer sentence and the item(s) it cites."""

    text: str
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class Candidate:
    text: str
    source: Source
    rank: int  # the source's place in the retrieved list
    position: int  # the sentence's place in its source; -1 for an event's date-and-title line
    cosine: float
    words: frozenset[str]

    @property
    def key(self) -> tuple[str, int]:
        return (self.source.doc_id or self.source.ref, self.position)

    @property
    def dangling(self) -> bool:
        return self.position >= 0 and opens_with_reference(self.text)

    @property
    def announces(self) -> bool:
        """A chapter's topic sentence ('The study ends with a recommendation.', 'Defense ministers built a
        parallel track.'): short, with no figure or name after its first word, so what it announces is
        in the sentence after it. (The digest's topic sentences run 5-12 words; its claims run longer.)"""
        rest = self.text.split(None, 1)[1:]
        return (self.source.kind == "chapter" and self.position >= 0 and len(self.text.split()) <= TOPIC_WORDS
                and not (rest and facts(rest[0])))


def event_headline(source: Source) -> str:
    title = source.title.rstrip(".")
    return headline_of(source.date, title) if source.date else f"{title}."


def event_body(source: Source) -> str:
    """An event's text is 'date: title. summary'; the summary alone."""
    return event_summary(source.text, source.date or "", source.title)


def candidates(sources: list[Source], semantic: dict[str, list[tuple[str, float]]] | None = None) -> list[Candidate]:
    """Every citable sentence of the retrieved items (and each event's date-and-title line)."""
    semantic = semantic or {}
    out: list[Candidate] = []
    for rank, source in enumerate(sources):
        if source.kind == "event" and source.date:
            line = event_headline(source)
            out.append(Candidate(line, source, rank, -1, source.similarity, _words(line)))
        body = event_body(source) if source.kind == "event" else source.text
        pairs = semantic.get(source.doc_id) or [(s, source.similarity) for s in sentences(body)]
        for position, (text, cosine) in enumerate(pairs):
            if _SELF_DESCRIPTION.search(text):
                continue
            out.append(Candidate(text, source, rank, position, cosine, _words(text)))
    return out


@functools.lru_cache(maxsize=4096)  # an event's words, read once per process rather than per question
def _item_words(text: str) -> frozenset[str]:
    return _words(text)


def _words(text: str) -> frozenset[str]:
    """A sentence's words, an acronym and its long form standing for each other ('RAA')."""
    return frozenset(tokens(expand(text)))


class Relevance:
    """How well a sentence answers: the mean of its meaning's similarity to the question and the
    share of the question's words it contains, each word weighted by its rarity among the candidates
    (so the subject counts, 'Japan' hardly)."""

    def __init__(self, subject: list[str], pool: list[Candidate]):
        counts: dict[str, int] = {}
        for c in pool:
            for w in c.words:
                counts[w] = counts.get(w, 0) + 1
        n = len(pool) or 1
        self.weight = {w: math.log(1 + n / (1 + counts.get(w, 0))) for w in dict.fromkeys(subject)}
        self.total = sum(self.weight.values()) or 1.0

    def coverage(self, words: frozenset[str] | set[str]) -> float:
        return sum(v for w, v in self.weight.items() if w in words) / self.total

    def __call__(self, c: Candidate) -> float:
        return (max(c.cosine, 0.0) + self.coverage(c.words)) / 2

    def focus(self, c: Candidate) -> float:
        """For choosing the lead: the sentence's relevance plus how squarely its item is about the
        question (its title's coverage), so 'Who signed the RAA?' leads from the signing, not from a
        ratification sentence that happens to repeat the question's words."""
        item = c.source.title + (" " + c.source.text if c.source.kind == "event" else "")
        return self(c) + self.coverage(_item_words(item))


_FACT = re.compile(r"\b\d[\d,.]*\b|\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*\b")


def facts(text: str) -> set[str]:
    """Numbers and names a sentence states, to tell a new fact from one already given."""
    return {f.replace(",", "") for f in _FACT.findall(text)} - {"The", "In", "On", "At", "A", "An", "It", "This"}


def select(pool: list[Candidate], relevance: Relevance, *, budget: int,
           wanted: Callable[[Candidate], bool] | None = None, lead: Candidate | None = None,
           breadth: bool = False, any_likeness: bool = False) -> list[Candidate]:
    """The lead (the most relevant sentence of the wanted kind, unless given), then sentences that add
    coverage of the question or a new fact while they stay at least half as relevant as the lead:
    the most relevant first, or with ``breadth`` (an explanation, a definition, the study's argument)
    the most relevant for what they add. ``any_likeness``: every sentence of the pool is about the
    question (a compared event, the study's chapters on an argument), so none needs likeness to its
    words. Each kept sentence that leans on its predecessor brings the predecessor along, and a topic
    sentence the sentence it announces."""
    if not pool or budget <= 0:
        return []
    scored = sorted(pool, key=lambda c: (-relevance(c), c.rank, c.position))
    if lead is None:
        best = relevance(scored[0])
        typed = [c for c in scored if (wanted is None or wanted(c)) and relevance(c) >= best / 2]
        lead = max(typed, key=lambda c: (not c.dangling, relevance.focus(c))) if typed else scored[0]
    chosen: list[Candidate] = []
    _add(chosen, lead, pool)
    floor = 0.0 if any_likeness else relevance(lead) / 2
    # A sentence that leans on the lead ('Its forecast rests on …') carries the lead's thought on.
    rest = [c for c in scored if relevance(c) >= floor or _continues(c, lead)]
    while len(chosen) < budget:
        taken = {x.key for x in chosen}
        said = set().union(*(x.words for x in chosen))
        fits = [c for c in rest if c.key not in taken and _adds_something(c, chosen, relevance)
                and len(chosen) + _cost(c, chosen, pool) <= budget]
        if not fits:
            break
        # Relevance discounted by what is already said (maximal marginal relevance, with the
        # redundancy read from the words): a sentence restating the lead gives way to one with new facts.
        best = max(fits, key=lambda c: relevance(c) * (novelty(c, said) if breadth else 1.0))
        rest.remove(best)
        _add(chosen, best, pool)
    return chosen


def novelty(c: Candidate, said: set[str]) -> float:
    """The share of a sentence's words not yet said."""
    return len(c.words - said) / max(1, len(c.words))


def _predecessor(c: Candidate, pool: list[Candidate]) -> Candidate | None:
    return _neighbour(c, pool, -1)


def _successor(c: Candidate, pool: list[Candidate]) -> Candidate | None:
    return _neighbour(c, pool, 1)


def _neighbour(c: Candidate, pool: list[Candidate], step: int) -> Candidate | None:
    for other in pool:
        if other.source is c.source and other.position == c.position + step:
            return other
    return None


def _cost(c: Candidate, chosen: list[Candidate], pool: list[Candidate]) -> int:
    """The sentences ``c`` takes: itself, the one it leans on, the one it announces."""
    taken = {x.key for x in chosen}
    before = _predecessor(c, pool) if _needs_context(c, pool) else None
    after = _successor(c, pool) if c.announces else None
    return 1 + sum(1 for x in (before, after) if x is not None and x.key not in taken)


def _continues(c: Candidate, lead: Candidate) -> bool:
    return c.dangling and c.source is lead.source and c.position == lead.position + 1


def _needs_context(c: Candidate, pool: list[Candidate]) -> bool:
    return c.dangling


def _add(chosen: list[Candidate], c: Candidate, pool: list[Candidate]) -> None:
    if c.dangling:
        before = _predecessor(c, pool)
        if before is None or before.dangling:
            if not chosen:  # nothing else to lead with: the event's own line gives the context
                chosen.append(c)
            return
        if before.key not in {x.key for x in chosen}:
            chosen.append(before)
    if c.announces:  # a topic sentence comes with what it announces, or not at all
        after = _successor(c, pool)
        if after is None:
            if chosen:
                return
        elif after.key not in {x.key for x in chosen}:
            chosen.extend([c, after])
            return
    chosen.append(c)


def _adds_something(c: Candidate, chosen: list[Candidate], relevance: Relevance) -> bool:
    said_words = set().union(*(x.words for x in chosen))
    said_facts = set().union(*(facts(x.text) for x in chosen))
    new_facts = facts(c.text) - said_facts
    if relevance.coverage(c.words | said_words) > relevance.coverage(said_words) + 1e-9:
        return True
    overlap = len(c.words & said_words) / max(1, len(c.words))
    # A new figure or name that is not a restatement, or a sentence that is mostly new content.
    return (bool(new_facts) and overlap < 0.8) or overlap < 0.5


def ordered(chosen: list[Candidate]) -> list[Candidate]:
    """The lead first (it answers in the question's type); then the rest grouped by source, each
    source's sentences in their own order, so the answer reads like the record, not like a ranking."""
    if not chosen:
        return []
    lead, rest = chosen[0], chosen[1:]
    sources_in_order: list[Source] = [lead.source]
    for c in rest:
        if c.source not in sources_in_order:
            sources_in_order.append(c.source)
    return [lead] + [c for s in sources_in_order for c in sorted((x for x in rest if x.source is s),
                                                                 key=lambda x: x.position)]


def claims_of(chosen: list[Candidate]) -> list[Claim]:
    return in_full([Claim(c.text, (c.source,)) for c in ordered(chosen)])


def in_full(claims: list[Claim]) -> list[Claim]:
    """Each person the answer names by surname alone is named in full the first time, from the cited
    events' actors ('Kishida becomes …' -> 'Fumio Kishida becomes …'): the answer says who, not which
    surname. A surname already after its given names, or before another name, is left as it is."""
    done: set[str] = set()
    out = []
    for claim in claims:
        text = claim.text
        for person in (a for s in claim.sources for a in s.actors if person_name(a) and a not in done):
            last = surname(person)
            given = person[:person.find(last)].strip()
            m = re.search(rf"\b{re.escape(last)}\b(?!\s+[A-Z])", text)
            if not given or not m:
                continue
            done.add(person)
            if not text[:m.start()].rstrip().endswith(given):
                text = f"{text[:m.start()]}{given} {text[m.start():]}"
        out.append(Claim(text, claim.sources))
    return out


def opens_with_reference(sentence: str) -> bool:
    """'This rule …', 'First, …': the sentence leans on the one before it."""
    return bool(_DANGLING.match(sentence))
