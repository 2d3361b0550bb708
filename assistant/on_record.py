"""Is the specific thing a question names on record, not just its neighbours? Each check answers for
one kind of thing: what someone said or agreed, an edition of a named series, Japan with another country
as a pair, the result of a contest, a person's life, a state beside the story's sides, the Nth of a
numbered series, the edition before or after a named one. The checks are registered in
``assistant.record_checks``; the value a question asks for (a sum, a duration) is checked in
``assistant.asked_value`` and its neighbours, the study as a publication in ``assistant.publication``."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Sequence

from assistant.anchors import MONTH_WORDS, mentions, numbered
from assistant.parse import GENERIC, HOSTS, ROLES, SIDES, ParsedQuestion, named_things, other_states
from assistant.query import GLOSSARY
from core.countries import states_named
from core.dates import YEAR
from core.model import Source
from core.text import QUOTATION, STOPWORDS, sentences, tokens, word_set
from index.lexical import item_words

_STATEMENT = re.compile(r"\b(?:say|said|says|react|reacted|respond|responded|comment|commented|tell|told|"
                        r"tweet|tweeted|post|posted|write|wrote)\b", re.I)
# A yes/no question about a reaction: 'Did China *lodge* a protest over …', 'has Beijing *sanctioned* …'.
_REACTION_ASKED = re.compile(r"^\s*(?:did|has|have|had|was|were)\b[^?]*?\b(?P<verb>protest(?:ed)?|condemn(?:ed)?|"
                             r"critici[sz]ed?|sanction(?:ed)?|object(?:ed)?|lodged?|react(?:ed)?|respond(?:ed)?|"
                             r"comment(?:ed)?|summon(?:ed)?|denounced?|retaliated?|complain(?:ed)?|opposed?|"
                             r"welcomed?|issued? (?:a )?(?:statement|protest))\b", re.I)
# 'What did Kono and Lorenzana agree …?': an agreement is reported as speech is.
_AGREEMENT_ASKED = re.compile(r"\bwhat (?:did|do|have|has|had)\b[^?]*\b(?:agree|agreed|decide|decided)\b", re.I)
_AGREED = re.compile(r"\b(?:agree|agreed|decide|decided)\b", re.I)
# Speech or a reaction reported in a record: a verb of saying or reacting, or a quotation.
_REPORTED = re.compile(
    r"\b(?:say|says|said|stated|tell|tells|told|called|describ(?:es|ed)|warn(?:s|ed)|urg(?:es|ed)|"
    r"remark(?:s|ed)?|repl(?:y|ies|ied)|respond(?:s|ed)?|protest(?:s|ed)?|criticis(?:es|ed)|criticiz(?:es|ed)|"
    r"accus(?:es|ed)|declar(?:es|ed)|announc(?:es|ed)|pledg(?:es|ed)|vow(?:s|ed)|stress(?:es|ed)|noted|"
    r"argu(?:es|ed)|insist(?:s|ed)|condemn(?:s|ed)|welcom(?:es|ed)|express(?:es|ed)|assert(?:s|ed)|claim(?:s|ed)|"
    r"den(?:y|ies|ied)|dismiss(?:es|ed)|object(?:s|ed)|oppos(?:es|ed)|summon(?:s|ed)|lodg(?:es|ed)|reject(?:s|ed)|"
    r"spokes(?:person|man|woman))\b|[\"“”]|(?:^|\s)'\w[^']*\w'", re.I)
# An agreement reported: agreeing, deciding or signing, or said (an announcement reports it from one side).
_AGREEING = re.compile(_REPORTED.pattern
                       + r"|\b(?:agree[sd]?|decid(?:es|ed)|confirm(?:s|ed)|affirm(?:s|ed)|sign(?:s|ed))\b", re.I)
# Where a speaker was is not who spoke: 'Teodoro and Nakatani met *at the Seoul Defense Dialogue* and welcomed …'.
_PLACE_PHRASE = re.compile(r"\b(?:at|on the sidelines of)\s+(?:the\s+)?[A-Z][\w'-]*(?:\s+(?:of\s+)?[A-Z][\w'-]*)*")
_PRONOUN = re.compile(r"^(?:He|She|They|His|Her|Their|The (?:minister|ministry|spokes\w+|president|prime minister))\b")
STATEMENT_ITEMS = 6  # the items an answer draws on (compose takes its support from the top six)
_LISTED = 3  # a list: three or more states named together
_CACHED = 1 << 14  # sentences remembered split and read: the corpus has a few thousand
# A named series with its edition: 'Sama Sama 2024', 'KAMANDAG 8', 'Doshin-Bayanihan 5-25' (not a figure with
# its unit: 'the Japan-built 44m boats').
_EDITION = re.compile(r"\b((?:[A-Z][\w-]*\s+){0,2}[A-Z][\w-]*)\s+((?:19|20)\d\d|\d{1,2}(?:-\d\d)?)(?![\w.,%+-])")
_COUNTRY = r"([A-Z][a-z]+)"
# Names given only as a point of comparison: "Japan's third RAA partner *after Australia and the United Kingdom*",
# "*after Japan's earlier RAAs with Australia*", "*than Vietnam*": the sentence is not about them.
_NAMES_RUN = r"(?:the\s+)?[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)*"
_COMPARED = re.compile(rf"\b(?:after|before|than|like|besides|unlike)\s+(?:(?:Japan's|its|their|the)\s+"
                       rf"(?:(?:earlier|previous|prior|other|existing|first)\s+)?[\w-]+\s+with\s+|those with\s+|"
                       rf"the ones with\s+)?{_NAMES_RUN}(?:(?:,\s*|\s+(?:and|or)\s+){_NAMES_RUN})*")
# Japan and another state as a pair: 'Japan-Indonesia', 'Japan and Vietnam', "Japan's RAA with Australia".
_PAIR = re.compile(rf"\bJapan(?:ese)?(?:\s*[-–]\s*|\s+and\s+){_COUNTRY}\b(?!')|"
                   rf"\bJapan's\s+(?P<thing>(?:[\w+-]+\s+){{1,3}}?)with\s+(?:the\s+)?{_COUNTRY}\b|"
                   rf"\b{_COUNTRY}(?:\s*[-–]\s*|\s+and\s+)Japan\b(?!')")
_OUTCOME = re.compile(r"\b(?:won|win|wins|winning|winner|topped|beat|defeated|lost|lose|victory|elected|seats|votes)\b",
                      re.I)
_CONTEST = re.compile(r"\b(?:elections?|midterms?|run-?off|polls?|race|votes?|leadership)\b", re.I)
_NOT_SERIES = frozenset(tokens("phase fy vision class type article section chapter part", keep_stopwords=True))


def asking(text: str) -> str:
    """``text`` up to its last sentence that asks (ends with '?'), or all of it when none does."""
    pieces = re.split(r"(?<=[.?!])\s+", text.strip())
    last = max((i for i, p in enumerate(pieces) if p.rstrip().endswith("?")), default=len(pieces) - 1)
    return " ".join(pieces[:last + 1])


def spellings(text: str) -> list[list[frozenset[str]]]:
    """The names in ``text``, each as its alternative spellings, any of which names it ('RAA' or
    'Reciprocal Access Agreement'; 'Beijing' is China); the study's two countries, months and numbers
    are left out: every item is about them. A name written out ('Philippine Coast Guard') is also named
    by its acronym ('PCG')."""
    written = {short: frozenset(tokens(long)) for short, long in GLOSSARY.items()
               if long[:1].isupper() and long in text}
    out = [[frozenset([short.lower()]), long] for short, long in written.items()]
    for name in named_things(text):
        name = re.sub(r"(?<=\d)s$", "", name)  # 'TC-90s' are TC-90s
        if (short := name.rstrip("s")) in GLOSSARY:
            out.append([frozenset([short.lower()]), frozenset(tokens(GLOSSARY[short]))])
            continue
        # A compound names each of its parts ('Japan-US-Philippines': the US, with the two hosts); a part in
        # lower case describes the name ('Japanese-*built*', 'US-*led*') and names nothing.
        for w in (t for part in name.split("-") if not part[:1].islower() for t in tokens(part)):
            if (w in HOSTS or w in MONTH_WORDS or w.isdigit() or w in STOPWORDS  # 'US' reads as 'us'
                    or any(w in long for long in written.values())):  # named with its written-out name
                continue
            side = next((side for side in SIDES if w in side), frozenset([w]))
            out.append([frozenset([x]) for x in side])
    return out


def _reports(source: Source, agreement: bool = False) -> list[set[str]]:
    """Who is reported saying or reacting: the words of each such sentence before its verb (its subject:
    'The ministers condemned Russia's aggression' is not Russia speaking), with the sentence before it
    when it opens with a pronoun ('He said …'). An ``agreement`` has parties, not a speaker: any named
    in a sentence reporting it ('he announced that Japan would provide Vietnam …')."""
    said = sentences(source.text)
    out = []
    for i, one in enumerate(said):
        if verb := (_AGREEING if agreement else _REPORTED).search(one):
            before = one if agreement else _PLACE_PHRASE.sub(" ", one[:verb.start()].rsplit(";", 1)[-1])  # the speaker
            if i and _PRONOUN.match(before.strip()):
                before = f"{said[i - 1]} {before}"
            out.append(item_words("", before, []))
    return out


def named_in(name: list[frozenset[str]], words: set[str]) -> bool:
    return any(spelling <= words for spelling in name)


def unrecorded_statement(parsed: ParsedQuestion, retrieved: list[Source]) -> bool:
    """'What did Marcos say in his speech at the RAA signing?', 'What did Kono and Lorenzana agree in
    Davao?', 'Did China protest the radar grant?' when no record among the best items reports the speaker
    (named before the verb, or one of the four sides: 'Japan', 'Beijing') saying,
    agreeing or doing something in reply: a sentence, with the one before it, that names the speaker and
    reports speech, a reaction or (for an agreement) agreeing, in an item that names the subject (after
    the verb), of the occasion asked. Being at the event is not having said something there. A quoted
    claim is what a yes/no question checks, not a subject to find. A comparison, a list or the
    study's view is made of several items, and is not asked here."""
    text = asking(parsed.text)
    agreement = not _STATEMENT.search(text) and _AGREEMENT_ASKED.search(text)
    said = _AGREED.search(text) if agreement else _STATEMENT.search(text)
    reaction = _REACTION_ASKED.search(text) if parsed.answer_type == "premise" else None  # 'did China *protest* …'
    if not (said or reaction) or parsed.answer_type in ("compare", "argument", "list", "range"):
        return False
    start, end = said.span() if said else reaction.span("verb")
    before = tokens(text[:start])
    sides = [[frozenset([w]) for w in side] for side in SIDES if side & set(before)]
    speakers = spellings(text[:start]) or [  # else a role: 'what did *the ambassador* say …'
        [frozenset([role])] for role in dict.fromkeys(before) if role in ROLES] or (  # else one side: '… Japan say'
        sides if len(sides) == 1 else [])
    subjects = spellings(QUOTATION.sub(" ", text[end:]))
    if not speakers:
        return False
    for source in retrieved[:STATEMENT_ITEMS]:
        if not of_occasion(source, parsed):
            continue
        if not all(named_in(n, item_words(source.title, source.text, source.actors)) for n in subjects):
            continue
        if any(any(named_in(n, words) for n in speakers) for words in _reports(source, bool(agreement))):
            return False
    return True


def unrecorded_editions(parsed: ParsedQuestion, retrieved: list[Source]) -> list[str]:
    """Editions of a named series ('Sama Sama 2024', 'KAMANDAG 8') that no retrieved record names: a
    sentence naming the series with that number ('KAMANDAG 8') or year, or an event of that year naming
    the series. The series being on record is not its every edition being on record."""
    missing = []
    for name, series, edition in _editions(asking(parsed.text)):
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
    for m in _PAIR.finditer(asking(parsed.text)):
        thing = spellings(m.group("thing") or "")  # "Japan's *RAA* with Australia": that relation, not any
        other = next(g for g in m.groups()[:1] + m.groups()[2:] if g)
        if not tokens(other) or set(tokens(other)) & GENERIC:
            continue  # the Philippines, China, 'The': the study's own sides or no name at all
        named = re.compile(rf"\b{re.escape(other)}\b")
        if not any(SIDES[0] & set(tokens(one)) and named.search(uncompared(one))
                   and all(named_in(n, word_set(one)) for n in thing)
                   for s in retrieved for one in (s.title, *sentences(s.text))):
            missing.append(other)
    return missing


def uncompared(sentence: str) -> str:
    """``sentence`` without the names it gives only as a point of comparison."""
    return _COMPARED.sub(" ", sentence)


def unrecorded_outcome(parsed: ParsedQuestion, retrieved: list[Source]) -> bool:
    """Who won a contest, by how many votes or seats ('Who won the 2025 Senate midterm elections?'),
    when no retrieved sentence names that contest (its names) with an outcome: the record mentions
    elections that changed leaders without reporting every result."""
    text = asking(parsed.text)
    if not (_OUTCOME.search(text) and (contest := _CONTEST.search(text))):
        return False
    names = spellings(text) + [[frozenset([w])] for w in _contest_kind(text[:contest.start()])]
    return not any(_OUTCOME.search(one) and _CONTEST.search(one) and all(named_in(n, set(tokens(one))) for n in names)
                   for s in retrieved for one in sentences(s.text))


def _contest_kind(before: str) -> list[str]:
    """The words just before a contest that say which it is ('the *upper house* election', 'the *Senate*
    race'): a result of the lower house's vote is not one of the upper house's."""
    return [w for w in tokens(" ".join(before.split()[-2:])) if w not in HOSTS and w not in GENERIC and not w.isdigit()]


def _editions(text: str) -> list[tuple[str, frozenset[str], str]]:
    """(series word, its words, edition) for each 'Name 2024' or 'Name 8' in ``text``; months, the parties,
    'Phase 2' or 'FY2024' are not series."""
    out = []
    for name, edition in _EDITION.findall(text):
        words = frozenset(w for w in tokens(name) if w not in GENERIC and w not in _NOT_SERIES
                          and not all(part in MONTH_WORDS for part in w.split("-")))  # 'March-April 2019'
        if words:
            out.append((name.split()[-1], words, edition))  # the word before the number names the series
    return out


def stated(retrieved: list[Source], names: list[list[frozenset[str]]], naming: Callable[[Iterable[bool]], bool],
            states: Callable[[str], bool], *, title: bool = True, occasion: ParsedQuestion | None = None) -> bool:
    """One of the best items has a sentence (or, with ``title``, a title) that ``states`` the thing asked,
    about the question's names (``all`` of them or ``any``): named in the same sentence for a chapter
    passage, which covers many things, and anywhere in the item for an event, which is about one. With
    the question as ``occasion``, an event must also be of the occasion it asks about (``of_occasion``)."""
    for s in retrieved[:STATEMENT_ITEMS]:
        if occasion and not of_occasion(s, occasion):
            continue
        item = item_words(s.title, s.text, s.actors)
        for one in ((s.title,) if title else ()) + tuple(sentences(s.text)):
            if occasion and s.kind != "event" and not (_of_years(one, occasion) and _of_editions(one, occasion)):
                continue
            where = item if s.kind == "event" else item_words("", one, [])
            if states(one) and naming(named_in(n, where) for n in names):
                return True
    return False


def of_occasion(source: Source, parsed: ParsedQuestion) -> bool:
    """``source`` may be about the occasion the question asks about: an event of another year than the one
    asked ('at Second Thomas Shoal *in June 2024*'), or of another edition of a series it names ('*KAMANDAG 9*'
    is not KAMANDAG 3), is not. A chapter passage covers many occasions: ``stated`` asks its sentences for
    the year and the edition."""
    if source.kind != "event" or not source.date:
        return True
    if not _of_years(source.date[:4], parsed):
        return False
    return _of_editions(f"{source.title} {source.text}", parsed, source.date[:4])


def _of_editions(text: str, parsed: ParsedQuestion, year: str = "") -> bool:
    """``text`` names each series the question names with its edition ('KAMANDAG 9'), or with its ``year``,
    or does not name that series."""
    return all(re.search(rf"{re.escape(name)}[\s-]*{edition}\b", text, re.I) or edition == year
               for name, series, edition in _editions(asking(parsed.text)) if series <= set(tokens(text)))


def _of_years(text: str, parsed: ParsedQuestion) -> bool:
    """``text`` names no year, or one within the years the question asks about ('in June 2024')."""
    plan = parsed.plan
    first, last = plan.year_from, plan.year_to
    if plan.on:
        first = last = int(plan.on[:4])
    years = [int(y) for y in YEAR.findall(text)]
    return not years or any((first is None or y >= first) and (last is None or y <= last) for y in years)


# A person's life outside the record's events: schooling, family, birth, age, earlier career.
_BIOGRAPHY = re.compile(r"\b(?:universit(?:y|ies)|college|school|studied|degree|alma mater|born|birth\w*|hometown|"
                        r"grew up|married|wife|husband|spouse|sister|brother|sibling|daughter|son|father|mother|parents|"
                        r"children|before (?:going into|entering|joining) politics|career)\b", re.I)
# An earlier career asked ('what did Manalo do *before* Marcos made him …', 'his *previous post*') and given.
_CAREER_ASKED = re.compile(r"\bwhat did\b[^?]*\bdo before\b|\bbefore (?:becoming|he became|she became|being (?:named|"
                           r"appointed))\b|\b(?:previous|earlier|former|prior) (?:job|post|position|role|career)s?\b", re.I)
_CAREER_GIVEN = re.compile(_CAREER_ASKED.pattern + r"|\b(?:former|previously|earlier served|had been)\b", re.I)


def unrecorded_biography(parsed: ParsedQuestion, retrieved: list[Source]) -> bool:
    """'Where did Sanae Takaichi go to university?', 'Is Imee Marcos the president's sister?' when no
    sentence of the best items gives that part of the person's life (the same word: 'university',
    'sister') in an item naming them: the record follows people through its events, not their lives."""
    text = asking(parsed.text)
    asked = _life_words(text) | ({"career"} if _CAREER_ASKED.search(text) else set())
    names = spellings(text)
    if not asked or not names:
        return False

    def gives(one: str) -> bool:  # the same word, or for a career any earlier post ('the *former* …')
        return bool(asked & _life_words(one)) or ("career" in asked and bool(_CAREER_GIVEN.search(one)))
    return not stated(retrieved, names, any, gives, title=False)


def _life_words(text: str) -> set[str]:
    """The words of a person's life ``text`` uses, as words: 'son' is not in 'person'."""
    return {m.group(0).lower() for m in _BIOGRAPHY.finditer(text)}


def unrecorded_other_state(parsed: ParsedQuestion, record: Sequence[Source]) -> bool:
    """'What radar did Japan give Malaysia?', 'What did Bangladesh get under its OSA grant?' when no sentence
    of the record names that state (one beside the story's four sides) together with anything else the
    question asks about ('radar', 'OSA grant'). A sentence listing three or more such states ('the
    Philippines, Malaysia, Bangladesh and Fiji were named as the first candidates') says nothing of any
    one of them. A comparison, a period or the study's view draws on several items, and a quoted claim is
    what a yes/no question checks: neither is asked here."""
    if parsed.answer_type in ("compare", "range", "argument"):
        return False
    text = QUOTATION.sub(" ", asking(parsed.text))
    states = other_states(text)
    naming = {t for state in states for t in tokens(state)} | {t for name in named_things(text) if states_named(name)
                                                               for t in tokens(name)}  # 'Vietnamese' too
    asked = {t for w in tokens(text) for t in (w, *tokens(GLOSSARY.get(w.upper(), "")))} - GENERIC - naming
    if not asked:
        return False

    def said_of(state: str, one: str) -> bool:
        others = other_states(one)
        return state in others and len(others) < _LISTED and bool(asked & item_words("", one, []))
    return any(not any(said_of(state, one) for s in record for one in _lines(s.title, s.text))
               for state in states)


@functools.lru_cache(maxsize=_CACHED)
def _lines(title: str, text: str) -> tuple[str, ...]:
    """An item's title and sentences, split once: the whole-record checks read every item per question."""
    return (title, *sentences(text))


def unrecorded_ordinal(parsed: ParsedQuestion, record: Sequence[Source]) -> bool:
    """'What was agreed at the 7th Political-Military meeting?' when the record numbers that series (it
    names 'the 8th Political-Military … meeting', or 'the first trilateral maritime dialogue') but never
    its 7th, and holds fewer than seven events of it to count. The whole record is asked, not the best
    items: the sentence that numbers a series need not be retrieved. A 'first' is never refused here (the
    earliest of anything can be found by date), nor a series the record does not number. The series
    must match on its kind of thing and most of its words to count as numbered; the asked number is on
    record where any sentence gives it to a thing of that kind or that acronym ('the second OSA package'
    answers 'the second OSA grant')."""
    for asked in numbered(asking(parsed.text)):
        if asked.number < 2 or not (asked.words or asked.acronyms):
            continue
        counted = stated = False
        events = 0
        for source in record:
            for one in _lines(source.title, source.text):
                for given in numbered(one):
                    same = asked.same_series(given)
                    counted |= same
                    stated |= given.number == asked.number and (same or bool(asked.acronyms & given.acronyms))
            events += (source.kind == "event" and asked.words <= word_set(source.title)
                       and all(mentions(short, source.title) for short in asked.acronyms))
        if counted and not stated and events < asked.number:
            return True
    return False


# 'before the 5-25 edition', 'after Balikatan 2023', 'following the 2019 one': an edition's neighbour asked for.
_NEIGHBOUR = re.compile(r"\b(before|preceding|prior to|after|following)\s+(?:the\s+)?(?:([A-Z][\w-]*)\s+)?"
                        r"(\d[\w-]*)(?:\s+(?:edition|iteration|round|one|exercise|version))?\b")


def unrecorded_neighbour(parsed: ParsedQuestion, record: Sequence[Source]) -> bool:
    """'When was the Doshin-Bayanihan exercise held before the 5-25 edition?' when the record holds that
    edition but no event of the series on the side asked: the edition being on record is not its
    predecessor being on record."""
    text = asking(parsed.text)
    if not (m := _NEIGHBOUR.search(text)):
        return False
    side, name, edition = m.group(1).lower(), m.group(2), m.group(3)
    names = [name] if name else [n for n in named_things(text[:m.start()]) if n[:1].isupper()]
    names = [n for n in names if not set(tokens(n)) & HOSTS]
    if not names:
        return False
    series = re.compile(rf"\b{re.escape(names[-1])}\b", re.I)
    edition_named = re.compile(rf"\b{re.escape(names[-1])}[\s-]*{re.escape(edition)}\b", re.I)
    events = [s for s in record if s.kind == "event" and s.date and series.search(f"{s.title} {s.text}")]
    named = [s for s in events if edition_named.search(f"{s.title} {s.text}")]
    if not named:
        return False  # the edition itself is for unrecorded_editions
    earlier = side in ("before", "preceding", "prior to")
    bound = min(s.date for s in named) if earlier else max(s.date for s in named)
    return not any((s.date < bound) if earlier else (s.date > bound) for s in events)
