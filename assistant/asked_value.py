"""Is the value a question asks for stated about its subject? The thing being on record is not its every
figure being on record: a meeting is recorded without its length, a loan without its size, a vote
without its tally, a ship without its captain. Each check reads the question for the kind of value it
asks (a sum of money, a duration, a vote tally, the holder of a role) and looks among the best items for
a sentence that states one of that kind about what the question names (``on_record.stated``).

Counts of things ('how many US Marines') are not checked this way: a count is written in too many words
for the thing counted ('about 80 soldiers' for troops), and a check of the noun refused answerable
questions that unseen writers asked."""

from __future__ import annotations

import re

from assistant.on_record import STATEMENT_ITEMS, asking, named_in, spellings, stated
from assistant.parse import ParsedQuestion, interval_ends
from core.dates import MONTHS
from core.model import Source
from core.text import NUMBER_WORDS
from index.lexical import item_words

_MONTH = rf"(?:{'|'.join(MONTHS)})"
_COUNT = rf"(?:\d[\d,.]*|{'|'.join(NUMBER_WORDS)}|an?|half an?)"

# A sum of money: asked with 'how much', a money noun's size ('how big was the yen loan') or its price.
_MONEY_ASKED = re.compile(r"\bhow much (?:money|funding|aid|financing|did|has|have|was|is|will|does)\b|"
                          r"\b(?:budget|price|cost|value|worth)\b|"
                          r"\bhow (?:big|large)\b[^?]*\b(?:loan|grant|package|aid|contract|deal|investment|pledge)\b", re.I)
_AMOUNT = re.compile(r"(?:¥|\$|\b(?:USD|US\$|JPY|PHP|P)\s?)\d|\b\d[\d,.]*\s*(?:million|billion|trillion)?\s*"
                     r"(?:yen|dollars?|pesos?)\b", re.I)


def unrecorded_sum(parsed: ParsedQuestion, retrieved: list[Source]) -> bool:
    """'How much money has Japan committed to the Luzon Economic Corridor?', 'What did the Haiyan relief
    deployment cost?' when no sentence of the best items states a sum of money about what the question
    names."""
    text = asking(parsed.text)
    if parsed.answer_type not in ("how-many", "fact") or not _MONEY_ASKED.search(text):
        return False
    return not stated(retrieved, spellings(text), all, lambda one: bool(_AMOUNT.search(one)))


# How long something lasted — not the time between two events (``handlers.duration`` computes that from
# their dates), nor a ship's length.
_DURATION_ASKED = re.compile(r"\bhow long\b|\bhow many (?:minutes|hours|days|weeks|months|years)\b", re.I)
_LENGTH_ASKED = re.compile(r"\bhow long (?:is|are|was|were) (?:the |these |those |its |their )?(?:[\w-]+ ){0,3}?"
                           r"(?:ships?|vessels?|boats?|escorts?|destroyers?|frigates?|cutters?|aircraft|planes?|runways?)\b",
                           re.I)
# A conversation lasts minutes or hours: the dates of the visit it was part of do not say how long it was.
_CONVERSATION = re.compile(r"\b(?:call|calls|speech|talks|meeting|meet|met|summit|conversation|address|session|"
                           r"interview|conference)\b", re.I)
_LASTED = re.compile(rf"\b{_COUNT}[\s-](?:minutes?|hours?|days?|weeks?|months?|years?)\b"
                     r"(?! (?:before|after|later|earlier|ago|into)\b)", re.I)  # 'a week before' is when, not how long
_SPAN = re.compile(rf"\b\d{{1,2}}\s*(?:-|–|to)\s*\d{{1,2}}\s+{_MONTH}\b|\bfrom \d{{1,2}}(?: [A-Z][a-z]+)? to \d{{1,2}}\b|"
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
    used = set().union(*(item_words(s.title, s.text, s.actors) for s in retrieved[:STATEMENT_ITEMS]))
    names = [name for name in spellings(text) if named_in(name, used)]
    return not stated(retrieved, names, all,
                      lambda one: bool(_LASTED.search(one) or (not conversation and _SPAN.search(one))))


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
    return not stated(retrieved, spellings(text), all, lambda one: bool(_TALLY.search(one)))


# Who held a role at something: its captain, commander, negotiator, head, chair, pilot or spokesperson.
_ROLE_ASKED = re.compile(r"\bwho\s+(?:was|were|is|are)\s+(?:the\s+)?(?:[\w'-]+\s+){0,4}?(captain|commander|commanding officer|"
                         r"skipper|negotiator|head|leader|chair\w*|pilot|spokes\w+)\b|"
                         r"\bwho\s+(captained|commanded|led|headed|negotiated|chaired|piloted|skippered)\b", re.I)
_LEADING = "lead|led|head|chair"  # who led a side headed it, or chaired it
_ROLE_STEM = {"led": _LEADING, "leader": _LEADING, "head": _LEADING, "headed": _LEADING, "chaired": _LEADING,
              "commanding officer": "command", "commanded": "command", "commander": "command", "captained": "captain",
              "negotiated": "negotiat", "negotiator": "negotiat", "piloted": "pilot", "skippered": "skipper"}


def unrecorded_role_holder(parsed: ParsedQuestion, retrieved: list[Source]) -> bool:
    """'Who captained BRP Teresa Magbanua at Kagoshima?', 'Who was Japan's chief negotiator at the first RAA
    round?' when no sentence of the best items gives that role ('commander', 'led', 'negotiator') in an item
    naming what the question names after it: people at an event are not its captain or its negotiator."""
    text = asking(parsed.text)
    if not (asked := _ROLE_ASKED.search(text)):
        return False
    role = (asked.group(1) or asked.group(2)).lower()
    given = re.compile(rf"\b(?:{_ROLE_STEM.get(role, role[:5])})\w*", re.I)
    return not stated(retrieved, spellings(text[asked.end():]), all, lambda one: bool(given.search(one)), title=False)

