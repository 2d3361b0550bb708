"""Is a question within the study? Decided by whether the question's specific content — the names,
rare words, numbers and units that make it this question and not another — is supported by the best
evidence, not by a similarity threshold fitted to a question list.

- A name the corpus never uses (another country, a person, an event) puts the question outside.
- A question with a word the corpus never uses ('tourists', 'GDP') is outside unless the best evidence
  holds at least half of its content, each word weighted by its rarity in the corpus: 'Japan' weighs
  little, 'warheads' a lot, and a word the corpus never uses the most. A question made only of words
  the corpus uses is a question about the study phrased in its terms, and is answered if the evidence
  holds any of it.
- Misspellings are read as the corpus word they are one or two letters from.
- The thing asked for — the words right after 'how many', 'which', 'what's the', 'do you have the'
  ('how many *seats*', 'which Japanese *shipyard*', "Tubbataha's *pennant* number", 'how old': an *age*) —
  must be in the best evidence, unless it is only a measure or a kind of person ('how much *money*', 'which *people*'), which
  any figure or name answers.
- A statement or an agreement is on record where the speaker is reported saying, agreeing or reacting, not
  merely present.
- An edition of a named series ('KAMANDAG 8') must itself be on record, not just the series.
- Who won a contest, and by how many votes or seats, is on record only where the record gives that result.
- Who wrote, published or funded the study, how long it is and how its research was done (interviews,
  sources) are on record only where the material says.
- The value asked for — a sum of money ('how much money for the corridor', in the currency asked, for one
  unit if asked for one), a count ('how many helicopters', 'how many *US* Marines': that side's own; 'all
  countries combined': not one contingent's), how long something lasted, a time of day, a vote's tally or
  seats, who held a role ('who captained …', for the side asked), a building, a percentage, a public's
  opinion (a poll), what a force has ('how many ships does … operate') — is on record only where a
  sentence states one of that kind about what the question names, of the occasion it asks about: an
  event, or a chapter's sentence, of another year or another edition ('KAMANDAG 9') does not state it
  (``assistant.asked_value``); so is a speed, a range or a weight, in its units (``assistant.asked_measure``).
- A date asked is on record where an event is about what the question names (its title and opening, not a
  passing mention) or a chapter sentence names it with a year, not only for comparison ('after Australia');
  a yes/no question about a year after the record ends is outside it (``assistant.asked_date``).
- Everyday words are read as the record's ('choppers', 'GIs'), figures with units and codes as written
  there ('97m', 'TC90s'), and 'how big' asks for a size, which is not content.
- A person's schooling, family, birth or earlier career is on record only where a sentence gives it.
- These checks are registered in ``assistant.record_checks``.
- Japan and another country asked about as a pair ('the first Japan-Indonesia 2+2') must be on record
  together, not with the other country named only as a comparison.
- A state beside the story's four sides ('what radar did Japan give *Malaysia*') must be named somewhere in
  the record with something else the question asks about, and not only in a list of such states.
- The Nth of a series the record numbers ('the *7th* Political-Military meeting', when it names the 8th)
  must be on record as the Nth, or the record must hold N of the series; the edition before or after a
  named one ('before the 5-25 edition') must be on record on that side.
- A common compound is one word: 'live-fire' drills do not hold 'live' ('how many Filipinos *live* in
  Japan'); a compound of names names its parts ('Japan-US-Philippines': the US).
- Values a yes/no question asserts ('signed in 1999, right?') are claims to check, not content to
  find: they never cause a refusal.
- What someone said about something ('What did Ishiba say about Taiwan?') is recorded with the speaker
  and the subject together: one of the best items must name both.
- The record ends on a date: a question about what *will* happen is outside it, unless it asks for the
  study's own view of the future or for a sum over what is recorded ('once they arrive, how many …')."""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Sequence

from assistant.on_record import asking
from assistant.publication import unrecorded_publication
from assistant.record_checks import BEST_ITEMS_CHECKS, WHOLE_RECORD_CHECKS
from assistant.parse import ABOUT_STUDY, GENERIC, PARTICIPLE, VERB_WORDS, ParsedQuestion, named_things
from assistant.query import GLOSSARY, acronym
from assistant.retrieval import RetrievalFilters
from core.model import Source
from core.text import NUMBER_WORDS, STOPWORDS, stem, tokens
from index.lexical import item_words

SUPPORTED_SHARE = 0.5  # the evidence must hold the greater part of what the question is about
EVIDENCE_ITEMS = 3  # the best items: an answer is built from them
COMMON_SHARE = 10  # a general term: used by at least one document in ten

