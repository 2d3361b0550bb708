"""The ``Assistant``: question in, cited and verified ``Answer`` out. The app, the API, the CLI and
the eval runner all use this one class. Answering is a short pipeline: parse the question
(``assistant.parse``), let the handler for its type draft the answer (``assistant.handlers``),
render and number its citations (``assistant.render``), verify every sentence (``assistant.verify``)."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace

from assistant.compose import Claim
from assistant.catalog import Catalog
from assistant.handlers import handler_for
from assistant.llm import LLMBackend, LLMError, answer_messages, complete, condense_messages, make_backend
from assistant.parse import ABOUT_STUDY, ParsedQuestion, parse
from assistant.query import QueryPlan, expand
from assistant.render import render
from assistant.retrieval import DocumentTable, HybridRetriever, RetrievalFilters
from assistant.scope import Scope
from core.text import MARKER, numbers, sentences, tokens
from core.model import Answer, Citation, Source, Turn
from assistant.verify import check_answer
from index.embedding import Embedder
from core.settings import Settings
from index.store import VectorStore

MAX_QUESTION_CHARS = 2000
REFUSAL = ("The study does not appear to cover this question: nothing in its chapters or timeline answers it "
           "closely enough to cite. The nearest material is listed under the sources.")
_ORDINALS = {"first", "second", "third", "fourth", "fifth", "sixth"}
LLM_CONTEXT_ITEMS = 4  # what fits a small model's 2k-token window with room to answer
# Invisible characters that a pasted question may carry; they count as whitespace.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), " ")


class InvalidQuestion(ValueError):
    pass


class Assistant:
    def __init__(self, settings: Settings, *, embedder: Embedder | None = None, store: VectorStore | None = None,
                 backends: dict[str, LLMBackend | None] | None = None):
        self.settings = settings
        self.embedder = embedder or Embedder(settings.index.embedding_model_path)
        self.store = store or VectorStore(settings)
        collection, self.manifest = self.store.open_current()
        self.table = DocumentTable.from_collection(collection, settings.index.study)
        self.retriever = HybridRetriever(collection, self.embedder, self.table, top_k=settings.retrieval.top_k,
                                         study=settings.index.study)
        self.sentences = self.store.open_sentences(self.manifest.build_id)
        self.scope = Scope(self.table.sources)
        self.people = self.table.people()
        self._backends: dict[str, LLMBackend | None] = dict(backends or {})
        self._backends_lock = threading.Lock()
        self.retriever.dense("warm-up", RetrievalFilters(), 1)  # first inference is slow; pay it at start-up

    def backend(self, name: str | None = None) -> LLMBackend | None:
        name = name or self.settings.llm.backend
        with self._backends_lock:  # web requests arrive on several threads; load a model once
            if name not in self._backends:
                self._backends[name] = make_backend(self.settings, name)
            return self._backends[name]

    def catalog(self) -> Catalog:
        """Every event and chapter this assistant can cite, for the timeline and chapter views."""
        return Catalog.build(self.table, self.settings.index.corpus_dir)

    # -- public -----------------------------------------------------------------------------
    def ask(self, question: str, history: tuple[Turn, ...] | list[Turn] = (), *,
            filters: RetrievalFilters | None = None, backend: str | None = None) -> Answer:
        answer = None
        for event in self.ask_stream(question, history, filters=filters, backend=backend):
            if event["type"] == "answer":
                answer = event["answer"]
        return answer

    def ask_stream(self, question: str, history: tuple[Turn, ...] | list[Turn] = (), *,
                   filters: RetrievalFilters | None = None, backend: str | None = None) -> Iterator[dict]:
        """Yield ``{"type": "delta", "text": ...}`` while the answer is produced (a model's draft, or
        the extractive sentences), then ``{"type": "answer", "answer": Answer}``: the verified answer,
        which replaces any draft. A bad question raises ``InvalidQuestion`` here, not on first use."""
        question = _clean(question)
        return self._stream(question, tuple(history), filters, self.backend(backend))

    def _stream(self, question: str, history: tuple[Turn, ...], filters: RetrievalFilters | None,
                llm: LLMBackend | None) -> Iterator[dict]:
        """parse -> handler -> compose -> verify (then, with a model, rephrase and verify again)."""
        started = time.perf_counter()
        parsed = self._parse(question, history, llm)
        ctx = self._context(parsed, filters)
        retrieve_ms = (time.perf_counter() - started) * 1000
        if self._outside_record(ctx.filters) or self._outside_scope(parsed, ctx):
            answer = Answer(question, REFUSAL, retrieved=ctx.retrieved, refused=True)
            yield {"type": "delta", "text": REFUSAL}
        else:
            answer = self._compose(question, parsed, ctx)
            if llm is None or answer.answer_type == "list":
                for sentence in sentences(answer.answer) if answer.answer_type != "list" else [answer.answer]:
                    yield {"type": "delta", "text": sentence + " "}
            else:
                answer = yield from self._llm_answer(llm, parsed.text, ctx.retrieved, answer)
        answer.answer_type = parsed.answer_type
        yield {"type": "answer", "answer": self._finish(answer, parsed, started, retrieve_ms)}

    def _context(self, parsed: ParsedQuestion, chosen: RetrievalFilters | None) -> "AskContext":
        chosen = chosen or RetrievalFilters()  # the user's own filters are always hard
        filters = self._resolve_time(_merge(chosen, parsed.plan), parsed.plan)
        retrieved = self._search(parsed.search_text, filters, chosen)
        return AskContext(self, parsed, retrieved, filters)

    def _compose(self, question: str, parsed: ParsedQuestion, ctx: "AskContext") -> Answer:
        drafts = [handler_for(part.answer_type)(ctx, part) for part in parsed.parts]
        claims: list[Claim] = []
        for draft in drafts:
            claims += [c for c in draft.claims if c.text not in {x.text for x in claims}]
        is_list = len(drafts) == 1 and drafts[0].is_list
        retrieved = list(drafts[0].retrieved) if is_list else list(ctx.retrieved)  # a list's items come first
        for source in [s for d in drafts for s in d.retrieved] + ctx.retrieved:
            if source not in retrieved:
                retrieved.append(source)
        if not claims:
            return Answer(question, REFUSAL, retrieved=retrieved, refused=True)
        text, cited = render(claims, heading=drafts[0].heading if is_list else None, as_list=is_list)
        answer = Answer(question, text, retrieved=retrieved)
        answer.answer_type = "list" if is_list else parsed.answer_type
        return self._verified(answer, cited)

    def timeline(self, filters: RetrievalFilters) -> list[Source]:
        """Every timeline event that matches ``filters``, in date order: a list is answered completely,
        not cut at top-k."""
        mask = self.table.mask(replace(filters, kinds=("event",)))
        return sorted((s for s, keep in zip(self.table.sources, mask) if keep), key=lambda s: (s.date or "", s.ref))

    def resolve_event(self, phrase: str, exclude: frozenset[str] = frozenset()) -> Source | None:
        """The timeline event a phrase names ("the RAA was signed", "the second 2+2"). Among
        events about as close as the best, an ordinal in the phrase must match the title; otherwise
        the one whose title shares most words wins, then the closer match ('agree to work toward a first
        2+2' is not the first 2+2), then the earlier (anniversaries come later than their event). A year
        in the phrase picks among events of that year; ``exclude`` names events already taken."""
        hits = self.retriever.search(expand(phrase), RetrievalFilters(kinds=("event",)), top_k=8)
        hits = [h for h in hits if h.ref not in exclude]
        years = set(re.findall(r"\b(?:19|20)\d\d\b", phrase))
        if years and any((h.date or "")[:4] in years for h in hits):  # 'Balikatan 2025' is the 2025 one
            hits = [h for h in hits if (h.date or "")[:4] in years]
        if not hits or max(h.similarity for h in hits) < self.settings.retrieval.refusal_threshold:
            return None
        best = max(h.similarity for h in hits)
        wanted = set(tokens(expand(phrase)))
        ordinals = wanted & _ORDINALS

        def rank(s: Source):  # ordinals and title words first, then the closer match, then the earlier
            title = set(tokens(s.title))
            return (-3 * len(ordinals & title) - len((wanted - _ORDINALS) & title), -s.similarity, s.date or "")

        return min((h for h in hits if h.similarity >= best - 0.15), key=rank)

    # -- steps ------------------------------------------------------------------------------
    def _parse(self, question: str, history: tuple[Turn, ...], llm: LLMBackend | None) -> ParsedQuestion:
        """The rule-based parse; with a model, a follow-up's rewrite may come from the model instead,
        if it keeps the question's words and brings no figures of its own."""
        parsed = parse(question, history)
        if llm is None or not parsed.rewritten:
            return parsed
        try:
            condensed = complete(llm, condense_messages(question, [(t.role, t.content) for t in history])).strip()
        except LLMError:
            return parsed
        condensed = condensed.splitlines()[0].strip() if condensed else ""
        said = " ".join([question] + [t.content for t in history])
        invented = numbers(condensed) - numbers(said)
        if (8 <= len(condensed) <= 300 and not invented and condensed.rstrip().endswith("?")
                and set(tokens(condensed)) >= set(tokens(question))):
            return replace(parse(condensed), original=question, rewritten=True, context=parsed.context)
        return parsed

    def _resolve_time(self, filters: RetrievalFilters, query: QueryPlan) -> RetrievalFilters:
        for relation, phrase in query.anchors:
            event = self.resolve_event(phrase)
            if event and event.date:
                filters = replace(filters, **{relation: event.date})
        return filters

    def _search(self, text: str, filters: RetrievalFilters, chosen: RetrievalFilters) -> list[Source]:
        """A period named in a question is a preference, not a filter: 'Japan agreed in 2023 to
        finance the ships, right?' must still find the 2024 event that corrects it. Results inside
        the period are fused with those under the user's filters alone (inside counts double)."""
        if filters == chosen:
            return self.retriever.search(text, filters)
        anywhere = self.retriever.search(text, chosen)
        fused = self.retriever.fuse([self.retriever.search(text, filters)] * 2 + [anywhere])
        # The scope check asks how close the study comes to the question at all, period aside.
        best = max((s.similarity for s in anywhere), default=0.0)
        return fused if not fused or max(s.similarity for s in fused) >= best else fused[:-1] + anywhere[:1]

    def _outside_scope(self, parsed: ParsedQuestion, ctx: "AskContext") -> bool:
        """A list over a period is answered from the timeline's events in it, whatever words retrieval
        matched, unless it names something the corpus never mentions. A question about the study's own
        argument is inside unless it names something the corpus never mentions or nothing comes close:
        its words are the asker's paraphrase of the study's concepts. Any other question must be
        supported by its best evidence (``assistant.scope``)."""
        if parsed.answer_type in ("list", "range") and (ctx.filters.has_time or parsed.answer_type == "range"):
            return bool(self.scope.unknown_names(parsed) or self.scope.unknown_words(parsed))
        if ABOUT_STUDY.search(parsed.text):  # the study's own argument, asked in the asker's words
            floor = self.settings.retrieval.refusal_threshold
            return bool(self.scope.unknown_names(parsed)) or max((s.similarity for s in ctx.retrieved), default=0) < floor
        return self.scope.outside(parsed, ctx.retrieved, self.settings.retrieval.refusal_threshold)

    def _outside_record(self, filters: RetrievalFilters) -> bool:
        """A question about a period the record does not reach (e.g. 2026 when it ends in 2025)."""
        events = self.table.events()
        if not events or (filters.year_from is None and filters.year_to is None):
            return False
        first, last = int(events[0].date[:4]), int(events[-1].date[:4])
        return (filters.year_from or first) > last or (filters.year_to or last) < first

    def _verified(self, answer: Answer, cited: list[Source]) -> Answer:
        checked = check_answer(answer.answer, cited)
        failed = {m for c in checked if not c.supported for m in c.markers}
        answer.citations = [Citation(f"[{n}]", s, verified=n not in failed) for n, s in enumerate(cited, start=1)]
        return answer

    def _llm_answer(self, llm: LLMBackend, question: str, retrieved: list[Source], fallback: Answer):
        """Let the model phrase the answer from numbered context, then hold it to the extractive
        standard: unsupported sentences are dropped, and if too little survives (or the model is
        down, slow or incoherent) the extractive answer is given with a visible notice."""
        context = retrieved[:LLM_CONTEXT_ITEMS]
        draft = ""
        try:
            for piece in llm.stream(answer_messages(question, context)):
                draft += piece
                yield {"type": "delta", "text": piece}
        except LLMError as exc:
            fallback.notice = f"The {llm.name} model could not answer ({exc}); showing the extractive answer."
            return fallback
        checked = check_answer(draft.strip(), context)
        kept = [c for c in checked if c.supported]
        if not kept or len(kept) * 2 < len(checked):
            fallback.notice = (f"The {llm.name} model's answer could not be verified against its sources "
                               f"({len(kept)} of {len(checked)} sentences supported); showing the extractive answer.")
            return fallback
        numbering: dict[int, int] = {}
        for c in kept:
            for m in c.markers:
                numbering.setdefault(m, len(numbering) + 1)
        text = " ".join(MARKER.sub(lambda m: f"[{numbering[int(m.group(1))]}]", c.text) for c in kept)
        cited = [context[m - 1] for m in numbering]
        answer = Answer(fallback.question, text, retrieved=retrieved, backend=llm.name)
        answer.citations = [Citation(f"[{n}]", s) for n, s in enumerate(cited, start=1)]
        if len(kept) < len(checked):
            answer.notice = f"{len(checked) - len(kept)} unsupported sentence(s) were removed from the model's answer."
        return answer

    def _finish(self, answer: Answer, parsed: ParsedQuestion, started: float, retrieve_ms: float) -> Answer:
        total = (time.perf_counter() - started) * 1000
        answer.standalone_question = parsed.text if parsed.rewritten else None
        answer.timings_ms = {"retrieve": retrieve_ms, "answer": total - retrieve_ms, "total": total}
        return answer


@dataclass
class AskContext:
    """What a handler sees of one question (``assistant.handlers.Context``)."""

    assistant: Assistant
    parsed: ParsedQuestion
    retrieved: list[Source]
    filters: RetrievalFilters

    @property
    def table(self) -> DocumentTable:
        return self.assistant.table

    @property
    def persons(self) -> frozenset[str]:
        return self.assistant.people

    def search(self, text: str, filters: RetrievalFilters | None = None, top_k: int | None = None) -> list[Source]:
        return self.assistant.retriever.search(expand(text), filters or self.filters, top_k=top_k)

    def sentence_scores(self, text: str, sources: list[Source]) -> dict[str, list[tuple[str, float]]]:
        return self.assistant.retriever.sentence_scores(self.assistant.sentences, expand(text),
                                                        [s.doc_id for s in sources])

    def resolve_event(self, phrase: str, exclude: frozenset[str] = frozenset()) -> Source | None:
        return self.assistant.resolve_event(phrase)

    def timeline(self, filters: RetrievalFilters) -> list[Source]:
        return self.assistant.timeline(filters)


def _clean(question: str) -> str:
    if not isinstance(question, str):
        raise InvalidQuestion("the question must be text")
    question = question.translate(_INVISIBLE)
    if not question.strip():
        raise InvalidQuestion("the question is empty")
    if len(question) > MAX_QUESTION_CHARS:
        raise InvalidQuestion(f"the question is {len(question)} characters long; the limit is {MAX_QUESTION_CHARS}")
    return " ".join(question.split())


def _merge(filters: RetrievalFilters, query: QueryPlan) -> RetrievalFilters:
    """The question's own period narrows the user's filters (never widens them)."""
    year_from = max(filter(None, (filters.year_from, query.year_from)), default=None)
    year_to = min(filter(None, (filters.year_to, query.year_to)), default=None)
    return replace(filters, year_from=year_from, year_to=year_to, on=query.on or filters.on,
                   after=max(filter(None, (filters.after, query.after)), default=None),
                   before=min(filter(None, (filters.before, query.before)), default=None))
