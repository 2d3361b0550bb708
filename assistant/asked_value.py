"""Is the value a question asks for stated about its subject? The thing being on record is not its every
figure being on record: a meeting is recorded without its length, a loan without its size, a vote
without its tally, a ship without its captain. Each check reads the question for the kind of value it
asks (a sum of money, a count, a duration, a vote tally, the holder of a role) and looks among the best
items for a sentence that states one of that kind about what the question names (``on_record.stated``)."""

from __future__ import annotations

import re

from assistant.handlers.how_many import COUNT_NUMBER, PEOPLE_COUNTED, count_matches, counted_as, counted_noun, counts
from assistant.on_record import STATEMENT_ITEMS, asking, named_in, spellings, stated
from assistant.parse import EVENT_KINDS, ParsedQuestion, interval_ends
from core.countries import demonyms, states_named
from core.dates import MONTH_PATTERN
from core.model import Source
from core.text import NUMBER_WORDS, STOPWORDS, stem, tokens
from index.lexical import item_words

_MONTH = rf"(?:{MONTH_PATTERN})"
_COUNT = rf"(?:\d[\d,.]*|{'|'.join(NUMBER_WORDS)}|an?|half an?)"

# A sum of money: asked with 'how much', a money noun's size ('how big was the yen loan') or its price.
_MONEY_ASKED = re.compile(r"\bhow much (?:money|funding|aid|financing|did|has|have|was|is|will|does)\b|"
                          r"\b(?:budget|price|cost|value|worth)\b|"
                          r"\bhow (?:big|large)\b[^?]*\b(?:loan|grant|package|aid|contract|deal|investment|pledge)\b",
                          re.I)
_SUM = r"\b\d[\d,.]*\s*(?:million|billion|trillion)?\s*"
_CURRENCIES = {  # a sum in each currency, by sign, code or name
    "dollar": re.compile(rf"(?:\$|\bUSD|\bUS\$)\s?\d|{_SUM}dollars?\b", re.I),
    "peso": re.compile(rf"\b(?:PHP|P)\s?\d|{_SUM}pesos?\b", re.I),
    "yen": re.compile(rf"(?:¥|\bJPY\s?)\d|{_SUM}yen\b", re.I)}
_CURRENCIES |= {"usd": _CURRENCIES["dollar"], "php": _CURRENCIES["peso"], "jpy": _CURRENCIES["yen"]}
_AMOUNT = re.compile("|".join(_CURRENCIES[c].pattern for c in ("dollar", "peso", "yen")), re.I)
_IN_CURRENCY = re.compile(r"\bin (?:US |American |Philippine |Japanese )?(dollars|pesos|yen|USD|PHP|JPY)\b", re.I)


def unrecorded_sum(parsed: ParsedQuestion, retrieved: list[Source]) -> bool:
    """'How much money has Japan committed to the Luzon Economic Corridor?', 'What did the Haiyan relief
    deployment cost?' when no sentence of the best items states a sum of money about what the question
    names; asked in a currency ('in US dollars'), a sum in that currency: the record does not convert."""
    text = asking(parsed.text)
    if parsed.answer_type not in ("how-many", "fact") or not _MONEY_ASKED.search(text):
        return False
    currency = _IN_CURRENCY.search(text)
    amount = _CURRENCIES[currency.group(1).lower().rstrip("s")] if currency else _AMOUNT
    return not stated(retrieved, spellings(text), all, lambda one: bool(amount.search(one)), occasion=parsed)


# How long something lasted — not the time between two events (``handlers.duration`` computes that from
# their dates), nor a ship's length.
_DURATION_ASKED = re.compile(r"\bhow long\b|\bhow many (?:minutes|hours|days|weeks|months|years)\b", re.I)
_LENGTH_ASKED = re.compile(r"\bhow long (?:is|are|was|were) (?:the |these |those |its |their )?(?:[\w-]+ ){0,3}?"
                           r"(?:ships?|vessels?|boats?|escorts?|destroyers?|frigates?|cutters?|aircraft|planes?|"
                           r"runways?)\b",
                           re.I)
# A conversation lasts minutes or hours: the dates of the visit it was part of do not say how long it was.
_CONVERSATION = re.compile(r"\b(?:call|calls|speech|talks|meeting|meet|met|summit|conversation|address|session|"
                           r"interview|conference)\b", re.I)
_LASTED = re.compile(rf"\b{_COUNT}[\s-](?:minutes?|hours?|days?|weeks?|months?|years?)\b"
                     r"(?! (?:before|after|later|earlier|ago|into)\b)", re.I)  # 'a week before' is when, not how long
