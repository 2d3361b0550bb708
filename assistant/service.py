"""The ``Assistant``: question in, cited and verified ``Answer`` out. The app, the API, the CLI and
the eval runner all use this one class."""

from __future__ import annotations

import time
from dataclasses import replace

from assistant.extractive import Claim, ExtractiveAnswerer, render, render_list
from assistant.query import QueryPlan, plan, standalone_question
from assistant.retrieval import DocumentTable, HybridRetriever, RetrievalFilters
from assistant.types import Answer, Citation, Source, Turn
from assistant.verify import check_answer
from index.embedding import Embedder
from index.settings import Settings
from index.store import VectorStore

MAX_QUESTION_CHARS = 2000
REFUSAL = ("The study does not appear to cover this question: nothing in its chapters or timeline answers it "
           "closely enough to cite. The nearest material is listed under the sources.")


class InvalidQuestion(ValueError):
    pass


class Assistant:
    def __init__(self, settings: Settings, *, embedder: Embedder | None = None, store: VectorStore | None = None):
        self.settings = settings
        self.embedder = embedder or Embedder(settings.embedding_model_path)
        self.store = store or VectorStore(settings)
        collection, self.manifest = self.store.open_current()
        self.table = DocumentTable.from_collection(collection)
        self.retriever = HybridRetriever(collection, self.embedder, self.table, top_k=settings.top_k)
        self.extractive = ExtractiveAnswerer()
        self.retriever.dense("warm-up", RetrievalFilters(), 1)  # first inference is slow; pay it at start-up

    # -- public -----------------------------------------------------------------------------
    def ask(self, question: str, history: tuple[Turn, ...] | list[Turn] = (), *,
            filters: RetrievalFilters | None = None) -> Answer:
        started = time.perf_counter()
        question = _clean(question)
        standalone = standalone_question(question, tuple(history))
        query = plan(standalone)
        filters = _merge(filters or RetrievalFilters(), query)

        if query.wants_list and (query.has_time or query.categories):
            retrieved = self.timeline_items(query, filters)
            retrieve_ms = (time.perf_counter() - started) * 1000
            if retrieved:
                answer = self._list_answer(question, retrieved)
                return self._finish(answer, standalone, started, retrieve_ms)
        else:
            retrieved = self.retriever.search(query.text, filters)
            if query.wants_first or query.wants_latest:
                retrieved = _order_by_time(retrieved, latest=query.wants_latest and not query.wants_first)
        retrieve_ms = (time.perf_counter() - started) * 1000

        if self._refuse(standalone, retrieved):
            answer = Answer(question, REFUSAL, retrieved=retrieved, refused=True, backend="extractive")
        else:
            claims = self.extractive.claims(query.text, query, retrieved)
            answer = self._cited(question, claims, retrieved)
        return self._finish(answer, standalone, started, retrieve_ms)

    def timeline_items(self, query: QueryPlan, filters: RetrievalFilters) -> list[Source]:
        """All timeline events that match the question's period and categories, in date order:
        a list question is answered completely, not cut at top-k."""
        events_only = replace(filters, kinds=("event",), categories=filters.categories or query.categories)
        mask = self.table.mask(events_only)
        return sorted((s for s, keep in zip(self.table.sources, mask) if keep), key=lambda s: (s.date or "", s.ref))

    # -- steps ------------------------------------------------------------------------------
    def _refuse(self, question: str, retrieved: list[Source]) -> bool:
        """Weak evidence, or a question about a name the corpus never mentions (another country,
        another person): the study does not cover it, however similar the nearest text looks."""
        if not retrieved or max(s.similarity for s in retrieved) < self.settings.refusal_threshold:
            return True
        return bool(self.retriever.unknown_names(question))

    def _cited(self, question: str, claims: list[Claim], retrieved: list[Source]) -> Answer:
        order: dict[int, str] = {}
        for claim in claims:
            order.setdefault(claim.source, f"[{len(order) + 1}]")
        text = render(claims, order)
        cited = [retrieved[i] for i in order]
        return self._verified(Answer(question, text, retrieved=retrieved, backend="extractive"), cited, order)

    def _list_answer(self, question: str, items: list[Source]) -> Answer:
        markers = {i: f"[{i + 1}]" for i in range(len(items))}
        first, last = items[0].date[:4], items[-1].date[:4]
        span = first if first == last else f"{first}–{last}"
        intro = f"The timeline records {len(items)} matching event{'s' if len(items) != 1 else ''} ({span}), in date order:"
        text = render_list(items, markers, intro)
        return self._verified(Answer(question, text, retrieved=items, backend="extractive"), items, markers)

    def _verified(self, answer: Answer, cited: list[Source], markers: dict[int, str]) -> Answer:
        checked = check_answer(answer.answer, cited)
        failed = {m for c in checked if not c.supported for m in c.markers}
        answer.citations = [Citation(f"[{n}]", s, verified=n not in failed) for n, s in enumerate(cited, start=1)]
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
    return replace(filters, year_from=year_from, year_to=year_to)


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