# What a 'how much / which …' question may ask for that any figure, date or name in the evidence answers.
_MEASURES = frozenset(tokens(
    "money amount total sum number figure count size value cost worth people person persons scholar scholars "
    "author authors academic academics researcher researchers analyst analysts expert experts "
    "officials individuals names date dates year years time times city cities place places venue venues location "
    "locations building site country countries edition editions round rounds session sessions iteration "
    "iterations instance instances occasion occasions month months day days week weeks company companies firm "
    "firms organisation organization organisations organizations shipyard shipyards shipbuilder shipbuilders builder "
    "builders maker makers manufacturer manufacturers contractor contractors supplier suppliers "
    "ship ships vessel vessels warship warships boat boats "  # any hull name answers 'which warship'
    "envoy envoys diplomat diplomats ambassador ambassadors representative representatives "  # any name answers
    "outlet outlets newspaper newspapers "  # 'which Chinese *outlet* …': the paper's name answers
    "weight emphasis importance attention stress",  # 'how much weight does Tokyo give …': a degree
    keep_stopwords=True))
_WH_PHRASE = re.compile(r"^\s*(?:and\s+)?(?:(?:in|at|on|from|to|for|with|by|during|under) (?=which|what))?"
                        r"(?:how (?:many|much)|which|whose|"
                        r"what(?:'s|s| (?:is|was|are|were))?(?: the| a| an)?|"
                        r"(?:do you have|can you (?:give|tell|share)(?: me| us)?|give me|tell me)(?: the| a| an| any)?)\s+",
                        re.I)  # a request names what it asks for as a question does: 'do you have the *coordinates*
# Everyday words for what the record names formally: 'choppers' are helicopters, 'GIs' US troops.
_EVERYDAY = {tokens(word)[0]: tokens(formal)[0] for word, formal in (
    ("choppers", "helicopters"), ("planes", "aircraft"), ("jets", "aircraft"), ("GIs", "troops"),
    ("guardsmen", "personnel"), ("servicemen", "personnel"), ("spokesman", "spokesperson"),
    ("spokeswoman", "spokesperson"), ("Aussies", "Australians"))}
_MEASURED = re.compile(r"(\d+(?:\.\d+)?)(?:m|km|nm|t|kg|mm)")  # a figure with its unit written on: '97m'
_INFLECTED = re.compile(r"\b[a-z]+(?:ed|ing)\b")  # a verb's past or present participle, as the asker wrote it
_HEAD_LETTERS = 4  # a shorter ending is a suffix, not a word ('-ion', '-ing')
_HOW_OLD = re.compile(r"\bhow old\b", re.I)
_HOW_BIG = re.compile(r"(?<=\bhow) (?:big|large)\b", re.I)  # asks for a size, which any figure answers: not content
_FOCUS_WORDS = 3  # a focus is a short noun phrase: 'unit price', 'Japanese shipyard', 'Australian troops'
_NUMBER_WORDS = frozenset(tokens(" ".join((*NUMBER_WORDS, "dozen")), keep_stopwords=True))  # stemmed, as focus words are
_DETERMINERS = frozenset("the a an its their his her this that these those".split())
_ORDINAL_TOKEN = re.compile(r"^\d+(?:st|nd|rd|th)$")
# 'will', 'going to' before a verb (not 'going to Manila', 'going to the Philippines'), 'is … due / expected to
# arrive', 'when is the next …', 'is she going … next year'
_FUTURE = re.compile(r"\b(?:[Ww]ill|[Ww]on't)\b(?! of\b)|\bgoing to (?!(?:the|a|an|his|her|their|its)\b)[a-z]|"
                     r"\b(?:is|are)\b[^?.,;]*\b(?:due|scheduled|slated|expected|set|planned) to (?!the\b|an?\b)[a-z]|"
                     r"\b[Ww]hen (?:is|are) the next\b|\b(?:is|are)\b[^?]*\bnext (?:year|month|week)\b")
_CONDITION = re.compile(r"\b(?:once|if|assuming|after)\b", re.I)


def _long_forms(text: str) -> str:
    """Acronyms replaced by the long form the corpus also uses ('MRRVs' -> 'multi-role response vessel')."""
    for short, long in GLOSSARY.items():
        text = re.sub(acronym(short), long, text)
    return text


