"""Small text utilities shared by the index, retrieval, answering and evals: tokens, sentences, numbers,
citation markers and the corpus's event tags. Dates and month names are in ``core.dates``."""

from __future__ import annotations

import functools
import hashlib
import re

import Stemmer

NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
                "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty")

ORDINAL_WORDS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
                 "eleventh", "twelfth")
ORDINAL = re.compile(rf"\b({'|'.join(ORDINAL_WORDS)}|\d{{1,3}}(?:st|nd|rd|th))\b", re.I)  # 'second', '8th'


def ordinal_number(word: str) -> int:
    """The number an ordinal (``ORDINAL``'s match) names: 'second' -> 2, '8th' -> 8."""
    word = word.lower()
    return ORDINAL_WORDS.index(word) + 1 if word in ORDINAL_WORDS else int(word[:-2])


# Words a question quotes ('that "Taiwan today may be Japan tomorrow"', or in single quotes after a space).
QUOTATION = re.compile(r"[\"“]([^\"”]*)[\"”]|(?:^|\s)'([^']+)'")

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

# A saved BM25 index (``index.serving``) is valid only for the tokenizer that made it: any change to the
# rules here changes this fingerprint, and a saved index with another one is rebuilt instead of loaded.
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


_NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?![\w])")


def numbers(text: str) -> set[str]:
    """Numbers as written (commas removed), e.g. {'1180', '16.5', '2024'}."""
    return {m.group(1).replace(",", "") for m in _NUMBER.finditer(text)}


# --- sentences: one splitter for the index (sentence vectors) and the answerers (citable sentences) ---
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]?\s+(?=[A-Z0-9\"'(\[])")
# Abbreviations that end in a period but do not end a sentence.
_ABBREVIATIONS = ("U.S.", "Jr.", "Sr.", "Dr.", "Mr.", "Ms.", "No.", "St.", "Gen.", "Adm.", "Lt.", "Col.", "Sec.",
                  "p.", "pp.", "approx.", "e.g.", "i.e.", "vs.", "Co.", "Ltd.", "Inc.", "Corp.",
                  "Ma.")  # 'Ma. Theresa Lazaro': Maria, as she writes it


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


# --- citation markers: the one format, "[3]" ---------------------------------------------------
MARKER = re.compile(r"\[(\d{1,3})\]")
ESCAPED_MARKER = re.compile(r"\\\[(\d{1,3})\\\]")  # a marker after Markdown escaping: "\[3\]"


def marker(n: int) -> str:
    return f"[{n}]"


# --- event tags: chapter paragraphs name the timeline events they draw on as "[events: id-a, id-b]" ---
EVENT_REF = re.compile(r"\[events?:\s*([^\]]*)\]")


def event_refs(text: str) -> tuple[str, ...]:
    return tuple(e.strip() for m in EVENT_REF.finditer(text) for e in m.group(1).split(",") if e.strip())


def strip_event_refs(text: str) -> str:
    return re.sub(r"[ \t]*" + EVENT_REF.pattern, "", text).strip()
