"""The lexical side of the index: one tokenizer (for BM25 and for word matching in answers) and a
BM25 index that is built with each build and saved beside it, so a server starts without re-indexing."""

from __future__ import annotations

import functools
import hashlib
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import Stemmer

STOPWORDS = frozenset(
    """a an and are as at be been being but by did do does doing for from had has have how i in into is it its
    me my of on or so than that the their them then there these they this those to was were what when where which
    who whom why will with would you your about after before during between since until also any all can could
    should tell please give list show much many more most over under up down out our we us actually really right
    mostly exactly just kind sort see say says said one ones thing things""".split()
)

_TOKEN = re.compile(r"[a-z0-9]+(?:[.-][a-z0-9]+)*")
_CONTRACTION = re.compile(r"n't\b|'s\b|'re\b|'ve\b|'ll\b|'d\b")
_STEMMER_LANGUAGE = "english"
_STEMMER = Stemmer.Stemmer(_STEMMER_LANGUAGE)

# A saved BM25 index is only valid for the tokenizer that made it: any change to the rules above
# changes this fingerprint, and a saved index with another one is rebuilt instead of loaded.
TOKENIZER_FINGERPRINT = hashlib.sha1("|".join(
    [_TOKEN.pattern, _CONTRACTION.pattern, _STEMMER_LANGUAGE, *sorted(STOPWORDS)]).encode()).hexdigest()[:12]


@functools.lru_cache(maxsize=1 << 18)  # a bound on memory for user text; 5x the 100k benchmark's vocabulary
def stem(token: str) -> str:
    """Snowball (Porter 2): 'signed', 'signing' and 'sign' meet; numbers and ids pass through."""
    return token if any(c.isdigit() for c in token) else _STEMMER.stemWord(token)


def tokens(text: str, *, keep_stopwords: bool = False) -> list[str]:
    """Stemmed lower-case words; contractions ("didn't", "Japan's") lose their clitic."""
    words = _TOKEN.findall(_CONTRACTION.sub(" ", text.lower().replace("’", "'")))
    return [stem(w) for w in words if keep_stopwords or w not in STOPWORDS]


def word_set(text: str) -> set[str]:
    """The text's words, hyphenated ones also as their parts ('japan-us-philippines' -> 'japan', …)."""
    found = set(tokens(text))
    return found | {p for w in found for p in w.split("-") if p}


def item_words(title: str, text: str, actors: Iterable[str]) -> set[str]:
    """The words of one document as the scope check counts them: title, text and actors."""
    return word_set(f"{title} {text} {' '.join(actors)}")


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
