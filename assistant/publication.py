"""Is what a question asks about the study as a publication in the material? Who wrote, published or funded
it, how long it is, how it is catalogued or reviewed, and how its research was done (its interviews,
sources, archives) are answered only where the material states them; the study's argument is asked
elsewhere (``handlers.argument``)."""

from __future__ import annotations

import re

from assistant.parse import ParsedQuestion
from core.model import Source

# Each as asked, and as the material would state it ('written by …', '212 pages').
_MAKERS_ASKED = re.compile(r"\b(?:who|which)\b[^?]*\b(?:author|authors|wrote|written|writer|publish\w*|fund\w*)\b|"
                           r"^\s*(?:was|were|is|did)\b[^?]*\b(?:written|authored|published|funded|sponsored|"
                           r"commissioned|paid for)\s+by\b", re.I)  # 'Was the research funded by Tokyo?'
_MAKERS_NAMED = re.compile(r"\b(?:written|authored|published|funded|edited) by [A-Z]")
_LENGTH_ASKED = re.compile(r"\bhow many (?:pages|words)\b|\bhow long is (?:the|this) (?:study|report|paper)\b|"
                           r"\b(?:page|word) count\b", re.I)
_LENGTH_NAMED = re.compile(r"\b\d[\d,]* (?:pages|words)\b")
_RECORD = r"\b(?:peer[- ]review\w*|refereed|ISBN|ISSN|DOI|impact factor|citation count)\b"
_RECORD_ASKED = re.compile(_RECORD, re.I)
_RECORD_NAMED = re.compile(_RECORD)  # as a catalogue writes it: 'ISBN 978-…', 'peer-reviewed'
# How the research was done: its interviews, sources, archives or method, where the material describes them.
_METHOD = re.compile(r"\b(?:interview\w*|primary sources?|bibliograph\w*|archiv\w*|field ?work|methodolog\w*|"
                     r"(?:foot|end)notes?|data ?sets?|sources? (?:does|did|do) (?:the )?(?:study|report|paper|authors?|"
                     r"research))\b", re.I)


def unrecorded_publication(parsed: ParsedQuestion, retrieved: list[Source]) -> bool:
    """Who wrote, published or funded the study, how long it is, how it is catalogued or reviewed, or how the
    research was done, when the material does not say."""
    return any(asked.search(parsed.text) and not any(named.search(f"{s.title} {s.text}") for s in retrieved)
               for asked, named in ((_MAKERS_ASKED, _MAKERS_NAMED), (_LENGTH_ASKED, _LENGTH_NAMED),
                                    (_RECORD_ASKED, _RECORD_NAMED), (_METHOD, _METHOD)))
