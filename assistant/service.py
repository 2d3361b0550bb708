"""The ``Assistant``: question in, cited and verified ``Answer`` out. The app, the API, the CLI and
the eval runner all use this one class."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import replace

from assistant.extractive import Claim, ExtractiveAnswerer, render, render_list
from assistant.llm import LLMBackend, LLMError, answer_messages, complete, condense_messages, make_backend
from assistant.query import QueryPlan, plan, standalone_question
from assistant.retrieval import DocumentTable, HybridRetriever, RetrievalFilters
from assistant.text import numbers, sentences, tokens
from assistant.types import Answer, Citation, Source, Turn
from assistant.verify import MARKER, check_answer
from index.embedding import Embedder
from index.settings import Settings
from index.store import VectorStore

MAX_QUESTION_CHARS = 2000
REFUSAL = ("The study does not appear to cover this question: nothing in its chapters or timeline answers it "
           "closely enough to cite. The nearest material is listed under the sources.")
_ORDINALS = {"first", "second", "third", "fourth", "fifth", "sixth"}
LLM_CONTEXT_ITEMS = 4
# Refusal calibration, set from evals/questions.yaml runs (docs/benchmarks.md): below this best
# similarity, the mean of that similarity and the evidence's coverage of the question's
# (rarity-weighted) words must reach MIN_SUPPORT.
CONFIDENT_SIMILARITY = 0.6
MIN_SUPPORT = 0.43  # what fits a small model's 2k-token window with room to answer


class InvalidQuestion(ValueError):
    pass


class Assistant:
    def __init__(self, settings: Settings, *, embedder: Embedder | None = None, store: VectorStore | None = None,
                 backends: dict[str, LLMBackend | None] | None = None):
        self.settings = settings
        self.embedder = embedder or Embedder(settings.embedding_model_path)
        self.store = store or VectorStore(settings)
        collection, self.manifest = self.store.open_current()
        self.table = DocumentTable.from_collection(collection, settings.study)
        self.retriever = HybridRetriever(collection, self.embedder, self.table, top_k=settings.top_k,
                                         study=settings.study)
        self.sentences = self.store.open_sentences(self.manifest.build_id)
        self.extractive = ExtractiveAnswerer()
        self._backends: dict[str, LLMBackend | None] = dict(backends or {})
        self._backends_lock = threading.Lock()
        self.retriever.dense("warm-up", RetrievalFilters(), 1)  # first inference is slow; pay it at start-up

    def backend(self, name: str | None = None) -> LLMBackend | None:
        name = name or self.settings.backend
        with self._backends_lock:  # web requests arrive on several threads; load a model once
            if name not in self._backends:
                self._backends[name] = make_backend(self.settings, name)
            return self._backends[name]

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
        started = time.perf_counter()
        standalone = self._standalone(question, tuple(history), llm)
        query = plan(standalone)
        chosen = filters or RetrievalFilters()  # the user's own filters are always hard
        filters = self._resolve_time(_merge(chosen, query), query)

        if query.wants_list and (filters.has_time or query.categories):
            items = self.timeline_items(query, filters)
            if items:
                retrieve_ms = (time.perf_counter() - started) * 1000
                answer = self._list_answer(question, items)
                yield {"type": "delta", "text": answer.answer}
                yield {"type": "answer", "answer": self._finish(answer, standalone, started, retrieve_ms)}
                return
        retrieved = self._search(query.text, filters, chosen)
        if query.wants_first or query.wants_latest:
            retrieved = _order_by_time(retrieved, latest=query.wants_latest and not query.wants_first)
        retrieve_ms = (time.perf_counter() - started) * 1000

        if self._refuse(standalone, retrieved) or self._outside_record(filters):
            answer = Answer(question, REFUSAL, retrieved=retrieved, refused=True)
            yield {"type": "delta", "text": REFUSAL}
        else:
            semantic = self.retriever.sentence_scores(self.sentences, query.text, [s.doc_id for s in retrieved])
            answer = self._cited(question, self.extractive.claims(query.text, query, retrieved, semantic), retrieved)
            if llm is None:
                for sentence in sentences(answer.answer):
                    yield {"type": "delta", "text": sentence + " "}
            else:
                answer = yield from self._llm_answer(llm, standalone, retrieved, answer)
        yield {"type": "answer", "answer": self._finish(answer, standalone, started, retrieve_ms)}

    def timeline_items(self, query: QueryPlan, filters: RetrievalFilters) -> list[Source]:
        """All timeline events that match the question's period and categories, in date order:
        a list question is answered completely, not cut at top-k."""
        events_only = replace(filters, kinds=("event",), categories=filters.categories or query.categories)
        mask = self.table.mask(events_only)
        return sorted((s for s, keep in zip(self.table.sources, mask) if keep), key=lambda s: (s.date or "", s.ref))

    def resolve_event(self, phrase: str) -> Source | None:
        """The timeline event a phrase names ("the RAA was signed", "the second 2+2"). Among
        events about as close as the best, an ordinal in the phrase must match the title; otherwise
        the one whose title shares most words wins, and the earliest breaks ties (anniversaries and
        follow-ups come later than the event they refer to)."""
        from assistant.query import expand

        hits = self.retriever.search(expand(phrase), RetrievalFilters(kinds=("event",)), top_k=8)
        if not hits or max(h.similarity for h in hits) < self.settings.refusal_threshold:
            return None
        best = max(h.similarity for h in hits)
        wanted = set(tokens(expand(phrase)))
        ordinals = wanted & _ORDINALS

        def rank(s: Source):
            title = set(tokens(s.title))
            return (-3 * len(ordinals & title) - len((wanted - _ORDINALS) & title), s.date or "")

        return min((h for h in hits if h.similarity >= best - 0.15), key=rank)

    # -- steps ------------------------------------------------------------------------------
    def _standalone(self, question: str, history: tuple[Turn, ...], llm: LLMBackend | None) -> str:
        rewritten = standalone_question(question, history)
        if llm is None or rewritten == question:
            return rewritten
        try:  # with a model, condense; keep the rule-based form if the model drifts off topic
            condensed = complete(llm, condense_messages(question, [(t.role, t.content) for t in history])).strip()
        except LLMError:
            return rewritten
        condensed = condensed.splitlines()[0].strip() if condensed else ""
        said = " ".join([question] + [t.content for t in history])
        invented = numbers(condensed) - numbers(said)  # a rewrite must not bring dates or figures of its own
        if (8 <= len(condensed) <= 300 and not invented and condensed.rstrip().endswith("?")
                and set(tokens(condensed)) >= set(tokens(question))):
            return condensed
        return rewritten

    def _resolve_time(self, filters: RetrievalFilters, query: QueryPlan) -> RetrievalFilters:
        for relation, phrase in query.anchors:
            event = self.resolve_event(phrase)
            if event and event.date:
                filters = replace(filters, **{relation: event.date})
        return filters

    def _search(self, text: str, filters: RetrievalFilters, chosen: RetrievalFilters) -> list[Source]:
        """A period named in a question that is not a list question is a preference, not a filter:
        'Japan agreed in 2023 to finance the ships, right?' must still find the 2024 event that
        corrects it. Results inside the period are fused with those under the user's filters alone."""
        if filters == chosen:
            return self.retriever.search(text, filters)
        inside = self.retriever.search(text, filters)
        anywhere = self.retriever.search(text, chosen)
        score: dict[str, float] = {}
        by_id: dict[str, Source] = {}
        for ranking in (inside, inside, anywhere):  # inside counts double
            for rank, source in enumerate(ranking):
                score[source.doc_id] = score.get(source.doc_id, 0.0) + 1.0 / (60 + rank + 1)
                by_id.setdefault(source.doc_id, source)
        return [by_id[d] for d in sorted(score, key=lambda d: -score[d])][: self.settings.top_k]

    def _outside_record(self, filters: RetrievalFilters) -> bool:
        """A question about a period the record does not reach (e.g. 2026 when it ends in 2025)."""
        events = self.table.events()
        if not events or (filters.year_from is None and filters.year_to is None):
            return False
        first, last = int(events[0].date[:4]), int(events[-1].date[:4])
        return (filters.year_from or first) > last or (filters.year_to or last) < first

    def _refuse(self, question: str, retrieved: list[Source]) -> bool:
        """The study does not cover a question when the evidence is weak, when it names something the
        corpus never mentions (another country, person), or when the nearest material, unless very
        close, leaves most of what was asked about unaddressed ('GDP growth rate', 'warheads')."""
        if not retrieved:
            return True
        best = max(s.similarity for s in retrieved)
        if best < self.settings.refusal_threshold or self.retriever.unknown_names(question):
            return True
        if best >= CONFIDENT_SIMILARITY:
            return False
        return (best + self.retriever.coverage(question, retrieved[:3])) / 2 < MIN_SUPPORT

    def _cited(self, question: str, claims: list[Claim], retrieved: list[Source]) -> Answer:
        order: dict[int, str] = {}
        for claim in claims:
            order.setdefault(claim.source, f"[{len(order) + 1}]")
        cited = [retrieved[i] for i in order]
        return self._verified(Answer(question, render(claims, order), retrieved=retrieved), cited)

    def _list_answer(self, question: str, items: list[Source]) -> Answer:
        markers = {i: f"[{i + 1}]" for i in range(len(items))}
        first, last = items[0].date[:4], items[-1].date[:4]
        span = first if first == last else f"{first}–{last}"
        intro = f"The timeline records {len(items)} matching event{'s' if len(items) != 1 else ''} ({span}), in date order:"
        return self._verified(Answer(question, render_list(items, markers, intro), retrieved=items), items)

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

    def _finish(self, answer: Answer, standalone: str, started: float, retrieve_ms: float) -> Answer:
        total = (time.perf_counter() - started) * 1000
        answer.standalone_question = standalone if standalone != answer.question else None
        answer.timings_ms = {"retrieve": retrieve_ms, "answer": total - retrieve_ms, "total": total}
        return answer


def _clean(question: str) -> str:
    if not isinstance(question, str) or not question.strip():
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


def _order_by_time(retrieved: list[Source], *, latest: bool) -> list[Source]:
    """For 'first'/'latest' questions: among events about as relevant as the best one, the
    earliest (or latest) leads."""
    events = [s for s in retrieved if s.kind == "event" and s.date]
    if not events:
        return retrieved
    best = max(s.similarity for s in events)
    close = [s for s in events if s.similarity >= best - 0.03]
    lead = max(close, key=lambda s: s.date) if latest else min(close, key=lambda s: s.date)
    return [lead] + [s for s in retrieved if s is not lead]
