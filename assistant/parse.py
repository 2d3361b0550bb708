"""Question understanding as a typed parse: what kind of answer is wanted, what the question is about,
its parts, its time constraints, and whether it leans on the conversation. Pure functions, no model.

The answer type decides which handler answers (``assistant.handlers``); the parts are answered in
order; a question is rewritten from history only when it cannot stand alone."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from assistant.query import ASKS_ONE_THING, QueryPlan, plan
from core.countries import states_named
from core.dates import MONTH_NAMES, YEAR
from core.text import STOPWORDS, tokens
from core.model import Turn

ANSWER_TYPES = ("premise", "duration", "compare", "range", "list", "how-many", "first-latest", "when", "who", "where",
                "reason", "argument", "definition", "fact")

# Each rule names the answer type a question asks for; the first that matches wins, so the more
# specific shapes (a yes/no premise, a comparison, a span between two events) come first.
_YES_NO = re.compile(r"^\s*(is|are|was|were|did|does|do|has|have|had|can|could|will|would|should|isn'?t|wasn'?t|"
                     r"didn'?t|doesn'?t|hasn'?t|haven'?t)\b|\b(right|correct|true|is that so|no|yeah|yes|eh)\s*\?\s*$|"
                     r",?\s*\b(?:is|was|are|were|did|does|do|has|have|had|will|can)n'?t\s+(?:it|she|he|they|there|"
                     r"that|this|we|you)\s*\??\s*$|"  # 'wasn't it', with or without its question mark
                     r",\s*(?:is|was|are|were|did|does|do|has|have|had|will|can)\s+(?:it|she|he|they|there|"
                     r"that|this|we|you)\s*\?\s*$|^\s*(is it true|it is true|am i right|true or false)\b", re.I)
_COMPARE = re.compile(r"\b(compare|compared|comparison|differ|differs|differed|difference|differences|versus|vs\.?|"
                      r"contrast|side by side|similarities|how (?:is|was|were|are) .+ different)\b", re.I)
_HAPPENED = re.compile(r"\b(happen\w*|occur\w*|took place|take place|events?|milestones?|developments?|"
                       r"went on|was done|were done|followed)\b", re.I)
_HAPPENING_IN = re.compile(r"\b(?:happen\w*|occur\w*|took place|take place)\s+(?:in|during)\s+(?:(?:early|late|mid)[- ])?"
                           r"(?:\w+\s+)?(?:19|20)\d\d\b", re.I)
_SPAN = re.compile(r"\bbetween\s+(?!japan\b|the philippines\b|tokyo\b|manila\b)(.{3,80}?)\s+and\s+(.{3,80}?)\s*(?:[?.;,]|$)"
                   r"|\b(after|since|following)\s+(.{3,80}?)\s+(?:and\s+)?(?:before|until|up to)\s+(.{3,80}?)\s*(?:[?.;]|$)",
                   re.I)
# Kinds of timeline event: a question asking for several of them is answered from the timeline.
EVENT_KINDS = ("exercises|drills|meetings|summits|visits|talks|agreements|deals|pacts|transfers|deliveries|"
               "incidents|equipment|capacity[- ]building|contacts|clashes|confrontations|events|milestones|"
               "developments|steps|port calls|trainings|seminars|dialogues|statements|projects|loans|grants|"
               "packages|activities|sails|patrols|exchanges|handovers")
_LIST = re.compile(rf"^\s*(list|name|enumerate|give me (?:a|the) list|show me)\b|\btimeline of\b|"
                   rf"\bwhat(?:\s+[\w-]+){{0,3}}?\s+(?:happened|took place|occurred)\b|"
                   rf"\ball (?:the )?(?:\w+ )?(?:{EVENT_KINDS})\b|"
                   rf"\b(?:what|which)\s+(?:(?:were|are|have been|was)\s+)?(?:all\s+)?(?:the\s+)?(?:[\w+-]+\s+){{0,3}}?"
                   rf"(?:{EVENT_KINDS})\b|\b(?:rundown|run-down|recap|round-?up) of\b", re.I)
_HOW_MANY = re.compile(r"\bhow (many|much|large|big|long)\b|\b(what|which) (number|amount|total|sum|value|size|"
                       r"length|cost|price)\b|\bin total\b|\bnumber of\b|\bhow many times\b", re.I)
_FIRST = re.compile(r"\b(first|earliest|initial|inaugural)\b", re.I)
# 'When did X first join Y?' asks for the earliest occasion; 'When was the first 2+2 held?' for the date of
# a named event.
_FIRST_OCCASION = re.compile(r"\b(?:did|does|do|has|have|had)\b(?:\s+[\w'-]+){1,7}?\s+(?<!\bthe )(?<!\ba )(?<!\bits )"
                             r"(?<!\btheir )first\s+(?!time\b)[a-z]+", re.I)
_LATEST = re.compile(r"\b(latest|most recent|last|newest|final|recent)\b", re.I)
_WHEN = re.compile(r"^\s*(when|what date|what day|what year|what month|on what date|in what year|in which year|"
                   r"by when|since when)\b|\bwhen (?:was|were|did|does|do|is|had|has)\b|\b(what|which) (date|year|month|day)\b", re.I)
_WHO = re.compile(r"^\s*(who|whom|whose)\b|\b(who|whom)\b|\bwhich (?:\w+ )?(minister|ministers|official|officials|"
                  r"person|people|leader|leaders|president|presidents|pm|pms|premier|secretary|ambassador|chief|admiral|"
                  r"general|spokesperson|spokesman|spokeswoman|shipyard|builder|manufacturer|country|"
                  r"countries|nations?|states?|agency|agencies|company|companies|firm|shipbuilder|side|party|"
                  r"parties|officer|officers|governments?|ministry|ministries|service|services|unit|units)\b|"
                  r"\bwhat (company|companies|firm|agency|country|countries|official|minister|pm|shipyard)\b", re.I)
_WHERE = re.compile(r"^\s*where\b|\bwhere (?:was|were|did|is|are|do|does)\b|\b(in|at) (?:which|what) (city|place|"
                    r"building|venue|location|port|base|province|country|island|area)\b|\b(what|which) (city|place|"
                    r"venue|location|port|base|building|province|island)\b", re.I)
_REASON = re.compile(r"^\s*why\b|\bwhy (did|do|does|was|were|is|are|has|have)\b|\b(what|which) (drove|drives|led|"
                     r"prompted|caused|motivated|pushed|explains|made)\b|\b(reasons?|motives?|motivations?|"
                     r"drivers?|driving factors?|factors?|rationale|causes?|effects?|impact|consequences?|"
                     r"results?|outcomes?|purpose|aim|goal)\b|\b(lead|led) to\b|\bmade possible\b|\bmake possible\b|"
                     r"\benable[ds]?\b", re.I)
# A question that opens by asking why asks for a reason, whatever ordinal its subject carries ('Why was the
# first JASDF-PAF training limited to ground work?').
_ASKS_WHY = re.compile(r"^\s*(?:and\s+)?why\b|^\s*(?:and\s+)?(what|which) (drove|led|prompted|caused|motivated|pushed)\b", re.I)
_ARGUMENT = re.compile(r"\b(study|author|authors|report|thesis|paper)\b.*\b(argue|argues|argued|argument|claim|claims|"
                       r"conclude|concludes|conclusion|conclusions|recommend|recommends|recommendations?|suggest|"
                       r"suggests|propose|proposes|predict|predicts|expect|expects|view|views|see|sees|assess|"
                       r"assesses|assessment|say|says|frame|frames|framework|define|defines|definition|"
                       r"implications?|outlook|prospects?|finding|findings|main point|central|core|thesis|"
                       r"contribution|describe|describes|characteri[sz]e|characteri[sz]es|call|calls|mean|means)\b|"
                       r"\b(argue|argues|argument|conclude|concludes|conclusion|policy implications?|recommend\w*|"
                       r"quasi-alliance|quasi alliance|prospects?|outlook)\b", re.I)
ABOUT_STUDY = re.compile(r"\b(the|this) (study|report|author|authors|paper|thesis|research)\b|\bstudy'?s\b|"
                         r"\bthe author'?s\b", re.I)
_DEFINITION = re.compile(r"^\s*(what|who)(?: (is|are|was|were)|'s) (?:the |an? )?[\w\s'+().-]{1,60}\?*\s*$|\bdefin(e|ition)\b|"
                         r"\bwhat does .{2,60} (mean|stand for|refer to|do|cover|provide for)\b|\bmeaning of\b|"
                         r"\bwhat is meant by\b", re.I)

# A follow-up leans on the conversation: it opens with a connective or is an ellipsis, or it refers
# back with a pronoun while naming nothing of its own for the pronoun to point at.
_CONNECTIVE = re.compile(r"^\s*(and|also|what about|how about|then|so|but|plus|same for|and what about|ok(?:ay)?,?\s+and)\b", re.I)
_BACK_REFERENCE = re.compile(r"\b(it|its|they|them|their|theirs|this|that|these|those|he|she|him|her|his|there|"
                             r"the same|the other|the others|one|ones|former|latter)\b", re.I)
# The sides of the study's story, each named in several ways: its two countries and the two powers around them.
SIDES = (frozenset(tokens("Japan Japanese Tokyo")), frozenset(tokens("Philippines Philippine Filipino Manila PH")),
         frozenset(tokens("China Chinese Beijing PRC")),
         frozenset(tokens("United States US America American Washington")))
HOSTS = SIDES[0] | SIDES[1]
PARTIES = frozenset().union(*SIDES) | frozenset(tokens("study report"))  # named in almost every question


def other_states(text: str) -> list[str]:
    """The states ``text`` names beside the story's four sides ('Malaysia', 'the Vietnamese navy')."""
    return [state for state in states_named(text) if not set(tokens(state)) & PARTIES]


