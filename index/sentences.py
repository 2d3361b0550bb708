"""Sentence splitting, shared by the index (sentence vectors) and the answerers (citable sentences)."""

from __future__ import annotations

import re

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]?\s+(?=[A-Z0-9\"'(\[])")
# Abbreviations that end in a period but do not end a sentence.
_ABBREVIATIONS = ("U.S.", "Jr.", "Sr.", "Dr.", "Mr.", "Ms.", "No.", "St.", "Gen.", "Adm.", "Lt.", "Col.", "Sec.",
                  "p.", "pp.", "approx.", "e.g.", "i.e.", "vs.", "Co.", "Ltd.", "Inc.", "Corp.")


_PROTECT = [(i, re.compile(r"(?<![\w.])" + re.escape(a))) for i, a in enumerate(_ABBREVIATIONS)]
_INITIAL = re.compile(r"(?<![\w.])([A-Z])\.(?=\s+[A-Z])")  # "Victor D. Cha": an initial, not a sentence end


def sentences(text: str) -> list[str]:
    protected = text
    for i, pattern in _PROTECT:  # whole words only: "relationship." does not end in the abbreviation "p."
        protected = pattern.sub(f"\x00{i}\x00", protected)
    protected = _INITIAL.sub("\\1\x01", protected)
    parts = _SENTENCE_END.split(" ".join(protected.split()))
    restored = []
    for part in parts:
        for i, abbr in enumerate(_ABBREVIATIONS):
            part = part.replace(f"\x00{i}\x00", abbr)
        part = part.replace("\x01", ".")
        if part.strip():
            restored.append(part.strip())
    return restored
