"""The ``Assistant``: question in, cited and verified ``Answer`` out. The app, the API, the CLI and
the eval runner all use this one class. Answering is a short pipeline: parse the question
(``assistant.parse``), let the handler for its type draft the answer (``assistant.handlers``),
render and number its citations (``assistant.render``), verify every sentence (``assistant.verify``)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace

from assistant.anchors import resolve_event, resolve_tenure, resolve_time
from assistant.catalog import Catalog
from assistant.compose import Claim
from assistant.handlers import Draft, handler_for
from assistant.llm import BACKENDS, LLMBackend, make_backend
from assistant.parse import ParsedQuestion
from assistant.query import QueryPlan, expand
from assistant.render import render
from assistant.rephrase import model_answer, parse_with_model
from assistant.retrieval import DocumentTable, HybridRetriever, RetrievalFilters
from assistant.scope import Scope, outside_record
from assistant.verify import check_answer
from core.model import Answer, AnswerDelta, Citation, FinalAnswer, Source, StreamEvent, Turn
from core.settings import Settings
from core.text import sentences
from index.embedding import Embedder
from index.offices import load_offices
from index.serving import open_snapshot
from index.store import VectorStore

MAX_QUESTION_CHARS = 2000
REFUSAL = ("The study does not appear to cover this question: nothing in its chapters or timeline answers it "
           "closely enough to cite. The nearest material is listed under the sources.")
# Invisible characters that a pasted question may carry; they count as whitespace.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), " ")


class InvalidQuestion(ValueError):
    pass


class Assistant:
    def __init__(self, settings: Settings, *, embedder: Embedder | None = None, store: VectorStore | None = None,
                 backends: dict[str, LLMBackend | None] | None = None):
        if settings.llm.backend not in BACKENDS:
            raise ValueError(f"STUDY_BACKEND: unknown backend {settings.llm.backend!r}; known: {', '.join(BACKENDS)}")
        self.settings = settings
        self.embedder = embedder or Embedder(settings.index.embedding_model_path)
        self.store = store or VectorStore(settings)
        collection, self.manifest = self.store.open_current()
        snapshot = open_snapshot(self.store, self.manifest.build_id, collection, settings.index.study)
        self.table = DocumentTable.from_snapshot(snapshot)
        self.retriever = HybridRetriever(collection, self.embedder, self.table, snapshot.lexical,
                                         top_k=settings.retrieval.top_k, study=settings.index.study)
        self.sentences = self.store.open_sentences(self.manifest.build_id)
        self.scope = Scope(snapshot.document_frequency, len(snapshot.ids), self.table.sources)
        self.people = self.table.people()
        self.offices = load_offices(settings.index.corpus_dir)  # leaders' terms, which name periods
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
            if isinstance(event, FinalAnswer):
                answer = event.answer
        return answer

    def ask_stream(self, question: str, history: tuple[Turn, ...] | list[Turn] = (), *,
                   filters: RetrievalFilters | None = None, backend: str | None = None) -> Iterator[StreamEvent]:
        """Yield an :class:`AnswerDelta` for each piece while the answer is produced (a model's draft, or
        the extractive sentences), then one :class:`FinalAnswer`: the verified answer, which replaces any
        draft. A bad question raises ``InvalidQuestion`` here, not on first use."""
        question = _clean(question)
        return self._stream(question, tuple(history), filters, self.backend(backend))

    def _stream(self, question: str, history: tuple[Turn, ...], filters: RetrievalFilters | None,
                llm: LLMBackend | None) -> Iterator[StreamEvent]:
        """parse -> handler -> compose -> verify (then, with a model, rephrase and verify again)."""
        started = time.perf_counter()
        parsed = parse_with_model(question, history, llm)
        ctx = self._context(parsed, filters)
        retrieve_ms = (time.perf_counter() - started) * 1000
        if (outside_record(self.table.events(), ctx.filters)
                or self.scope.refuses(parsed, ctx.filters, ctx.retrieved, self.settings.retrieval.refusal_threshold)):
            answer = Answer(question, REFUSAL, retrieved=ctx.retrieved, refused=True)
            yield AnswerDelta(REFUSAL)
        else:
            answer = self._compose(question, parsed, ctx)
            if llm is None or answer.answer_type == "list":
                for sentence in sentences(answer.answer) if answer.answer_type != "list" else [answer.answer]:
                    yield AnswerDelta(sentence + " ")
            else:
                answer = yield from model_answer(llm, parsed.text, ctx.retrieved, answer)
        answer.answer_type = parsed.answer_type
        yield FinalAnswer(self._finish(answer, parsed, started, retrieve_ms))

    def _context(self, parsed: ParsedQuestion, chosen: RetrievalFilters | None) -> "AskContext":
        chosen = chosen or RetrievalFilters()  # the user's own filters are always hard
        filters = resolve_tenure(resolve_time(_merge(chosen, parsed.plan), parsed.plan, self.resolve_event),
                                 parsed.plan, self.offices)
        retrieved = self._search(parsed.search_text, filters, chosen)
        return AskContext(self, parsed, retrieved, filters)

    def _compose(self, question: str, parsed: ParsedQuestion, ctx: "AskContext") -> Answer:
        drafts: list[Draft] = []
        dated: frozenset[str] = frozenset()  # the items earlier 'when' parts led with: two dates asked are two moments
        for part in parsed.parts:
            answered = dated if part.answer_type == "when" else frozenset()
            draft = handler_for(part.answer_type)(replace(ctx, answered=answered), part)
            if part.answer_type == "when" and draft.claims and draft.claims[0].sources:
                dated |= {draft.claims[0].sources[0].ref}
            drafts.append(draft)
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
        """The timeline event a phrase names (``assistant.anchors``)."""
        return resolve_event(self.retriever, phrase, self.settings.retrieval.refusal_threshold, exclude)

    # -- steps ------------------------------------------------------------------------------
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

    def _verified(self, answer: Answer, cited: list[Source]) -> Answer:
        checked = check_answer(answer.answer, cited)
        failed = {m for c in checked if not c.supported for m in c.markers}
        answer.citations = [Citation(f"[{n}]", s, verified=n not in failed) for n, s in enumerate(cited, start=1)]
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
    answered: frozenset[str] = frozenset()  # what earlier parts of the same type answered with

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
        return self.assistant.resolve_event(phrase, exclude)

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