_SPAN = re.compile(rf"\b\d{{1,2}}\s*(?:-|–|to)\s*\d{{1,2}}\s+{_MONTH}\b|"
                   rf"\bfrom \d{{1,2}}(?: [A-Z][a-z]+)? to \d{{1,2}}\b|"
                   rf"\b{_MONTH} to {_MONTH}\b")


def unrecorded_duration(parsed: ParsedQuestion, retrieved: list[Source]) -> bool:
    """'How long did Ishiba and Marcos meet at Malacanang?' when no sentence of the best items gives a
    length of time ('a roughly 35-minute meeting', 'two hours') or, for what runs over days, a span of
    dates, in an item naming what the question names. A name none of the best items uses is left to
    scope's other rules: a misspelt name ('Teodorro') should not hide a meeting the record times."""
    text = asking(parsed.text)
    if not _DURATION_ASKED.search(text) or interval_ends(text) or _LENGTH_ASKED.search(text):
        return False
    conversation = bool(_CONVERSATION.search(text))
    return not stated(retrieved, _names_used(text, _used(retrieved)), all,
                      lambda one: bool(_LASTED.search(one) or (not conversation and _SPAN.search(one))),
                      occasion=parsed)


# A time of day: 'what time was the RAA signed?' (not a date: 'what time of year').
_CLOCK_ASKED = re.compile(r"\b(?:what|which) (?:time|hour)\b(?! of (?:the )?(?:year|month))|\bwhat time of day\b", re.I)
_CLOCK = re.compile(r"\b\d{1,2}(?:[:.]\d\d)?\s*(?:a\.?m\.?|p\.?m\.?)|\b\d{1,2}:\d\d\b|"
                    r"\b(?:morning|afternoon|evening|night|"
                    r"noon|midnight|dawn|dusk)\b", re.I)


def unrecorded_clock_time(parsed: ParsedQuestion, retrieved: list[Source]) -> bool:
    """'What time of day was the RAA signed?' when no sentence of the best items gives a time of day ('on the
    evening of 13 November', '10 a.m.') about what the question names: the record dates its events by
    the day."""
    text = asking(parsed.text)
    if not _CLOCK_ASKED.search(text):
        return False
    return not stated(retrieved, spellings(text), all, lambda one: bool(_CLOCK.search(one)), occasion=parsed)


# A vote's result: its tally, margin or seats.
_TALLY_ASKED = re.compile(r"\bhow many (?:votes|seats)\b|\bvotes?\s+(?:count|tally|margin|total|split|breakdown)\b|"
                          r"\bmargin\b|\btally\b|\bby how many\b", re.I)
_TALLY = re.compile(rf"\b\d{{1,3}}\s*(?:-|–|to)\s*\d{{1,3}}\b(?!\s*(?:{_MONTH}|%|per ?cent|[a-z]))|"
                    r"\b\d[\d,]*\s+(?:votes?|seats?|in favou?r|against)\b|\bunanimous\w*")


def unrecorded_tally(parsed: ParsedQuestion, retrieved: list[Source]) -> bool:
    """'What was the vote count in the House of Representatives on the RAA?' when no sentence of the best
    items gives a tally ('19-0', '237 votes', 'unanimously') about what the question names: the record
    dates votes without counting them."""
    text = asking(parsed.text)
    if not _TALLY_ASKED.search(text):
        return False
    return not stated(retrieved, spellings(text), all, lambda one: bool(_TALLY.search(one)), occasion=parsed)


# How many of a thing. Occurrences are counted from the dated events themselves ('how many 2+2 meetings',
# 'how many prime ministers'), not from a stated count.
_COUNT_ASKED = re.compile(r"\bhow many\b", re.I)
_HOST_STATES = frozenset({"Japan", "Philippines"})  # a count of their own people needs no qualifier
_UNITS = frozenset(tokens("unit units piece pieces set sets pair pairs", keep_stopwords=True))
_COUNTED_IN_UNITS = re.compile(r"\bhow many\s+(?:[\w-]+\s+){0,2}?([\w-]+)\s+(?:units?|pieces?|sets?|pairs?)\b", re.I)
_COUNTED_BY_EVENTS = frozenset(tokens(" ".join(re.findall(r"[a-z]+", EVENT_KINDS)) + " times editions iterations "
                                      "rounds occasions trips calls conferences consultations sessions ministers "
                                      "presidents leaders secretaries ambassadors commandants countries nations "
                                      "states"))


