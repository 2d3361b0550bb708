"""Is the value a question asks for stated about its subject? The thing being on record is not its every
figure being on record: a meeting is recorded without its length or its building, a loan without its size
or rate, a vote without its tally, a ship without its captain, a policy without a poll. Each check reads
the question for the kind of value it asks (a count, a duration, a vote tally, the holder of a role, a
building, a percentage, a public's opinion, what a force has) and looks among the best items for a sentence
that states one of that kind about what the question names (``on_record.stated``). A sum of money is checked
in ``assistant.asked_money``, a speed, range or weight in ``assistant.asked_measure``, a date in
``assistant.asked_date``."""

from __future__ import annotations

import re

from assistant.anchors import MONTH_WORDS
from assistant.handlers.how_many import COUNT_NUMBER, PEOPLE_COUNTED, count_matches, counted_as, counted_noun, counts
from assistant.handlers.where import places
from assistant.on_record import STATEMENT_ITEMS, asking, named_in, spellings, stated
from assistant.parse import EVENT_KINDS, ParsedQuestion, interval_ends
from core.countries import demonyms, states_named
from core.dates import MONTH_PATTERN
from core.model import Source
from core.text import NUMBER_WORDS, STOPWORDS, sentences, stem, tokens
from index.lexical import item_words

_MONTH = rf"(?:{MONTH_PATTERN})"
_COUNT = rf"(?:\d[\d,.]*|{'|'.join(NUMBER_WORDS)}|an?|half an?)"

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


_SEATS_ASKED = re.compile(r"\bseats?\b", re.I)
_SEATS = re.compile(r"\b\d[\d,]*\s+(?:of (?:the |its )?\d[\d,]*\s+)?seats?\b", re.I)


def unrecorded_tally(parsed: ParsedQuestion, retrieved: list[Source]) -> bool:
    """'What was the vote count in the House of Representatives on the RAA?' when no sentence of the best
    items gives a tally ('19-0', '237 votes', 'unanimously') about what the question names: the record
    dates votes without counting them."""
    text = asking(parsed.text)
    if not _TALLY_ASKED.search(text):
        return False
    tally = _SEATS if _SEATS_ASKED.search(text) else _TALLY  # seats won are not votes cast ('291 votes')
    return not stated(retrieved, spellings(text), all, lambda one: bool(tally.search(one)), occasion=parsed)


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
    as members of what the noun names ('12 members of the … Engineer Combat Battalion': engineers). A count
    of one side's people does not answer for another side (``_counts_side``), nor one contingent for all
    taking part (``_counts_all``). Not checked: a count of occurrences, found by counting events, and a thing
    the best items never name in any word the record counts it by ('guardsmen', 'GIs'): the asker's word,
    which a count of personnel may answer. A name none of the best items uses is left to scope's other rules,
    as for durations."""
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
    members = re.compile(rf"\b{COUNT_NUMBER}\s+(?:members|personnel|people|staff)\s+of\b[^.;]*?\b{re.escape(noun)}",
                         re.I)
    if sides := _sides_asked(text, noun):
        answers = lambda one: _counts_side(one, alike, sides) or bool(members.search(one))  # noqa: E731
    elif _ALL_ASKED.search(_count_asked(text, noun)):
        answers = lambda one: _counts_all(one, alike)  # noqa: E731
    else:
        answers = lambda one: any(counts(one, n) for n in alike) or bool(members.search(one))  # noqa: E731
    return not stated(retrieved, _names_used(text, used), all, answers, occasion=parsed)


# Everyone taking part, not one side: 'how many troops took part *altogether*', '*all countries combined*'.
_ALL_ASKED = re.compile(r"\b(?:altogether|in total|in all|all (?:the )?(?:countries|nations|participants|sides|forces)|"
                        r"combined|overall|total number|grand total|(?:whole|entire) (?:exercise|drill|operation))\b",
                        re.I)
_ALL_STATED = re.compile(r"\b(?:total|in all|altogether|combined|overall)\b", re.I)
_OF_A_UNIT = re.compile(r"^\s+(?:of|from)\s+(?:the\s+)?(?:[a-z-]+\s+){0,3}[A-Z]")  # '80 soldiers *of the … Brigade*'


def _count_asked(question: str, noun: str) -> str:
    """The part of ``question`` that asks for the count of ``noun``: from its 'how many' to the next one."""
    asked = re.search(rf"\bhow many\s+(?:(?!how many\b).)*?\b{re.escape(noun)}(?:(?!\bhow many\b).)*", question,
                      re.I | re.S)
    return asked.group(0) if asked else question


def _sides_asked(question: str, noun: str) -> frozenset[str]:
    """The states that qualify the thing counted, by name, people or forces: 'how many *US* Marines', 'how
    many *PAF* personnel', 'how many troops *from Japan's* brigade', 'how many *philippine air force*
    people'."""
    asked = re.search(rf"\bhow many\s+(.*?)\b{re.escape(noun)}\w*((?:\s+(?:from|of)\s+[^,;?]*)?)", question, re.I)
    if not asked:
        return frozenset()
    return states_asked(" ".join(asked.groups()))