# Roles a question asks about, not things it names: 'which earlier Japanese PM did he …' still leans on 'he'.
ROLES = frozenset(tokens("PM President Premier Minister Secretary Ambassador Spokesperson Spokesman Spokeswoman",
                         keep_stopwords=True))

_WH_SPLIT = re.compile(r"\s*(?:,|;)?\s+and\s+(?=(?:when|where|who|whom|what|which|how|why|did|was|were|is|are|has|have|"
                       r"does|do)\b)|\?\s+(?=\S)", re.I)


@dataclass(frozen=True)
class QuestionPart:
    """One thing a question asks; compound questions have several, answered in order."""

    text: str  # as retrieval should see it (the subject of an earlier part carried into a bare one)
    answer_type: str
    plan: QueryPlan


@dataclass(frozen=True)
class ParsedQuestion:
    original: str
    text: str  # standalone form: the original, or rewritten from the history when it depends on it
    answer_type: str
    parts: tuple[QuestionPart, ...]
    plan: QueryPlan  # time constraints, categories, anchors for the whole question
    subject: tuple[str, ...] = ()  # stemmed content words
    claimed: tuple[str, ...] = ()  # values a yes/no question asserts (years, dates, numbers)
    rewritten: bool = False
    context: str = ""  # what a follow-up was read against (the earlier question's subject)
    previous_answer: str = ""  # for a follow-up, the answer it follows: what the asker has been told already

    @property
    def search_text(self) -> str:
        """What retrieval looks for: a premise's asserted values are left out, so the subject is
        found and not a passage that merely shares the (possibly wrong) year."""
        return self.plan.text

    @property
    def compound(self) -> bool:
        return len(self.parts) > 1

    @property
    def ordinal(self) -> str | None:
        if _FIRST.search(self.text):
            return "first"
        if _LATEST.search(self.text):
            return "latest"
        return None


