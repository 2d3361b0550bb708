"""'What was the first / latest X?': the earliest (or latest) timeline event that *is* an X, found
over the whole timeline, not merely the earliest of what retrieval happened to return. 'Under'
an agreement means once it applies: 'the first exercise under the RAA' is the earliest exercise
after the RAA entered into force."""

from __future__ import annotations

import math
import re
from dataclasses import replace

from assistant.compose import candidates
from assistant.handlers import Context, Draft, register_handler
from assistant.handlers.facts import answer_from
from assistant.parse import QuestionPart, content_words
from assistant.query import expand
from core.text import tokens, word_set
from core.model import Source

# An event is an X when it is about as much about X as the best match: a mention in passing scores
# half (text, not title), so three quarters of the best keeps the events that are X in their title.
NEAR_BEST = 0.75
KIN = 3  # the search's best three (dev: 3 and 5 give the same answers)
FIRST_SENTENCES = 3  # the event's dated line and the details that say what it was
_UNDER = re.compile(r"\bunder (?:the )?(.+?)(?=[?,.;]|\s+(?:and|in|with|between)\b|$)", re.I)
_ORDINAL_WORDS = frozenset(tokens("first earliest initial inaugural latest recent last newest final most ever", keep_stopwords=True))


def _subject(text: str, *, drop: str = "") -> list[str]:
    dropped = set(tokens(drop))
    return [w for w in content_words(text) if w not in _ORDINAL_WORDS and w not in dropped]


def matching_events(ctx: Context, events: list[Source], subject: list[str]) -> list[Source]:
    """The events that are most about the subject: the highest rarity-weighted share of its words
    in title and summary (an event that only mentions the word in passing scores lower)."""
    if not events or not subject:
        return events  # 'the earliest event in the timeline'
    words = {e.ref: (word_set(expand(e.title)), word_set(expand(f"{e.text} {' '.join(e.actors)}")))
             for e in events}
    subject = [p for w in subject for p in (w, *w.split("-")) if p]
    df = {w: sum(w in t or w in x for t, x in words.values()) for w in subject}
    weight = {w: math.log(1 + len(events) / (1 + df[w])) for w in subject if df[w]}
    if not weight:  # nothing the events name ('the earliest event in the timeline'): all of them
        return events

    def score(e: Source) -> float:  # what an event is (its title) counts twice what it mentions
        title, text = words[e.ref]
        return sum(v * (1.0 if w in title else 0.5 if w in text else 0.0) for w, v in weight.items())

    scores = {e.ref: score(e) for e in events}
    best = max(scores.values())
    return [e for e in events if best > 0 and scores[e.ref] >= best * NEAR_BEST]


def kin_by_meaning(ctx: Context, text: str, filters) -> list[Source]:
    """The events a search for the subject (its ordinal words left out) ranks highest: an X named in
    other words than the question's ('four defense chiefs meet' for 'four-way defense ministers' meeting')."""
    subject = " ".join(w for w in re.findall(r"[\w'+-]+", text) if tokens(w) and tokens(w)[0] not in _ORDINAL_WORDS)
    return [s for s in ctx.search(subject, filters, top_k=KIN)[:KIN] if s.kind == "event"] if subject else []


@register_handler("first-latest")
def first_latest(ctx: Context, part: QuestionPart) -> Draft:
    latest = part.text and not re.search(r"\b(first|earliest|initial|inaugural)\b", part.text, re.I)
    # Kind words in the question ('meeting', 'exercise') are matched against the events themselves, not
    # used as a category filter: 'four-way defense ministers' meeting' is a multilateral event.
    filters = replace(ctx.filters, kinds=("event",))
    under = _UNDER.search(part.text)
    subject_text = part.text
    if under:
        anchor = ctx.resolve_event(f"{under.group(1)} entered into force") or ctx.resolve_event(under.group(1))
        if anchor and anchor.date:
            filters = replace(filters, after=max(filter(None, (filters.after, anchor.date))))
            subject_text = part.text[: under.start()]
    events = matching_events(ctx, ctx.timeline(filters), _subject(subject_text))
    if latest:  # the record calls the first of a kind 'First …'; later ones go by other words
        events += [e for e in kin_by_meaning(ctx, subject_text, filters) if e not in events]
    if not events:
        return answer_from(ctx, part, ctx.retrieved, budget=FIRST_SENTENCES)
    chosen = max(events, key=lambda e: (e.date or "", e.ref)) if latest else min(events, key=lambda e: (e.date or "", e.ref))
    sources = [chosen] + [s for s in ctx.retrieved if s.ref != chosen.ref]
    told = candidates([chosen])  # the event told whole: its dated line and every sentence of its summary
    lead = next(c for c in told if c.position == -1)
    return answer_from(ctx, part, sources, budget=len(told), lead=lead,
                       pool_filter=lambda c: c.source.ref == chosen.ref, any_likeness=True)