def states_asked(words: str) -> frozenset[str]:
    """The states ``words`` name, read also with each lower-case word capitalised: the asker's casing is not
    the name's ('the *japanese* delegation')."""
    return frozenset(states_named(words) + states_named(re.sub(r"\b[a-z]+\b", lambda w: w.group(0).title(), words)))


def _count_clause(sentence: str, count: re.Match[str]) -> str:
    """The words that qualify a count: its clause up to the count, and a 'from …' or 'of …' after it."""
    before = re.split(r",|;|\band\b|\(|\bwith\b", sentence[:count.start()])[-1]
    after = re.match(r"\s+(?:from|of)\s+[^,;()]*", sentence[count.end():])
    return before + count.group(0) + (after.group(0) if after else "")


def _counts_side(sentence: str, alike: frozenset[str], sides: frozenset[str]) -> bool:
    """``sentence`` counts the ``sides``' own people or things: in the clause of the count ('902 US personnel', not
    'about 80 JGSDF troops joined the US-Philippine exercise'), or by their people ('57 South Koreans'). A
    count of a host's side may name the side elsewhere in the sentence ('Japan decided to send … about 1,180
    personnel'), but one that names another side counts that side's ('30 JASDF personnel' are no PAF
    personnel)."""
    if alike == PEOPLE_COUNTED and any(counts(sentence, d) for d in demonyms(sides)):
        return True
    for noun in alike:
        for count in count_matches(sentence, noun):
            named = set(states_named(_count_clause(sentence, count)))
            if sides <= named or (sides <= _HOST_STATES and not named and sides <= set(states_named(sentence))):
                return True
    return False


def _counts_all(sentence: str, alike: frozenset[str]) -> bool:
    """``sentence`` counts everyone taking part: a count not qualified by one side or one unit ('about 80
    soldiers *of the … Brigade*', '150 *SDF* personnel'), or one that says it is the total."""
    for noun in alike:
        for count in count_matches(sentence, noun):
            clause = _count_clause(sentence, count)
            one_part = len(states_named(clause)) == 1 or _OF_A_UNIT.match(sentence[count.end():])
            if not one_part or _ALL_STATED.search(clause):
                return True
    return False


def _used(retrieved: list[Source]) -> set[str]:
    """The words of the best items."""
    return set().union(*(item_words(s.title, s.text, s.actors) for s in retrieved[:STATEMENT_ITEMS]))


def not_given(parsed: ParsedQuestion, retrieved: list[Source], asked: re.Pattern[str], given: re.Pattern[str]) -> bool:
    """The question asks for a value (``asked``) that no sentence of the best items gives (``given``) about the
    names of the question they use, on the occasion asked."""
    text = asking(parsed.text)
    if not asked.search(text):
        return False
    return not stated(retrieved, _names_used(text, _used(retrieved)), all, lambda one: bool(given.search(one)),
                      occasion=parsed)


def _names_used(text: str, used: set[str]) -> list[list[frozenset[str]]]:
    """The question's names that the best items use: one none of them uses (a misspelling, 'Teodorro', or a
    name the corpus lacks) is for scope's other rules to judge, not a reason the value is missing."""
    return [name for name in spellings(text) if named_in(name, used)]