_HOW_LONG = re.compile(r"\bhow long\b|\bhow many (?:days|weeks|months|years)\b", re.I)
_ENDS = (_SPAN, re.compile(r"\bfrom\s+(.{3,80}?)\s+(?:to|until|till)\s+(.{3,80}?)\s*(?:[?.;]|$)", re.I))


def interval_ends(question: str) -> tuple[str, str] | None:
    """The two ends of a 'how long …' question ('between signing the RAA and its entry into force',
    'from signature to entry into force'); None for any other question."""
    if not _HOW_LONG.search(question):
        return None
    for pattern in _ENDS:
        if m := pattern.search(question):
            return m.group(1).strip(" ,"), m.group(2).strip(" ,")
    return None


def _dated_span(question: str) -> bool:
    """'… between 2011 and 2013', 'since March 2022 until 2024': a question about a period between two
    dates asks what the record holds in it, whatever its verb ('what did the relationship look like')."""
    m = _SPAN.search(question)
    ends = [g for g in (m.groups() if m else ()) if g and not re.fullmatch(r"after|since|following", g, re.I)]
    return bool(ends) and all(YEAR.search(g) for g in ends)


def answer_type(question: str, query: QueryPlan | None = None, *, yes_no: bool = True) -> str:
    """The kind of answer a question wants, from its shape (see ``ANSWER_TYPES``); ``yes_no=False``:
    the kind a yes/no question's claim is about ('The study says …, doesn't it?' -> argument)."""
    q = question.strip()
    query = query or plan(q)
    if yes_no and _YES_NO.search(q) and not re.match(r"^\s*(what|which|who|when|where|how|why)\b", q, re.I):
        return "premise"
    if interval_ends(q):
        return "duration"
    if _HOW_MANY.search(q):
        return "how-many"
    if _COMPARE.search(q):
        return "compare"
    if ((_HAPPENED.search(q) and not ASKS_ONE_THING.match(q) and (_SPAN.search(q) or (query.anchors and query.has_time)))
            or _dated_span(q)):
        return "range"
    if _HAPPENING_IN.search(q) and re.match(r"^\s*(what|which)\b", q, re.I):
        return "list"  # 'what trilateral firsts happened in June 2023?': the record's events in that period
    if ABOUT_STUDY.search(q):
        return "argument"  # what the study says, whatever the shape: its questions, its reasons, its period
    if _WHO.search(q) and re.match(r"^\s*(which|who)\b", q, re.I):
        return "who"  # 'which ministers …': people, not a timeline list
    if _LIST.search(q):
        return "list"
    if ((_FIRST.search(q) or _LATEST.search(q)) and (not _WHEN.search(q) or _FIRST_OCCASION.search(q))
            and not _WHO.search(q) and not _WHERE.search(q) and not _ASKS_WHY.search(q)):
        return "first-latest"
    if _WHEN.search(q):
        return "when"
    if _WHERE.search(q):
        return "where"
    if _WHO.search(q) and not re.match(r"^\s*(what|how)\b", q, re.I):
        return "who"
    if _REASON.search(q):
        return "reason"
    if _ARGUMENT.search(q):
        return "argument"
    if _DEFINITION.search(q):
        return "definition"
    return "fact"


