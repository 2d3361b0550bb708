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
- The thing asked for — the words right after 'how many', 'which', 'what's the' ('how many *seats*',
  'which Japanese *shipyard*', "Tubbataha's *pennant* number", 'how old': an *age*) — must be in the best
  evidence, unless it is only a measure or a kind of person ('how much *money*', 'which *people*'), which
  any figure or name answers.
- A statement is on record where the speaker is reported saying or reacting, not merely present.
- An edition of a named series ('KAMANDAG 8') must itself be on record, not just the series.
- Who won a contest, and by how many votes or seats, is on record only where the record gives that result.
- Who wrote, published or funded the study, and how long it is, are on record only where the material says.
- Japan and another country asked about as a pair ('the first Japan-Indonesia 2+2') must be on record
  together, not with the other country named only as a comparison.
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

from assistant.parse import ABOUT_STUDY, HOSTS, PARTIES, QUESTION_VOCABULARY, SIDES, ParsedQuestion, named_things
from assistant.query import GLOSSARY, acronym
from assistant.retrieval import RetrievalFilters
from core.model import Source
from core.dates import MONTH_NAMES, YEAR
from core.text import NUMBER_WORDS, STOPWORDS, sentences, stem, tokens
from index.lexical import item_words

SUPPORTED_SHARE = 0.5  # the evidence must hold the greater part of what the question is about
EVIDENCE_ITEMS = 3  # the best items: an answer is built from them
COMMON_SHARE = 10  # a general term: used by at least one document in ten

# Words any question about the study may use without them being its specific content.
_GENERIC = QUESTION_VOCABULARY | PARTIES | frozenset(tokens(
    "study report chapter title author book paper publication argue role part relation relations relationship "
    "cooperation defense defence country countries two both side sides people person persons new old first latest "
    "last recent earliest earlier later previous former next most inaugural maiden initial", keep_stopwords=True))
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
    "weight emphasis importance attention stress",  # 'how much weight does the study put on …': a degree
    keep_stopwords=True))
_WH_PHRASE = re.compile(r"^\s*(?:and\s+)?(?:how (?:many|much)|which|whose|"
                        r"what(?:'s|s| (?:is|was|are|were))?(?: the| a| an)?)\s+", re.I)
_HEAD_LETTERS = 4  # a shorter ending is a suffix, not a word ('-ion', '-ing')
_HOW_OLD = re.compile(r"\bhow old\b", re.I)
_FOCUS_WORDS = 3  # a focus is a short noun phrase: 'unit price', 'Japanese shipyard', 'Australian troops'
# Verbs as written, not stemmed: in 'what call *sign*' the word is a noun.
_VERBS = frozenset("take took taken join joined joins live lived lives go went come came make made get got build built "
                   "send sent signed hold held happen happened become became serve served sat sit".split())
_PARTICIPLE = re.compile(r"..[^e]ed$", re.I)  # 'carried', 'signed'; not 'need', 'speed', 'agreed'
_NUMBER_WORDS = frozenset(tokens(" ".join((*NUMBER_WORDS, "dozen")), keep_stopwords=True))  # stemmed, as focus words are
_DETERMINERS = frozenset("the a an its their his her this that these those".split())
_ORDINAL_TOKEN = re.compile(r"^\d+(?:st|nd|rd|th)$")
_STATEMENT = re.compile(r"\b(?:say|said|says|react|reacted|respond|responded|comment|commented|tell|told)\b", re.I)
# Speech or a reaction reported in a record: a verb of saying or reacting, or a quotation.
_REPORTED = re.compile(
    r"\b(?:say|says|said|stated|tell|tells|told|called|describ(?:es|ed)|warn(?:s|ed)|urg(?:es|ed)|"
    r"remark(?:s|ed)?|repl(?:y|ies|ied)|respond(?:s|ed)?|protest(?:s|ed)?|criticis(?:es|ed)|criticiz(?:es|ed)|"
    r"accus(?:es|ed)|declar(?:es|ed)|announc(?:es|ed)|pledg(?:es|ed)|vow(?:s|ed)|stress(?:es|ed)|noted|"
    r"argu(?:es|ed)|insist(?:s|ed)|condemn(?:s|ed)|welcom(?:es|ed)|express(?:es|ed)|assert(?:s|ed)|claim(?:s|ed)|"
    r"den(?:y|ies|ied)|dismiss(?:es|ed)|object(?:s|ed)|oppos(?:es|ed)|summon(?:s|ed)|lodg(?:es|ed)|reject(?:s|ed)|"
    r"spokes(?:person|man|woman))\b|[\"“”]|(?:^|\s)'\w[^']*\w'", re.I)