# Who held a role at something: its captain, commander, commandant, negotiator, head, chair, pilot or spokesperson.
_ROLE_ASKED = re.compile(r"\bwho\s+(?:was|were|is|are)\s+(?:the\s+)?(?:[\w'-]+\s+){0,4}?"
                         r"(captain|commandant|commander|commanding officer|skipper|negotiator|head|leader|chair\w*|"
                         r"pilot|spokes\w+)\b|"
                         r"\bwho\s+(captained|commanded|led|headed|negotiated|chaired|piloted|skippered)\b", re.I)
_LEADING = r"lead(?!ers?\b|ership)|led|head|chair"  # who led a side headed it, or chaired it (the leaders did not)
_ROLE_STEM = {"led": _LEADING, "leader": _LEADING, "head": _LEADING, "headed": _LEADING, "chaired": _LEADING,
              "commanding officer": "command", "commanded": "command", "commander": "command", "captained": "captain",
              "negotiated": "negotiat", "negotiator": "negotiator", "piloted": "pilot", "skippered": "skipper",
              "commandant": "commandant"}


def unrecorded_role_holder(parsed: ParsedQuestion, retrieved: list[Source]) -> bool:
    """'Who captained BRP Teresa Magbanua at Kagoshima?', 'Who was Japan's chief negotiator at the first RAA
    round?' when no sentence of the best items gives that role ('commander', 'led', 'negotiator') in an item
    naming what the question names after it: people at an event are not its captain or its negotiator, and
    who led one side did not lead the other."""
    text = asking(parsed.text)
    if not (asked := _ROLE_ASKED.search(text)):
        return False
    role = (asked.group(1) or asked.group(2)).lower()
    given = re.compile(rf"\b(?:{_ROLE_STEM.get(role, role[:5])})\w*", re.I)
    side = _side_of_role(text, asked)
    return not stated(retrieved, spellings(text[asked.end():]), all,
                      lambda one: any(_of_side(one, held, side) for held in given.finditer(one)), title=False,
                      occasion=parsed)


def _of_side(sentence: str, role: re.Match[str], side: frozenset[str]) -> bool:
    """The ``role`` a sentence gives is of the ``side`` asked: its clause names that side, or names none and the
    sentence does ('… Lazaro *leading the Philippine officials*' is no one leading Japan's)."""
    if not side:
        return True
    start = max(sentence.rfind(",", 0, role.start()), sentence.rfind(";", 0, role.start())) + 1
    end = min((i for i in (sentence.find(",", role.end()), sentence.find(";", role.end())) if i >= 0),
              default=len(sentence))
    named = set(states_named(sentence[start:end]))
    return side <= named if named else side <= set(states_named(sentence))


def _side_of_role(question: str, asked: re.Match[str]) -> frozenset[str]:
    """The one side whose role is asked, in the words up to a preposition ('who led *Japan's* delegation at …',
    'who headed the *Philippine* side'): the sentence giving the role must name that side, not the other's
    ('… with Lazaro leading the Philippine side'). A role of both sides or of none asks for no side."""
    up_to_preposition = re.split(r"[,;?]|\b(?:at|in|on|during|for|to|with)\b", question[asked.end():])[0]
    named = states_asked(question[asked.start():asked.end()] + up_to_preposition)
    return named if len(named) == 1 else frozenset()


# A building is asked for by its kind ('in which *building*', 'which *venue*') and named by one ('Malacanang
# *Palace*', 'Camp Aguinaldo'): the city or country of a meeting does not say which building it was in.
_BUILDING_ASKED = re.compile(r"\b(?:venue|building|hotel|hall|room|palace|residence)\b", re.I)
_BUILDING = re.compile(r"\b(?:Palace|Hall|Hotel|Station|Camp|Base|Cent(?:er|re)|Building|House|Office|Residence|Kantei|"
                       r"Malaca[ñn]ang|Ministry|Department|Headquarters|Embassy|Room|Guesthouse|Pambansa)\b")