def content_words(text: str) -> list[str]:
    """Stemmed words that carry meaning (question words, auxiliaries and the like removed). An acronym
    stays one word: what it is matched against carries both forms ('RAA' and its long form)."""
    return [t for t in tokens(text) if t not in QUESTION_VOCABULARY]


# Words about asking rather than about the study: question words, list and time vocabulary, filler.
QUESTION_VOCABULARY = frozenset(tokens(
    "what when where who why how which many much did does do say said says tell explain explains describe mention "
    "according happen happened happening occur occurred took take place event events name names list compare "
    "differ difference versus right correct true yes yeah no ever still also really very else exactly actually "
    "finally overall milestone milestones development developments timeline chronology overview "
    "summary summarize summarise please pls detail details point points main exact specific specifically briefly "
    "short quick add adding added far so led lead leads prompt prompted cause caused causes trigger triggered spark "
    "sparked drove drive drives motivate motivated reason reasons background kind type way thing things anything something major key "
    "important get got give given involve involved record time year years date day month "
    "argument arguments core central thesis claim claims conclude concludes conclusion main view views "
    "jan feb mar apr jun jul aug sep sept oct nov dec", keep_stopwords=True))
# Verbs as written, not stemmed ('what call *sign*': a noun), which end the noun phrase a question asks for.
VERB_WORDS = frozenset("take took taken join joined joins live lived lives go went come came make made get got "
                       "build built send sent signed hold held happen happened become became serve served sat sit "
                       "fly flew flown agree agreed discuss discussed decide decided produce produced cover covered "
                       "include included involve involved achieve achieved".split())
PARTICIPLE = re.compile(r"..[^e]ed$", re.I)  # 'carried', 'signed'; not 'need', 'speed', 'agreed'
# Words any question about the study may use without them being its specific content.
GENERIC = QUESTION_VOCABULARY | PARTIES | frozenset(tokens(
    "study report chapter title author book paper publication argue role part relation relations relationship "
    "cooperation defense defence country countries two both side sides people person persons new old first latest "
    "last recent earliest earlier later previous former next most inaugural maiden initial", keep_stopwords=True))


