"""Is the sum of money a question asks for stated about its subject? A loan, a grant or a relief mission is
on record without its size; a sum is stated only in the currency the record gives it, for the whole or for
one unit as written, and of the kind of money asked (a loan, a grant, a state's spending). Registered in
``assistant.record_checks``; the other values a question may ask for are in ``assistant.asked_value``."""

from __future__ import annotations

import re

from assistant.asked_value import PERCENT, states_asked
from assistant.on_record import STATEMENT_ITEMS, asking, spellings, stated
from assistant.parse import ParsedQuestion
from core.countries import states_named
from core.model import Source

# A sum of money: asked with 'how much' (of a kind of money), a money noun's size ('how big was the yen loan')
# or its price.
_MONEY_ASKED = re.compile(r"\bhow much (?:did|has|have|was|is|will|does)\b|"
                          r"\bhow much (?:[\w-]+ ){0,2}?(?:money|funding|funds|aid|financing|grants?|loans?|assistance|"
                          r"ODA|investment|credit|subsid\w+)\b|"  # 'how much *grant aid* did Japan give …'
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
    names; asked in a currency ('in US dollars'), a sum in that currency: the record does not convert; asked
    for one ('each', 'on its own'), a sum for one; asked of a kind (a loan, a grant, spending), a sum of
    that kind (``_of_kind``)."""
    text = asking(parsed.text)
    if parsed.answer_type not in ("how-many", "fact", "definition") or not _MONEY_ASKED.search(text):
        return False
    currency = _IN_CURRENCY.search(text)
    amount = _CURRENCIES[currency.group(1).lower().rstrip("s")] if currency else _AMOUNT
    per_one = bool(_PER_ONE_ASKED.search(text))
    names = spellings(text)
    sum_given = lambda one: bool(amount.search(one)) and (not per_one or bool(_PER_ONE.search(one)))  # noqa: E731
    if not stated(retrieved, names, all, sum_given, occasion=parsed):
        return True
    return not _of_kind(parsed, retrieved, names)


# Which kind of money is asked: a state's spending, a loan or a grant. A sum of another kind in the same item
# does not give it ('the package was valued at 10.68 billion yen' is no sum of the MRT-3 loan its event mentions).
_SIZE_ASKED = r"\b(?:how much|how big|how large|size of|amount of|value of)\b(?:\s+[\w'-]+){0,5}?\s+"
_SPENDING = re.compile(r"\b(?:spend\w*|spent|budgets?|expenditures?|outlays?)\b", re.I)
_MONEY_KINDS = (
    (re.compile(r"\b(?:spend|spending|spent|budget|expenditure)\b", re.I), _SPENDING),
    (re.compile(rf"{_SIZE_ASKED}loans?\b", re.I), re.compile(r"\bloans?\b", re.I)),
    (re.compile(rf"{_SIZE_ASKED}grants?\b", re.I), re.compile(r"\bgrants?\b", re.I)))


def _of_kind(parsed: ParsedQuestion, retrieved: list[Source], names: list[list[frozenset[str]]]) -> bool:
    """A sum (or share of GDP) of the one kind of money the question asks, if it asks one: in a sentence
    naming that kind, or in an event whose title does ('… sign the yen loan'). One state's spending is stated
    in a sentence naming that state: Japan's 2% of GDP is not the Philippines'."""
    text = asking(parsed.text)
    kinds = [given for asked, given in _MONEY_KINDS if asked.search(text)]
    if len(kinds) != 1:
        return True
    kind = kinds[0]
    spender = states_asked(text) if kind is _SPENDING else frozenset()
    figure = lambda one: (bool(_AMOUNT.search(one) or PERCENT.search(one))  # noqa: E731
                          and (len(spender) != 1 or spender <= set(states_named(one))))
    titled = [s for s in retrieved[:STATEMENT_ITEMS] if s.kind == "event" and kind.search(s.title)]
    return (stated(titled, names, all, figure, occasion=parsed)
            or stated(retrieved, names, all, lambda one: figure(one) and bool(kind.search(one)), occasion=parsed))


# The price of one ('how much does *one* … cost', 'the radar *on its own*'): a total for several, or for a
# package it is part of, does not give it.
_PER_THING = r"per (?:unit|ship|vessel|boat|aircraft|plane|radar|piece)"
_PER_ONE_ASKED = re.compile(rf"\bhow much (?:does|did|do|would|will) (?:one|a single|each)\b|"
                            rf"\b(?:price|cost) of (?:one|a single|each|an?)\b|\beach\b|\bapiece\b|\b{_PER_THING}\b|"
                            r"\bunit (?:price|cost)\b|\bon (?:its|their) own\b|\balone\b", re.I)
_PER_ONE = re.compile(rf"\b(?:each|apiece|{_PER_THING}|unit (?:price|cost)|a piece)\b", re.I)