def unrecorded_building(parsed: ParsedQuestion, retrieved: list[Source]) -> bool:
    """'In which building did Kishida and Marcos hold their summit on 9 February 2023?' when no sentence of
    the best items puts what the question names in a building, other than one the question names itself, and
    in the city it names ('which venue *in Tokyo*': a sentence naming Malacanang and no Tokyo is of another
    meeting)."""
    text = asking(parsed.text)
    if parsed.answer_type != "where" or not _BUILDING_ASKED.search(text):
        return False
    asked = {place.lower() for place in places(text)}
    cities = [place for place in asked if not _BUILDING.search(place.title()) and not set(tokens(place)) <= MONTH_WORDS]
    return not stated(retrieved, _names_used(text, _used(retrieved)), all,
                      lambda one: (any(_BUILDING.search(p) and p.lower() not in asked for p in places(one))
                                   and all(city in one.lower() for city in cities)),
                      occasion=parsed)


# A percentage or rate: 'what tariff rate', 'as a share of GDP', 'what percentage'.
_RATE_ASKED = re.compile(r"\bwhat (?:[\w-]+ ){0,3}?(?:rate|percentage)\b|\b(?:how many|what) per ?cent\b|"
                         r"\bas a (?:share|percentage|proportion) of\b|\b(?:rate|percentage) of\b", re.I)
PERCENT = re.compile(r"\b\d+(?:\.\d+)?\s*(?:%|per ?cent)", re.I)


def unrecorded_rate(parsed: ParsedQuestion, retrieved: list[Source]) -> bool:
    """'What US tariff rate did Ishiba and Marcos discuss?' when no sentence of the best items states a
    percentage about what the question names."""
    return not_given(parsed, retrieved, _RATE_ASKED, PERCENT)


# What a public thinks: 'how popular is the RAA with Filipinos', 'do Japanese voters support …'.
_OPINION_ASKED = re.compile(r"\b(?:popular(?:ity)?|unpopular|polls?|polling|polled|surveys?|surveyed|public opinion|"
                            r"approval ratings?|(?:public|voters|people|citizens|Filipinos|Japanese)\s+(?:support|back|"
                            r"favou?r|oppose|approve|think|feel))\b", re.I)
_OPINION_STATED = re.compile(r"\b(?:polls?|polling|surveys?|surveyed|per ?cent|respondents)\b|%", re.I)


def unrecorded_opinion(parsed: ParsedQuestion, retrieved: list[Source]) -> bool:
    """'Do Japanese voters support defending the Philippines?' when none of the best items reports a poll or
    survey: a public's view is on record only as measured."""
    if not _OPINION_ASKED.search(asking(parsed.text)):
        return False
    return not any(_OPINION_STATED.search(one) for s in retrieved[:STATEMENT_ITEMS] for one in sentences(s.text))


# What a state or force has, as against what took part in an event: 'how many ships does the China Coast
# Guard *operate*', 'how many US troops *are stationed* in Japan', 'the *size of* the PCG's *fleet*'. The
# record counts what took part in its events; a holding is stated only as one ('operates 25 vessels', not
# 'had supplied 12 ships').
_HOLDING_ASKED = re.compile(
    r"\bhow many\b[^?]*\b(?:does|do)\b[^?]*\b(?:have|own|operate|field|maintain|employ|possess|run|keep)\b|"
    r"\bhow many\b[^?]*\b(?:are|is)\s+(?:currently\s+|now\s+|permanently\s+)?(?:stationed|based|garrisoned|in service|"
    r"on active duty)\b|"
    r"\b(?:size|strength) of (?:the )?(?:[\w'-]+ ){0,4}?(?:fleet|navy|army|military|inventory)\b", re.I)
_HOLDING = re.compile(
    r"\b(?:(?:has|have|had)(?!\s+\w+(?:ed|en)\b)|operates?|operated|owns?|owned|fields?|fielded|maintains?|"
    r"employs?|possess\w*)\b[^.;]{0,40}?\b(?!(?:19|20)\d\d\b)\d[\d,]*\s+[a-z]|"
    r"\bfleet of\s+(?:about\s+|some\s+|more than\s+|over\s+)?\d|\b\d[\d,]*-(?:strong|ship|vessel)\b|\bstrength of\b",
    re.I)


def unrecorded_holding(parsed: ParsedQuestion, retrieved: list[Source]) -> bool:
    """'How many ships does the China Coast Guard operate in total?' when no sentence of the best items states
    what the thing named has ('operates …', 'a fleet of …'): counts of what took part in an event do not."""
    return not_given(parsed, retrieved, _HOLDING_ASKED, _HOLDING)
