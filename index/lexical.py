"""The lexical side of the index: a BM25 index built with each build and saved beside it, so a server
starts without re-indexing, and the word counts of the scope check; both use ``core.text.tokens``."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from core.text import tokens


# A hyphenated word with a capital or a digit in it is a compound of names ('Japan-US-Philippines',
# 'Abukuma-class', 'C-130H'): it names each of its parts.
_NAME_COMPOUND = re.compile(r"[A-Za-z0-9.]*[A-Z0-9][A-Za-z0-9.]*(?:-[A-Za-z0-9.]+)+|"
                            r"[A-Za-z0-9.]+(?:-[A-Za-z0-9.]+)*-[A-Za-z.]*[A-Z0-9][A-Za-z0-9.]*")


def item_words(title: str, text: str, actors: Iterable[str]) -> set[str]:
    """The words of one document as the scope check counts them (title, text and actors): its words, and
    the parts of its compounds of names, but not the parts of a common compound, which is a word of its
    own: 'live-fire' drills do not say that anyone lives anywhere."""
    text = f"{title} {text} {' '.join(actors)}"
    return set(tokens(text)) | {p for m in _NAME_COMPOUND.finditer(text) for w in tokens(m.group(0))
                                for p in w.split("-") if p}


def document_frequency(items: Iterable[set[str]]) -> dict[str, int]:
    """How many items each word occurs in."""
    counts: Counter = Counter()
    for words in items:
        counts.update(words)
    return dict(counts)


class LexicalIndex:
    """BM25 (bm25s) over a list of texts, in the order given: score ``i`` belongs to text ``i``."""

    def __init__(self, bm25):
        self._bm25 = bm25
        self.vocabulary = frozenset(bm25.vocab_dict)

    @classmethod
    def build(cls, texts: list[str]) -> "LexicalIndex":
        import bm25s

        bm25 = bm25s.BM25()
        bm25.index([tokens(t) or ["_"] for t in texts], show_progress=False)
        return cls(bm25)

    def save(self, directory: Path) -> None:
        self._bm25.save(str(directory), show_progress=False)

    @classmethod
    def load(cls, directory: Path) -> "LexicalIndex":
        import bm25s

        return cls(bm25s.BM25.load(str(directory), mmap=True, show_progress=False))

    def scores(self, query: str) -> np.ndarray | None:
        """BM25 score of every text for the query; None when no query word occurs in any text."""
        query_tokens = [t for t in tokens(query) if t in self.vocabulary]
        return np.asarray(self._bm25.get_scores(query_tokens)) if query_tokens else None
