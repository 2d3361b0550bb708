"""Small text utilities shared by retrieval and answering: tokens, sentences, dates and numbers."""

from __future__ import annotations

import re

from index.records import MONTHS, format_date  # noqa: F401  (re-exported: one home for month names and dates)
from index.lexical import STOPWORDS, stem, tokens, word_set  # noqa: F401  (re-exported: one tokenizer for BM25 and answers)
from index.sentences import sentences  # noqa: F401  (re-exported: one splitter for index and answers)

MONTH_NAMES = tuple(m.lower() for m in MONTHS)
NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
                "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty")


_NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?![\w])")


def numbers(text: str) -> set[str]:
    """Numbers as written (commas removed), e.g. {'1180', '16.5', '2024'}."""
    return {m.group(1).replace(",", "") for m in _NUMBER.finditer(text)}