_PRONOUN = re.compile(r"^(?:He|She|They|His|Her|Their|The (?:minister|ministry|spokes\w+|president|prime minister))\b")
_QUOTED = re.compile(r"[\"“][^\"”]*[\"”]|(?:^|\s)'[^']+'")
STATEMENT_ITEMS = 6  # the items an answer draws on (compose takes its support from the top six)
# A named series with its edition: 'Sama Sama 2024', 'KAMANDAG 8', 'Doshin-Bayanihan 5-25'.
_EDITION = re.compile(r"\b((?:[A-Z][\w-]*\s+){0,2}[A-Z][\w-]*)\s+((?:19|20)\d\d|\d{1,2}(?:-\d\d)?)(?![\d.,%+-])")
_COUNTRY = r"([A-Z][a-z]+)"
_PAIR = re.compile(rf"\bJapan(?:ese)?(?:\s*[-–]\s*|\s+and\s+){_COUNTRY}\b(?!')|"
                   rf"\b{_COUNTRY}(?:\s*[-–]\s*|\s+and\s+)Japan\b(?!')")
# The study as a publication: who made it (its author, publisher, funder) and how long it is. The
# material answers these only where it states them ('written by …', '212 pages').
_MAKERS_ASKED = re.compile(r"\b(?:who|which)\b[^?]*\b(?:author|authors|wrote|written|writer|publish\w*|fund\w*)\b", re.I)
_MAKERS_NAMED = re.compile(r"\b(?:written|authored|published|funded|edited) by [A-Z]")
_LENGTH_ASKED = re.compile(r"\bhow many (?:pages|words)\b|\bhow long is (?:the|this) (?:study|report|paper)\b|"
                           r"\b(?:page|word) count\b", re.I)
_LENGTH_NAMED = re.compile(r"\b\d[\d,]* (?:pages|words)\b")
_OUTCOME = re.compile(r"\b(?:won|win|wins|winning|winner|topped|beat|defeated|lost|lose|victory|elected|seats|votes)\b",
                      re.I)
_CONTEST = re.compile(r"\b(?:elections?|midterms?|run-?off|polls?|race|votes?|leadership)\b", re.I)
_NOT_SERIES = frozenset(tokens("phase fy vision class type article section chapter part", keep_stopwords=True))
_MONTH_WORDS = frozenset(tokens(" ".join(MONTH_NAMES)))
# 'will', or 'going to' before a verb (not 'going to Manila', 'going to the Philippines')
_FUTURE = re.compile(r"\b(?:[Ww]ill|[Ww]on't)\b(?! of\b)|\bgoing to (?!(?:the|a|an|his|her|their|its)\b)[a-z]")
_CONDITION = re.compile(r"\b(?:once|if|assuming|after)\b", re.I)


def _long_forms(text: str) -> str:
    """Acronyms replaced by the long form the corpus also uses ('MRRVs' -> 'multi-role response vessel')."""
    for short, long in GLOSSARY.items():
        text = re.sub(acronym(short), long, text)
    return text


def _asking(text: str) -> str:
    """``text`` up to its last sentence that asks (ends with '?'), or all of it when none does."""
    pieces = re.split(r"(?<=[.?!])\s+", text.strip())
    last = max((i for i, p in enumerate(pieces) if p.rstrip().endswith("?")), default=len(pieces) - 1)
    return " ".join(pieces[:last + 1])