def subject_words(text: str) -> list[str]:
    """The words of a question as written that name its subject, to carry into a bare follow-up or part."""
    return [w for w in re.findall(r"[A-Za-z0-9][\w+'.-]*", text)
            if w.lower() not in STOPWORDS and tokens(w) and tokens(w)[0] not in QUESTION_VOCABULARY]


def named_things(text: str) -> list[str]:
    """Words of the question that name something specific: capitalised words not opening the
    question, acronyms, numbers and '2+2'."""
    words = re.findall(r"[A-Za-z0-9][\w+'.-]*", text)
    out = []
    for i, w in enumerate(words):
        w = w.strip(".'")
        if re.fullmatch(r"\d+\+\d+|\d[\d.,]*", w) or (len(w) > 1 and w.isupper()) or (i > 0 and w[:1].isupper()):
            out.append(w)
    return out


def depends_on_history(question: str) -> bool:
    """True for a question that cannot be answered without the conversation before it."""
    if _CONNECTIVE.search(question) or _ORDINAL_ELLIPSIS.match(question):
        return True
    if not _BACK_REFERENCE.search(question):
        return len(content_words(question)) == 0  # "When?" "Why?"
    before = question[: _BACK_REFERENCE.search(question).start()]
    own = [t for w in named_things(before) for t in tokens(w)
           if t not in PARTIES and t not in ROLES and not t.isdigit()]
    # "Who signed it?", "How did the 2019 version differ from it?"; not "When was the RAA signed and when did it …"
    return not own


def standalone(question: str, history: tuple[Turn, ...] | list[Turn]) -> tuple[str, str]:
    """(question as it stands alone, the context it was read against or ''). A self-contained
    question is returned unchanged whatever the history."""
    previous = [t.content for t in history if t.role == "user"]
    if not previous or not depends_on_history(question):
        return question, ""
    if swapped := _ordinal_swap(question, previous[-1]):
        return swapped, previous[-1]
    if dated := _that_year(question, history):
        return dated
    own = set(tokens(question))
    for earlier in reversed(previous[-3:]):  # the nearest earlier question that names something
        carried = [w for w in subject_words(earlier) if w.lower().strip(".?'") not in own and len(w) > 1]
        if carried:
            context = " ".join(carried).strip("?.")
            body = _CONNECTIVE.sub("", question).strip(" ,").rstrip("?").strip()
            body = body[:1].upper() + body[1:]
            return f"{body} ({context})?", context
    return question, ""


_THAT_YEAR = re.compile(r"\b(?:in\s+)?(?:that|the same) year\b", re.I)


def _that_year(question: str, history: tuple[Turn, ...] | list[Turn]) -> tuple[str, str] | None:
    """'What else happened that year?' is asked about the year the last answer (or question) gave."""
    if not _THAT_YEAR.search(question):
        return None
    for turn in reversed(history[-2:]):
        if years := YEAR.findall(turn.content):
            return _THAT_YEAR.sub(f"in {years[-1]}", question), years[-1]
    return None


_ORDINALS = r"first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|last|latest|earliest|next|previous"
_ORDINAL_ELLIPSIS = re.compile(rf"^\s*(?:the\s+)?({_ORDINALS})(?:\s+(?:one|ones|time|edition|meeting))?\s*\??\s*$", re.I)


def _ordinal_swap(question: str, earlier: str) -> str | None:
    """'And the second one?' after 'When was the first 2+2 held?' -> 'When was the second 2+2 held?'."""
    m = _ORDINAL_ELLIPSIS.match(_CONNECTIVE.sub("", question))
    old = re.search(rf"\b({_ORDINALS})\b", earlier, re.I)
    if not m or not old:
        return None
    return earlier[: old.start()] + m.group(1).lower() + earlier[old.end():]


_BARE_WH = re.compile(r"^\s*(when|where|who|why|how|what|which)\s*$", re.I)