def unrecorded_count(parsed: ParsedQuestion, retrieved: list[Source]) -> bool:
    """'How many helicopters did the SDF send after Typhoon Haiyan?', 'How many pilots were trained on the
    TC-90?' when no sentence of the best items counts that thing, or what is counted alike ('about 80
    soldiers' for troops, 'ten … vessels' for boats), about what the question names. People may be counted
    as members of what the noun names ('12 members of the … Engineer Combat Battalion': engineers). Not
    checked: a count of occurrences, found by counting events, and a thing the best items never name in any
    word the record counts it by ('guardsmen', 'GIs'): the asker's word, which a count of personnel may
    answer. A name none of the best items uses is left to scope's other rules, as for durations."""
    text = asking(parsed.text)
    if (parsed.answer_type != "how-many" or not _COUNT_ASKED.search(text) or _DURATION_ASKED.search(text)
            or _TALLY_ASKED.search(text)):
        return False
    noun = counted_noun(text)
    if noun in _UNITS and (thing := _COUNTED_IN_UNITS.search(text)):
        noun = stem(thing.group(1).lower())  # 'radar units' count radars
    if not noun or noun in STOPWORDS or noun in _COUNTED_BY_EVENTS:
        return False  # 'how many of them': a count of what went before
    alike = counted_as(noun)
    used = _used(retrieved)
    if not alike & used:
        return False
    names = _names_used(text, used)
    if contingent := _contingent(text, noun):
        return not stated(retrieved, names, all, lambda one: _counts_contingent(one, alike, contingent),
                          occasion=parsed)
    members = re.compile(rf"\b{COUNT_NUMBER}\s+(?:members|personnel|people|staff)\s+of\b[^.;]*?\b{re.escape(noun)}",
                         re.I)
    return not stated(retrieved, names, all,
                      lambda one: any(counts(one, n) for n in alike) or bool(members.search(one)), occasion=parsed)


def _contingent(question: str, noun: str) -> frozenset[str]:
    """The states beside the two hosts that qualify the thing counted: 'how many *US* Marines' -> the US."""
    asked = re.search(rf"\bhow many\s+(.*?)\b{re.escape(noun)}", question, re.I)
    return frozenset(states_named(asked.group(1))) - _HOST_STATES if asked else frozenset()


def _counts_contingent(sentence: str, alike: frozenset[str], states: frozenset[str]) -> bool:
    """``sentence`` counts the ``states``' own contingent: in the clause of the count ('902 US personnel', not
    'about 80 JGSDF troops joined the US-Philippine exercise'), or by their people ('57 South Koreans')."""
    if alike == PEOPLE_COUNTED and any(counts(sentence, d) for d in demonyms(states)):
        return True
    return any(states <= set(states_named(re.split(r",|;|\band\b", sentence[:m.start()])[-1] + m.group(0)))
               for noun in alike for m in count_matches(sentence, noun))


def _used(retrieved: list[Source]) -> set[str]:
    """The words of the best items."""
    return set().union(*(item_words(s.title, s.text, s.actors) for s in retrieved[:STATEMENT_ITEMS]))


def _names_used(text: str, used: set[str]) -> list[list[frozenset[str]]]:
    """The question's names that the best items use: one none of them uses (a misspelling, 'Teodorro', or a
    name the corpus lacks) is for scope's other rules to judge, not a reason the value is missing."""
    return [name for name in spellings(text) if named_in(name, used)]


# Who held a role at something: its captain, commander, negotiator, head, chair, pilot or spokesperson.
_ROLE_ASKED = re.compile(r"\bwho\s+(?:was|were|is|are)\s+(?:the\s+)?(?:[\w'-]+\s+){0,4}?"
                         r"(captain|commander|commanding officer|skipper|negotiator|head|leader|chair\w*|pilot|"
                         r"spokes\w+)\b|"
                         r"\bwho\s+(captained|commanded|led|headed|negotiated|chaired|piloted|skippered)\b", re.I)
_LEADING = "lead|led|head|chair"  # who led a side headed it, or chaired it
_ROLE_STEM = {"led": _LEADING, "leader": _LEADING, "head": _LEADING, "headed": _LEADING, "chaired": _LEADING,
              "commanding officer": "command", "commanded": "command", "commander": "command", "captained": "captain",
              "negotiated": "negotiat", "negotiator": "negotiator", "piloted": "pilot", "skippered": "skipper"}


def unrecorded_role_holder(parsed: ParsedQuestion, retrieved: list[Source]) -> bool:
    """'Who captained BRP Teresa Magbanua at Kagoshima?', 'Who was Japan's chief negotiator at the first RAA
    round?' when no sentence of the best items gives that role ('commander', 'led', 'negotiator') in an item
    naming what the question names after it: people at an event are not its captain or its negotiator."""
    text = asking(parsed.text)
    if not (asked := _ROLE_ASKED.search(text)):
        return False
    role = (asked.group(1) or asked.group(2)).lower()
    given = re.compile(rf"\b(?:{_ROLE_STEM.get(role, role[:5])})\w*", re.I)
    return not stated(retrieved, spellings(text[asked.end():]), all, lambda one: bool(given.search(one)), title=False,
                      occasion=parsed)