class Scope:
    """The corpus vocabulary with each word's document frequency (``index.lexical.item_words`` of each
    served document, counted at build time and saved in the serving snapshot)."""

    def __init__(self, doc_freq: dict[str, int], n_documents: int):
        self.doc_freq = doc_freq
        self.n = n_documents or 1
        self._vocab = sorted(self.doc_freq)

    def known(self, word: str) -> str | None:
        """The corpus form of a word: itself, or the word it is a small misspelling of."""
        if word in self.doc_freq:
            return word
        if "-" in word and all(self.known(stem(p)) for p in word.split("-") if p):
            return word.split("-")[-1]  # 'koizumi-teodoro', 'macro-level': known parts
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
        text = _long_forms(_asking(parsed.text))
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
            if not stem or word.lower() in _VERBS or word.lower() in STOPWORDS or len(phrase) == _FOCUS_WORDS:
                break
            if n and ((n + 1 < len(words) and words[n + 1].lower() in _DETERMINERS) or _PARTICIPLE.search(word)):
                break  # 'which company *won the* contract', 'the project *carried* out': the verb
            phrase = [] if word.endswith("'s") else phrase + [word]  # "Tubbataha's *pennant number*"
        # A hyphenated modifier describes the thing ('defence-minister-level *contact*'); the rest names it.
        focus = [t for i, word in enumerate(phrase) if "-" not in word or i == len(phrase) - 1
                 for t in tokens(_long_forms(word))]
        return [w for w in focus if w not in _GENERIC and w not in _MEASURES and w not in _NUMBER_WORDS
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
        matched, unless it names something the corpus never mentions. A question about the study's own
        argument is inside unless it names something the corpus never mentions, asks for a thing the
        best items do not hold, or asks what the material does not record about the study as a
        publication (its makers, its length): its other words are the asker's paraphrase of the
        study's concepts, so no similarity floor applies to it. Any other question must be supported
        by its best evidence (:meth:`outside`)."""
        if parsed.answer_type in ("list", "range") and (filters.has_time or parsed.answer_type == "range"):
            return bool(self.unknown_names(parsed) or self.unknown_words(parsed))
        if ABOUT_STUDY.search(parsed.text):  # the study's own argument, asked in the asker's words
            return (bool(self.unknown_names(parsed)) or self.missing_asked_for(parsed, retrieved)
                    or unrecorded_publication(parsed, retrieved))
        return (self.outside(parsed, retrieved, floor) or _asks_future(parsed)
                or any(unrecorded(parsed, retrieved) for unrecorded in _ON_RECORD_CHECKS))

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
        return any(not _held(self.known(w) or w, found) and not self.common(w) for w in self.asked_for(parsed))

    def unknown_words(self, parsed: ParsedQuestion) -> list[str]:
        """Content words the corpus never uses, misspellings aside ('tourists', 'GDP')."""
        return [w for w in self.content(parsed) if not self.known(w) and w not in _MEASURES]


def _generic(word: str) -> bool:
    """A word any question about the study may use, or a compound of them ('Japan-PH')."""
    return word in _GENERIC or all(part in _GENERIC for part in word.split("-"))


def _held(word: str, found: set[str]) -> bool:
    """``word`` or its head is in ``found``: a compound names a kind of its head ('warship', 'ship')."""
    return word in found or any(len(f) >= _HEAD_LETTERS and word.endswith(f) for f in found)


def _spellings(text: str) -> list[list[frozenset[str]]]:
    """The names in ``text``, each as its alternative spellings, any of which names it ('RAA' or
    'Reciprocal Access Agreement'; 'Beijing' is China); the study's two countries, months and numbers
    are left out: every item is about them."""
    out = []
    for name in named_things(text):
        if (short := name.rstrip("s")) in GLOSSARY:
            out.append([frozenset([short.lower()]), frozenset(tokens(GLOSSARY[short]))])
            continue
        for w in tokens(name):
            if w in HOSTS or w in _MONTH_WORDS or w.isdigit() or all(p in HOSTS for p in w.split("-")):
                continue
            side = next((side for side in SIDES if w in side), frozenset([w]))
            out.append([frozenset([x]) for x in side])
    return out


def _reports(source: Source) -> list[set[str]]:
    """Who is reported saying or reacting: the words of each such sentence before its verb (its
    subject: 'The ministers condemned Russia's aggression' is not Russia speaking), with the sentence
    before it when it opens with a pronoun ('He said …')."""
    said = sentences(source.text)
    out = []
    for i, one in enumerate(said):
        if verb := _REPORTED.search(one):
            before = one[:verb.start()]
            if i and _PRONOUN.match(one):
                before = f"{said[i - 1]} {before}"
            out.append(item_words("", before, []))
    return out


def _named_in(name: list[frozenset[str]], words: set[str]) -> bool:
    return any(spelling <= words for spelling in name)


def unrecorded_statement(parsed: ParsedQuestion, retrieved: list[Source]) -> bool:
    """'What did Marcos say in his speech at the RAA signing?' when no record among the best items
    reports the speaker (named before the verb) saying or doing something in reply: a sentence, with
    the one before it, that names the speaker and reports speech or a reaction, in an item that names
    the subject (after the verb). Being at the event is not having said something there. A quoted
    claim is what a yes/no question checks, not a subject to find. A comparison, a list or the
    study's view is made of several items, and is not asked here."""
    text = _asking(parsed.text)
    verb = _STATEMENT.search(text)
    if not verb or parsed.answer_type in ("compare", "argument", "list", "range"):
        return False
    speakers = _spellings(text[:verb.start()])
    subjects = _spellings(_QUOTED.sub(" ", text[verb.end():]))
    if not speakers:
        return False
    for source in retrieved[:STATEMENT_ITEMS]:
        if not all(_named_in(n, item_words(source.title, source.text, source.actors)) for n in subjects):
            continue
        if any(any(_named_in(n, words) for n in speakers) for words in _reports(source)):
            return False
    return True


def unrecorded_publication(parsed: ParsedQuestion, retrieved: list[Source]) -> bool:
    """Who wrote, published or funded the study, or how long it is, when the material does not say."""
    return any(asked.search(parsed.text) and not any(named.search(f"{s.title} {s.text}") for s in retrieved)
               for asked, named in ((_MAKERS_ASKED, _MAKERS_NAMED), (_LENGTH_ASKED, _LENGTH_NAMED)))


def unrecorded_editions(parsed: ParsedQuestion, retrieved: list[Source]) -> list[str]:
    """Editions of a named series ('Sama Sama 2024', 'KAMANDAG 8') that no retrieved record names: a
    sentence naming the series with that number ('KAMANDAG 8') or year, or an event of that year naming
    the series. The series being on record is not its every edition being on record."""
    missing = []
    for name, series, edition in _editions(_asking(parsed.text)):
        numbered = re.compile(rf"{re.escape(name)}[\s-]*{edition}\b", re.I)

        def names(sentence: str, year: str) -> bool:
            if edition == year or YEAR.fullmatch(edition) and edition in YEAR.findall(sentence):
                return series <= set(tokens(sentence))
            return bool(numbered.search(sentence))
        if not any(names(one, (s.date or "")[:4] if s.kind == "event" else "")
                   for s in retrieved for one in (s.title, *sentences(s.text))):
            missing.append(f"{name} {edition}")
    return missing


def unrecorded_pairs(parsed: ParsedQuestion, retrieved: list[Source]) -> list[str]:
    """Japan and another country asked about as a pair ('the first Japan-Indonesia 2+2', 'when did Japan
    and Vietnam sign …') when no retrieved sentence names Japan acting with or for that country: one
    that names it only as a point of comparison ('the second in ASEAN after Indonesia') is not a record
    of that relation."""
    missing = []
    for m in _PAIR.finditer(_asking(parsed.text)):
        other = m.group(1) or m.group(2)
        if not tokens(other) or set(tokens(other)) & _GENERIC:
            continue  # the Philippines, China, 'The': the study's own sides or no name at all
        named = re.compile(rf"(?<!\bafter )(?<!\bbefore )(?<!\bthan )(?<!\blike )(?<!\bbesides )\b{re.escape(other)}\b")
        if not any(SIDES[0] & set(tokens(one)) and named.search(one)
                   for s in retrieved for one in (s.title, *sentences(s.text))):
            missing.append(other)
    return missing


def unrecorded_outcome(parsed: ParsedQuestion, retrieved: list[Source]) -> bool:
    """Who won a contest, by how many votes or seats ('Who won the 2025 Senate midterm elections?'),
    when no retrieved sentence names that contest (its names) with an outcome: the record mentions
    elections that changed leaders without reporting every result."""
    text = _asking(parsed.text)
    if not (_OUTCOME.search(text) and _CONTEST.search(text)):
        return False
    names = _spellings(text)
    return not any(_OUTCOME.search(one) and _CONTEST.search(one) and all(_named_in(n, set(tokens(one))) for n in names)
                   for s in retrieved for one in sentences(s.text))


def _editions(text: str) -> list[tuple[str, frozenset[str], str]]:
    """(series word, its words, edition) for each 'Name 2024' or 'Name 8' in ``text``; months, the parties,
    'Phase 2' or 'FY2024' are not series."""
    out = []
    for name, edition in _EDITION.findall(text):
        words = frozenset(w for w in tokens(name) if w not in _GENERIC and w not in _MONTH_WORDS and w not in _NOT_SERIES)
        if words:
            out.append((name.split()[-1], words, edition))  # the word before the number names the series
    return out


# Each asks whether a specific thing the question names is on record, not just its neighbours.
_ON_RECORD_CHECKS = (unrecorded_statement, unrecorded_editions, unrecorded_pairs, unrecorded_outcome)


def _asks_future(parsed: ParsedQuestion) -> bool:
    text = _asking(parsed.text)
    return bool(_FUTURE.search(text)) and not _CONDITION.search(text)


def outside_record(events: list[Source], filters: RetrievalFilters) -> bool:
    """A question about a period the record does not reach (e.g. 2026 when it ends in 2025); ``events``
    in date order."""
    if not events or (filters.year_from is None and filters.year_to is None):
        return False
    first, last = int(events[0].date[:4]), int(events[-1].date[:4])
    return (filters.year_from or first) > last or (filters.year_to or last) < first