class Scope:
    """The corpus vocabulary with each word's document frequency (``index.lexical.item_words`` of each
    served document, counted at build time and saved in the serving snapshot)."""

    def __init__(self, doc_freq: dict[str, int], n_documents: int, record: Sequence[Source] = ()):
        self.doc_freq = doc_freq
        self.record = record  # every served item, for what only the whole record can show
        self.n = n_documents or 1
        self._vocab = sorted(self.doc_freq)
        self._joined = {w.replace("-", ""): w for w in self.doc_freq if "-" in w and any(c.isdigit() for c in w)}

    def known(self, word: str) -> str | None:
        """The corpus form of a word: itself, or the word it is a small misspelling of."""
        if word in self.doc_freq:
            return word
        if "-" in word and all(self.known(stem(p)) for p in word.split("-") if p):
            return word.split("-")[-1]  # 'koizumi-teodoro', 'macro-level': known parts
        if word in _EVERYDAY:
            return _EVERYDAY[word]
        if m := _MEASURED.fullmatch(word):
            return self.known(m.group(1))  # '97m' is the 97-metre ships' 97
        if joined := self._joined.get(word) or self._joined.get(word.removesuffix("s")):
            return joined  # 'TC90s' is the corpus's 'TC-90'
        if len(word) < 5 or any(c.isdigit() for c in word):
            return None
        close = difflib.get_close_matches(word, self._vocab, n=1, cutoff=0.84 if len(word) < 8 else 0.8)
        return close[0] if close else None

    def common(self, word: str) -> bool:
        """A word in at least a tenth of the corpus ('ships', 'projects', 'meetings') is one of the study's
        general terms: the best three items not using it says nothing about whether the study answers."""
        known = self.known(word)
        return bool(known) and self.doc_freq.get(known, 0) * COMMON_SHARE >= self.n

    def weight(self, word: str | None) -> float:
        return math.log(1 + self.n / (1 + (self.doc_freq.get(word, 0) if word else 0)))

    def content(self, parsed: ParsedQuestion) -> list[str]:
        """The question's specific words (acronyms read through their long form), up to its last asking
        sentence: what comes before sets the subject, a remark after it ('I'm not sure it's solid') asks
        for nothing."""
        text = _HOW_BIG.sub("", _long_forms(asking(parsed.text)))
        claimed = set(parsed.claimed)
        return [w for w in dict.fromkeys(tokens(text))
                if not _generic(w) and w not in claimed and not _ORDINAL_TOKEN.match(w)]

    def asked_for(self, parsed: ParsedQuestion) -> list[str]:
        """The words naming what the question asks for ('how many *seats*'): the short noun phrase
        after the question word, up to its verb or preposition."""
        text = parsed.original if not parsed.rewritten else parsed.text
        if _HOW_OLD.search(text):
            return ["age"]  # an age: 'aged 63', which the record gives for no one
        m = _WH_PHRASE.search(text)
        if not m:
            return []
        phrase: list[str] = []
        words = re.findall(r"[\w'+-]+", text[m.end():])
        for n, word in enumerate(words):
            stem = tokens(word)
            if not stem or word.lower() in VERB_WORDS or word.lower() in STOPWORDS or len(phrase) == _FOCUS_WORDS:
                break
            if n and ((n + 1 < len(words) and words[n + 1].lower() in _DETERMINERS) or PARTICIPLE.search(word)):
                break  # 'which company *won the* contract', 'the project *carried* out': the verb
            phrase = [] if word.endswith("'s") else phrase + [word]  # "Tubbataha's *pennant number*"
        # A hyphenated modifier describes the thing ('defence-minister-level *contact*'); the rest names it.
        focus = [t for i, word in enumerate(phrase) if "-" not in word or i == len(phrase) - 1
                 for t in tokens(_long_forms(word))]
        return [w for w in focus if w not in GENERIC and w not in _MEASURES and w not in _NUMBER_WORDS
                and not _ORDINAL_TOKEN.match(w) and not w.isdigit()]

    def unknown_names(self, parsed: ParsedQuestion) -> list[str]:
        """Names in the question that the corpus never uses, misspellings aside."""
        out = []
        for name in named_things(parsed.text):
            if name in parsed.claimed or name.rstrip("s") in GLOSSARY or not re.fullmatch(r"[A-Za-z][A-Za-z'-]{2,}", name):
                continue  # figures, '2+2', 'WW2', 'P-3C', acronyms read through the glossary: not names
            words = [w for w in tokens(name) if not _generic(w)]
            if words and not all(self.known(w) for w in words):
                out.append(name)
        return out

    @staticmethod
    def _words(evidence: list[Source]) -> set[str]:
        return set().union(*(item_words(s.title, s.text, s.actors) for s in evidence))

    def supported_share(self, parsed: ParsedQuestion, evidence: list[Source]) -> float:
        words = self.content(parsed)
        if not words:
            return 1.0
        found = self._words(evidence)
        total = held = 0.0
        for w in words:
            known = self.known(w)
            weight = self.weight(known)
            total += weight
            held += weight if known and known in found else 0.0
        return held / total if total else 1.0

    def refuses(self, parsed: ParsedQuestion, filters: RetrievalFilters, retrieved: list[Source],
                floor: float) -> bool:
        """A list over a period is answered from the timeline's events in it, whatever words retrieval
        matched, unless it names something the corpus never mentions or lists a kind of thing it never
        mentions ('which *elections* …'; not 'what happened on the defence *front* in 2025'). A question
        about the study's own argument is inside unless it names something the corpus never mentions or asks
        what the material does not record about the study as a publication (its makers, its length): its
        other words, the thing it asks for among them, are the asker's paraphrase of the study's concepts,
        so neither a similarity floor nor the asked-for check applies to it (each refused answerable
        questions of unseen writers: the floor 2 on test, the asked-for check 4 and 3 on the holdouts). Any
        other question must be supported by its best evidence (:meth:`outside`)."""
        if parsed.answer_type in ("list", "range") and (filters.has_time or parsed.answer_type == "range"):
            return bool(self.unknown_names(parsed) or set(self.unknown_words(parsed)) & set(self.asked_for(parsed)))
        if ABOUT_STUDY.search(parsed.text):  # the study's own argument, asked in the asker's words
            return bool(self.unknown_names(parsed)) or unrecorded_publication(parsed, retrieved)
        return (self.outside(parsed, retrieved, floor) or _asks_future(parsed)
                or any(unrecorded(parsed, retrieved) for unrecorded in BEST_ITEMS_CHECKS)
                or any(unrecorded(parsed, self.record) for unrecorded in WHOLE_RECORD_CHECKS))

    def outside(self, parsed: ParsedQuestion, retrieved: list[Source], floor: float = 0.0) -> bool:
        """``floor``: the best dense similarity below which nothing retrieved is about the question at
        all (``Settings.refusal_threshold``)."""
        if not retrieved or max(s.similarity for s in retrieved) < floor:
            return True
        if self.unknown_names(parsed):
            return True
        if self.missing_asked_for(parsed, retrieved):
            return True
        evidence = retrieved[:EVIDENCE_ITEMS]
        share = self.supported_share(parsed, evidence)
        return share == 0.0 or (bool(self.unknown_words(parsed)) and share < SUPPORTED_SHARE)

    def missing_asked_for(self, parsed: ParsedQuestion, retrieved: list[Source]) -> bool:
        """The thing asked for ('how many *pages*') is named by none of the best items."""
        found = self._words(retrieved[:EVIDENCE_ITEMS])
        return any(not _held(self.known(w) or w, found) and not _held(_EVERYDAY.get(w, w), found) and not self.common(w)
                   for w in self.asked_for(parsed))  # 'how many *planes*': the record counts aircraft

    def unknown_words(self, parsed: ParsedQuestion) -> list[str]:
        """Content words the corpus never uses, misspellings aside ('tourists', 'GDP'). A verb the asker
        inflects ('who *swapped* the notes', 'it got *scaled* back') is their wording of an action on
        things the question names otherwise: it weighs in the share of content held, but is no topic of its
        own (on every tuning set it was in 4 answerable questions and no unanswerable one refused for it)."""
        inflected = {t for w in _INFLECTED.findall(parsed.text) for t in tokens(w)}
        return [w for w in self.content(parsed) if not self.known(w) and w not in _MEASURES and w not in inflected]


def _generic(word: str) -> bool:
    """A word any question about the study may use, or a compound of them ('Japan-PH')."""
    return word in GENERIC or all(part in GENERIC for part in word.split("-"))


def _held(word: str, found: set[str]) -> bool:
    """``word`` or its head is in ``found``: a compound names a kind of its head ('warship', 'ship')."""
    return word in found or any(len(f) >= _HEAD_LETTERS and word.endswith(f) for f in found)


def _asks_future(parsed: ParsedQuestion) -> bool:
    text = asking(parsed.text)
    return bool(_FUTURE.search(text)) and not _CONDITION.search(text)


def outside_record(events: list[Source], filters: RetrievalFilters) -> bool:
    """A question about a period the record does not reach (e.g. 2026 when it ends in 2025); ``events``
    in date order."""
    if not events or (filters.year_from is None and filters.year_to is None):
        return False
    first, last = int(events[0].date[:4]), int(events[-1].date[:4])
    return (filters.year_from or first) > last or (filters.year_to or last) < first
