"""Which sentences of a source an answer took from it, so an opened card can mark them.

An extractive answer copies its sentences verbatim, so they are found exactly; a model's sentence
(or a lead sentence rephrased from an event's title) marks the source sentence sharing most words."""

from __future__ import annotations

import re

from core.text import MARKER, sentences, word_set

MIN_OVERLAP = 0.2  # below this a sentence shares too little with any source sentence to claim one


def _key(text: str) -> str:
    return " ".join(re.findall(r"\w+", MARKER.sub("", text).lower()))


def citing_sentences(answer_text: str, marker: str) -> list[str]:
    """The answer's sentences that cite ``marker`` ("[2]"), markers removed."""
    n = marker.strip("[]")
    return [" ".join(MARKER.sub("", s).split()).replace(" .", ".") for s in sentences(answer_text or "")
            if n in MARKER.findall(s)]


def _best(claim: str, candidates: list[str]) -> int | None:
    key = _key(claim)
    for i, c in enumerate(candidates):
        if _key(c) == key:
            return i
    words = word_set(claim)
    scores = [len(words & word_set(c)) / (len(words | word_set(c)) or 1) for c in candidates]
    best = max(range(len(candidates)), key=lambda i: scores[i], default=None)
    return best if best is not None and scores[best] >= MIN_OVERLAP else None


def used_sentences(text: str, claims: list[str]) -> list[list[tuple[str, bool]]]:
    """``text`` as paragraphs of (sentence, used) pairs: each claim marks its one matching sentence."""
    paragraphs = [sentences(p) for p in (text or "").split("\n\n") if p.strip()]
    flat = [s for p in paragraphs for s in p]
    used = {i for i in (_best(c, flat) for c in claims) if i is not None}
    out, k = [], 0
    for p in paragraphs:
        out.append([(s, k + j in used) for j, s in enumerate(p)])
        k += len(p)
    return out
