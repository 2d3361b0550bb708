"""Yes/no questions that carry a premise ('The RAA was signed in 1999, right?'): find what the record
says about the subject, then say Yes when the values the question asserts (years, dates, numbers,
people) are in that evidence, and No with the correct values when they are not."""

from __future__ import annotations

import re

from assistant.anchors import mentions
from assistant.compose import Candidate, Claim
from assistant.handlers import Context, Draft, handler_for, register_handler
from assistant.handlers.argument import about_study, argument_sources
from assistant.handlers.facts import answer_from
from assistant.handlers.when import has_date
from assistant.parse import HOSTS, PARTICIPLE, QuestionPart, answer_type, named_things, without_values
from assistant.query import GLOSSARY, months_named
from core.dates import MONTH_NAMES, YEAR
from core.text import QUOTATION, STOPWORDS, numbers, stem, tokens
from core.model import Source

PREMISE_SENTENCES = 4
# Claims whose evidence a typed handler finds better than a plain search: a date, people, a place, a
# count, the study's argument. Not an ordinal: 'the first … to visit under Duterte' is a phrase of the
# record's own text, which a plain search finds, not the earliest item of a kind.
CLAIM_HANDLERS = ("when", "who", "where", "how-many", "argument", "reason", "definition")


# A number inside a name asserts nothing: 'TC-90', 'P-3C', 'UH-1H', '2+2'.
_DESIGNATION = re.compile(r"\b[A-Za-z]+-\d\w*|\b\d+\+\d+\b")


def asserted(question: str, persons: frozenset[str]) -> tuple[set[str], set[str]]:
    """(numbers, people) the question asserts."""
    people = {p for p in persons if " " not in p and re.search(rf"\b{re.escape(p)}\b", question)}
    return numbers(_DESIGNATION.sub(" ", question)), people


_PLACE_CLAIMED = re.compile(r"\b(?:in|at)\s+([A-Z][a-z]+(?:\s+[A-Z][a-z]+)*)")


def asserted_places(question: str) -> set[str]:
    """Places the question asserts something happened in ('signed in Tokyo'); months are dates, not places."""
    return {p for p in _PLACE_CLAIMED.findall(question) if p.split()[0].lower() not in MONTH_NAMES}


def _states_place(place: str, evidence: str) -> bool:
    """``evidence`` names ``place`` as a place ('at Malacanang Palace in Manila'), not inside another
    name ('Vientiane Vision 2.0' is no event in Vientiane)."""
    return bool(re.search(rf"\b(?:in|at|to|from|near|off)\s+(?:the\s+)?(?:[A-Z][\w.'-]*\s+){{0,3}}?{re.escape(place)}\b",
                          evidence))


def _interleave(a: list[Source], b: list[Source]) -> list[Source]:
    out: list[Source] = []
    for pair in zip(a, b):
        out += [s for s in pair if s not in out]
    return out + [s for s in a + b if s not in out]


_DENIED = re.compile(r"\bnot\b[^,;:)]*")
# The verb a claim asserts: a past form ('signed', 'sold', 'met') or the verb after 'did <name>' ('did Japan
# *amend*'). A value on record with another action ('agreed in October 2025', not signed) is no Yes.
_PAST = {"sold": "sell", "held": "hold", "met": "meet", "made": "make", "sent": "send", "gave": "give",
         "took": "take", "won": "win", "lost": "lose", "led": "lead", "built": "build", "began": "begin",
         "became": "become", "brought": "bring", "bought": "buy", "paid": "pay", "left": "leave", "flew": "fly",
         "told": "tell", "said": "say", "wrote": "write", "chose": "choose", "ran": "run", "saw": "see"}
_DID_VERB = re.compile(r"^\s*(?i:did|does|do|didn't|doesn't)\s+(?:the\s+)?(?:[A-Z][\w'.-]*\s+)+([a-z]+)\b")


def _verbs(text: str) -> set[str]:
    """A text's words as verb stems, a past form read as its verb ('said': 'say')."""
    return {stem(_PAST.get(w, w)) for w in re.findall(r"[a-z]+", text.lower())}


def asserted_actions(question: str) -> set[str]:
    """The stems of the verbs a yes/no claim asserts."""
    words = {w for w in re.findall(r"[a-z]+", QUOTATION.sub(" ", question)) if PARTICIPLE.search(w) or w in _PAST}
    if m := _DID_VERB.search(question):
        words.add(m.group(1))
    return _verbs(" ".join(words))


def quoted(question: str) -> list[str]:
    """Words the question quotes ('that "Taiwan today may be Japan tomorrow"'), as the claim's own words."""
    return [a or b for a, b in QUOTATION.findall(question)]