def split_parts(question: str) -> list[str]:
    """'When was X signed and when did it enter into force?' -> two questions; 'When and where did
    X happen?' -> 'When did X happen?' and 'where did X happen?'."""
    pieces = [p.strip(" ,;") for p in _WH_SPLIT.split(question) if p and p.strip(" ,;?")]
    for i in range(len(pieces) - 1):
        if _BARE_WH.match(pieces[i]):  # a bare question word shares the rest of the next part
            rest = re.sub(r"^\s*\w+", "", pieces[i + 1], count=1)
            pieces[i] = pieces[i].strip().capitalize() + rest
    return [p if p.endswith("?") else p + "?" for p in pieces] or [question]


def without_values(question: str) -> str:
    """The question with the dates and figures it asserts taken out."""
    text = re.sub(rf"\b(?:(?:in|on|by)\s+)?(?:\d{{1,2}}\s+)?(?:(?:{'|'.join(MONTH_NAMES)})\s+)?(?:19|20)\d\d\b", " ",
                  question, flags=re.I)
    return " ".join(re.sub(r"\b\d[\d,.]*\b", " ", text).split())


def _claimed_values(question: str) -> tuple[str, ...]:
    return tuple(re.findall(rf"{YEAR.pattern}|\b\d+(?:[.,]\d+)?\b", question))


# A question word or a yes/no shape gives a question its own shape; 'what about …' does not.
_QUESTION_WORD = re.compile(r"\b(?:when|where|who|whom|whose|why|which|how(?! about)|what(?! about))\b", re.I)


def _own_subject(piece: str) -> bool:
    """A part names its own subject: a name other than the two countries, or an ordinal ('the second one')."""
    return bool([w for w in named_things(piece) if tokens(w) and tokens(w)[0] not in PARTIES]
                or re.search(rf"\b(?:{_ORDINALS})\b", piece, re.I))


def parse(question: str, history: tuple[Turn, ...] | list[Turn] = ()) -> ParsedQuestion:
    text, context = standalone(question, history)
    query = plan(text)
    # The question's own words give its shape; the carried context only its subject ('What did they agree
    # at that meeting (first 2+2)?' asks what was agreed, not for a first) unless the referent is the study.
    asked = text if not context or ABOUT_STUDY.search(context) else text.replace(f" ({context})", "")
    kind = answer_type(asked, query)
    if context and not (_QUESTION_WORD.search(asked) or _YES_NO.search(asked)):  # 'And the JICA loan agreement itself?': asked as before
        earlier = next((t.content for t in reversed(history) if t.role == "user"), "")
        kind = answer_type(earlier, plan(earlier)) if earlier else kind
    if kind == "premise":  # its years and figures are claims to check, not a period to search in
        query = replace(query, year_from=None, year_to=None, on=None, after=None, before=None)
    elif kind == "argument":  # the study's framing of a period ('why start in 2016?') is not a filter
        query = replace(query, year_from=None, year_to=None, on=None, after=None, before=None, anchors=())
    pieces = split_parts(text) if kind != "range" else [text]
    if context and len(pieces) > 1 and f"({context})" not in pieces[0] and not _own_subject(pieces[0]):
        pieces[0] = f"{pieces[0].rstrip('?')} ({context})?"  # 'How many took part, and …?': about what it follows up
    parts = []
    lead_subject = ""
    for i, piece in enumerate(pieces):
        piece_kind = answer_type(piece) if len(pieces) > 1 else kind
        if i and lead_subject and not _own_subject(piece):
            piece = f"{piece.rstrip('?')} ({lead_subject})?"  # "... and when did it enter into force?"
        if not lead_subject:
            lead_subject = " ".join(subject_words(piece))
        parts.append(QuestionPart(piece, piece_kind, plan(piece) if len(pieces) > 1 else query))
    if len(parts) > 1 and kind != "premise":
        kind = parts[0].answer_type  # each part keeps its own type; the first names the whole
    told = next((t.content for t in reversed(history) if t.role == "assistant"), "") if context else ""
    return ParsedQuestion(original=question, text=text, answer_type=kind, parts=tuple(parts), plan=query,
                          previous_answer=told,
                          subject=tuple(dict.fromkeys(content_words(text))),
                          claimed=_claimed_values(text) if kind == "premise" else (),
                          rewritten=text != question, context=context)


