"""Small text utilities shared by retrieval and answering: tokens, sentences, dates and numbers."""

from __future__ import annotations

import re

import Stemmer

from index.records import MONTHS, format_date  # noqa: F401  (re-exported: one home for month names and dates)
from index.sentences import sentences  # noqa: F401  (re-exported: one splitter for index and answers)

MONTH_NAMES = tuple(m.lower() for m in MONTHS)
NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
                "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty")

STOPWORDS = frozenset(
    """a an and are as at be been being but by did do does doing for from had has have how i in into is it its
    me my of on or so than that the their them then there these they this those to was were what when where which
    who whom why will with would you your about after before during between since until also any all can could
    should tell please give list show much many more most over under up down out our we us actually really right
    mostly exactly just kind sort see say says said one ones thing things""".split()
)

_TOKEN = re.compile(r"[a-z0-9]+(?:[.-][a-z0-9]+)*")


_STEMMER = Stemmer.Stemmer("english")


def stem(token: str) -> str:
    """Snowball (Porter 2): 'signed', 'signing' and 'sign' meet; numbers and ids pass through."""
    return token if any(c.isdigit() for c in token) else _STEMMER.stemWord(token)


_CONTRACTION = re.compile(r"n't\b|'s\b|'re\b|'ve\b|'ll\b|'d\b")


def tokens(text: str, *, keep_stopwords: bool = False) -> list[str]:
    """Stemmed lower-case words; contractions ("didn't", "Japan's") lose their clitic."""
    words = _TOKEN.findall(_CONTRACTION.sub(" ", text.lower().replace("’", "'")))
    return [stem(w) for w in words if keep_stopwords or w not in STOPWORDS]


def word_set(text: str) -> set[str]:
    """The text's words, hyphenated ones also as their parts ('japan-us-philippines' -> 'japan', …)."""
    found = set(tokens(text))
    return found | {p for w in found for p in w.split("-") if p}


_NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?![\w])")


def numbers(text: str) -> set[str]:
    """Numbers as written (commas removed), e.g. {'1180', '16.5', '2024'}."""
    return {m.group(1).replace(",", "") for m in _NUMBER.finditer(text)}
