"""Is the date a question asks for, or asserts, one the record can give? Registered in
``assistant.record_checks``; both look at the whole record, not only the best items, because a date is
the record's to give only if no item anywhere gives it.

- A when-question asks the date of what it names. An event is dated, but it dates what it is about — its
  title, opening sentence and actors — not everything its text mentions: 'When did the Japan-UK RAA enter
  into force?' is not answered by the Japan-Philippines RAA's entry into force, whose event mentions the
  UK as an earlier partner. A chapter sentence dates what it names only if it gives a year, and not what it
  names only for comparison ('… in force on 11 September 2025, *after Japan's earlier RAAs with Australia*').
- A yes/no question asking about a year after the record ends ('has the Philippines signed a GSOMIA with
  Japan in 2026 yet?') asks what the record cannot show either way."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from assistant.on_record import asking, named_in, of_occasion, spellings, uncompared
from assistant.parse import ParsedQuestion
from assistant.query import GLOSSARY
from core.countries import states_named
from core.dates import YEAR
from core.model import Source
from core.text import sentences
from index.lexical import item_words

_OPENING = 2  # an event's text opens with its date and title, then the sentence that says what happened
_ACRONYM = re.compile(r"\b([A-Z]{2,})s?\b")
_ASKS_WHETHER = re.compile(r"\s*(?:did|has|have|had|is|are|was|were|does|do)\b", re.I)
_ITEMS = 1 << 12  # items remembered read: the record serves a few hundred


def unrecorded_date(parsed: ParsedQuestion, record: Sequence[Source]) -> bool:
    """'When did France and the Philippines start …', 'When did the Japan-UK RAA enter into force?' when no
    item of the record dates what the question names: an event about all its names, or a chapter sentence
    naming them with a year. A name the record never uses (a misspelling) is for scope's other rules."""
    if parsed.answer_type != "when":
        return False
    text = asking(parsed.text)
    # An organisation's acronym the glossary does not spell out ('MOD', 'DND') may be written out in its event.
    unread = {word.lower() for word in _ACRONYM.findall(text) if word not in GLOSSARY and not states_named(word)}
    names = [name for name in spellings(text)
             if any(named_in(name, _words(s)) for s in record) and not any(spelling <= unread for spelling in name)]
    if not names:
        return False
    return not any(all(named_in(name, words) for name in names)
                   for s in record if of_occasion(s, parsed) for words in _dated(s))


def unrecorded_claimed_year(parsed: ParsedQuestion, record: Sequence[Source]) -> bool:
    """A yes/no question asking whether something happened in a year later than the record's last event
    ('*Did* Takaichi visit Manila in 2026?'). A claim stated for checking ('The RAA entered into force in
    2026, right?') is left to the premise handler: the record may date that event earlier, and say no."""
    if parsed.answer_type != "premise" or not parsed.claimed or not _ASKS_WHETHER.match(asking(parsed.text)):
        return False
    last = max((s.date[:4] for s in record if s.kind == "event" and s.date), default="")
    return any(len(value) == 4 and value.isdigit() and value > last for value in parsed.claimed)


@functools.lru_cache(maxsize=_ITEMS)
def _words(source: Source) -> frozenset[str]:
    return frozenset(item_words(source.title, source.text, source.actors))


@functools.lru_cache(maxsize=_ITEMS)
def _dated(source: Source) -> tuple[frozenset[str], ...]:
    """The words of what ``source`` dates: an event's title, opening and actors; each sentence of a chapter
    passage that gives a year. Names given only for comparison ('its third partner *after Australia*') are
    not what it dates."""
    if source.kind == "event":
        opening = uncompared(" ".join(sentences(source.text)[:_OPENING]))
        return (frozenset(item_words(source.title, opening, source.actors)),)
    return tuple(frozenset(item_words("", uncompared(one), ())) for one in sentences(source.text) if YEAR.search(one))