def verdict(claim: Claim, said: set[str], people: set[str], months: frozenset[str] = frozenset(),
            places: frozenset[str] = frozenset(), actions: frozenset[str] = frozenset(),
            quotes: tuple[str, ...] = ()) -> bool | None:
    """True when the lead sentence (with its item's date) states every asserted value (a month with its
    year too, a place as a place), False when it does not, None when nothing is asserted. The sentence,
    not its whole item: an item on the first MCA that goes on to a June 2025 one does not make the June
    MCA the first, and an event's record mentions other places and years than its own."""
    if not said and not people and not places:
        return None
    # A value the record denies ('agreed in 2024 (not in 2023, as is sometimes assumed)') is not stated.
    evidence = _DENIED.sub(" ", " ".join([claim.text] + [s.date or "" for s in claim.sources]))
    found = numbers(evidence) | {p.lstrip("0") for d in re.findall(r"\d{4}-\d{2}(?:-\d{2})?", evidence) for p in d.split("-")}
    holds = (all(n in found for n in said) and months <= months_named(evidence)
             and all(re.search(rf"\b{re.escape(p)}\b", evidence) for p in people)
             and all(_states_place(p, evidence) for p in places))
    if holds and actions and not actions & _verbs(evidence):
        return None  # the values, but not the action: the record may say it in other words, or say another thing
    if holds and not all(" ".join(tokens(q)) in " ".join(tokens(evidence)) for q in quotes):
        return None  # a quotation the lead does not give: the record may quote other words
    return holds


@register_handler("premise")
def premise(ctx: Context, part: QuestionPart) -> Draft:
    said, people = asserted(part.text, ctx.persons)
    probe = without_values(part.text) if said else part.text
    claim = answer_type(probe, yes_no=False)
    if claim in CLAIM_HANDLERS:  # 'the study says X, doesn't it?': found as the study's argument would be
        draft = handler_for(claim)(ctx, QuestionPart(probe, claim, part.plan))
    else:
        draft = _searched(ctx, part, probe, said)
    if not draft.claims:
        return draft
    judged = verdict(_lead_with_its_event(draft.claims), said, people, frozenset(months_named(part.text)),
                     frozenset(asserted_places(part.text)), frozenset(asserted_actions(part.text)),
                     tuple(quoted(part.text)))
    if judged is not None:
        first = draft.claims[0]
        word = "Yes" if judged else "No"
        text = first.text if _proper(first.text) else first.text[:1].lower() + first.text[1:]
        draft.claims[0] = Claim(f"{word}: {text}", first.sources)
    return draft


def _lead_with_its_event(claims: list[Claim]) -> Claim:
    """The lead and, when it is an event's line, what the answer goes on to say of that event: its date
    line and the sentence naming its place are one statement ('8 July 2024: … sign the RAA'; '… signed at
    Malacanang Palace in Manila')."""
    lead = claims[0]
    if not all(s.kind == "event" for s in lead.sources):
        return lead
    same = [c.text for c in claims[1:] if c.sources == lead.sources]
    return Claim(" ".join([lead.text, *same]), lead.sources)


def _searched(ctx: Context, part: QuestionPart, probe: str, said: set[str]) -> Draft:
    """The evidence for a plain claim. The subject is found with and without the asserted values ('the
    2012 document' names its subject by its year; 'signed in 1999' asserts a wrong one): both searches,
    interleaved; a claim about the study's own argument is checked against the chapters."""
    found = _interleave(ctx.search(probe, ctx.filters), ctx.retrieved) if said else ctx.retrieved
    if about_study(part.text):
        found = argument_sources(ctx, probe)
    names = [n for n in named_things(probe) if re.search(r"[A-Za-z]", n) and n.lower() not in STOPWORDS
             and not set(tokens(n)) <= HOSTS]  # Japan and the Philippines: every record is about them
    if not any(all(_mentions(n, f"{s.title} {s.text}") for n in names) for s in found):
        names = []  # the record never names them together: judged on the nearest record instead
    dated = any(YEAR.fullmatch(n) for n in said)

    def wanted(c: Candidate) -> bool:  # the claim is judged on what the record says of its subject
        return (not dated or has_date(c)) and all(_mentions(n, f"{c.source.title} {c.text}") for n in names)
    return answer_from(ctx, QuestionPart(probe, "fact", part.plan), found, budget=PREMISE_SENTENCES, wanted=wanted)


def _mentions(name: str, text: str) -> bool:
    """``text`` names ``name``: itself, or for an acronym its long form too ('ACSA')."""
    return mentions(name, text) if name in GLOSSARY else bool(re.search(rf"\b{re.escape(name)}", text))


def _proper(text: str) -> bool:
    """Keep the capital of a name or a date ('8 July 2024', 'Japan') after 'Yes:'/'No:'."""
    word = text.split()[0] if text.split() else ""
    return word[:1].isdigit() or (word[:1].isupper() and word.lower() not in {"the", "a", "an", "in", "on", "at", "it",
                                                                           "this", "these", "they", "both", "during"})
