"""Is a physical measure the question asks for stated? 'How fast is a TC-90?', 'what is the range of the
radar?', 'how heavy is the MRRV?': the record names equipment by what it is and where it went, and gives
a speed, a distance or a weight only where it says one, in that measure's units. A figure in another unit
(a ship's length in metres for its weight) does not answer. Registered in ``assistant.record_checks``."""

from __future__ import annotations

import re

from assistant.asked_value import not_given
from assistant.parse import ParsedQuestion
from core.model import Source

_FIGURE = r"\b\d[\d,.]*\s*"
# Each measure: how a question asks for it, and the units a sentence gives it in.
_MEASURES = {
    "speed": (re.compile(r"\bhow fast\b|\b(?:top|maximum|max|cruising) speed\b|\bspeed of\b|\bwhat speed\b", re.I),
              re.compile(rf"{_FIGURE}(?:knots|kts|km/h|kph|mph|miles per hour|kilomet(?:re|er)s per hour)\b|\bMach\b",
                         re.I)),
    "distance": (re.compile(r"\bhow far can\b|\b(?:maximum |max |operational |combat )?range of\b|"
                            r"\bwhat(?:'s| is) (?:the |its )?range\b|\bendurance\b", re.I),
                 re.compile(rf"{_FIGURE}(?:km|kilomet\w+|miles|nautical miles|nm)\b|{_FIGURE}hours?\b", re.I)),
    "weight": (re.compile(r"\bhow heavy\b|\bhow much does (?:a |an |the |one )?[\w -]{0,30}weigh\b|\bdisplacement\b|"
                          r"\bweight of\b|\bhow many tons\b", re.I),
               re.compile(rf"{_FIGURE}(?:tons?|tonnes?|t|kg|kilograms?|pounds|lb)\b", re.I)),
}


def unrecorded_measure(parsed: ParsedQuestion, retrieved: list[Source]) -> bool:
    """'How fast is a TC-90? top speed?' when no sentence of the best items gives a figure in that measure's
    units about what the question names."""
    return any(not_given(parsed, retrieved, asked, given) for asked, given in _MEASURES.values())
