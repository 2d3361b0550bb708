"""Hybrid retrieval: dense vectors from Chroma and BM25 over the same documents, fused by
reciprocal rank, with metadata filters. Also keeps the whole document table in memory, which the
timeline questions (lists, date ranges) read directly instead of relying on similarity."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
from llama_index.core.retrievers import BaseRetriever
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

from core.metadata import source_from_record
from core.model import Source
from core.text import tokens
from index.embedding import Embedder
from index.store import get_all

_INSTITUTION = re.compile(r"\b(Japan|Philippines?|China|United|States|Ministry|Department|Force|Forces|Guard|Navy|"
                          r"Army|Agency|Council|Senate|Diet|House|Office|Bank|Corporation|Industries|Group|"
                          r"Association|Union|Command|Fleet|Brigade|Marine|Marines|Defense|Defence|ASEAN|Government|"
                          r"Embassy|Committee|Cabinet|Kingdom|Australia|Vietnam|Indonesia|Malaysia|Korea|India)\b")
_RRF_K = 60  # the usual constant from Cormack et al.; damps the head of each ranking


@dataclass(frozen=True)
class RetrievalFilters:
    chapters: tuple[str, ...] = ()  # a chapter id also matches its sub-chapters ("4" -> "4.3")
    categories: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    after: str | None = None  # exclusive ISO (partial) dates, from named anchors ("since the RAA was signed")
    before: str | None = None
    on: str | None = None  # a day or month: an event dated within it (or dated less precisely around it)
    kinds: tuple[str, ...] = ()

    def matches(self, source: Source, chapters: tuple[str, ...]) -> bool:
        if self.kinds and source.kind not in self.kinds:
            return False
        if self.chapters and not any(c == f or c.startswith(f + ".") for c in chapters for f in self.chapters):
            return False
        if self.categories and source.category not in self.categories:
            return False
        if self.actors:
            wanted = {a.lower() for a in self.actors}
            if not wanted & {a.lower() for a in source.actors}:
                return False
        if self.has_time:
            if not source.date:
                return False
            year = int(source.date[:4])
            if self.year_from is not None and year < self.year_from:
                return False
            if self.year_to is not None and year > self.year_to:
                return False
            if self.after and source.date[: len(self.after)] <= self.after[: len(source.date)]:
                return False
            if self.before and source.date[: len(self.before)] >= self.before[: len(source.date)]:
                return False
            if self.on and not (source.date.startswith(self.on) or self.on.startswith(source.date)):
                return False
        return True

    @property
    def has_time(self) -> bool:
        return any(v is not None for v in (self.year_from, self.year_to, self.after, self.before, self.on))

    @property
    def empty(self) -> bool:
        return self == RetrievalFilters()


@dataclass
class DocumentTable:
    """Every document of the serving collection, in memory: the BM25 corpus and the timeline."""

    sources: list[Source]
    chapters: list[tuple[str, ...]] = field(default_factory=list)

    @classmethod
    def from_collection(cls, collection, study: str | None = None) -> "DocumentTable":
        data = get_all(collection, where={"study": study} if study else None, include=["documents", "metadatas"])
        sources, chapters = [], []
        for doc_id, text, meta in zip(data["ids"], data["documents"], data["metadatas"]):
            sources.append(source_from_record(doc_id, text, meta))
            chapters.append(sources[-1].chapters or ((meta.get("chapter"),) if meta.get("chapter") else ()))
        return cls(sources, chapters)

    def events(self) -> list[Source]:
        """Timeline events in date order."""
        return sorted((s for s in self.sources if s.kind == "event"), key=lambda s: (s.date or "", s.ref))

    def people(self) -> frozenset[str]:
        """People among the timeline's actors (two or more capitalised words, no institution), with
        their surnames, so a 'who' answer can be told by whether it names one."""
        names: set[str] = set()
        for s in self.sources:
            for actor in s.actors:
                words = actor.replace(".", "").split()
                if len(words) >= 2 and all(w[:1].isupper() for w in words) and not _INSTITUTION.search(actor):
                    names.add(actor)
                    surname = next((w for w in reversed(words) if w not in ("Jr", "Sr", "III", "II")), "")
                    if len(surname) >= 3:
                        names.add(surname)
        return frozenset(names)

    def mask(self, filters: RetrievalFilters) -> np.ndarray:
        return np.array([filters.matches(s, c) for s, c in zip(self.sources, self.chapters)], dtype=bool)


class HybridRetriever(BaseRetriever):
    """Dense + BM25 with reciprocal rank fusion. ``search`` returns typed :class:`Source` items;
    ``_retrieve`` offers the same through llama-index's retriever interface."""

    def __init__(self, collection, embedder: Embedder, table: DocumentTable, *, top_k: int = 6, depth: int = 30,
                 study: str | None = None):
        super().__init__()
        # Any where-clause makes Chroma filter the whole collection before the vector search (3 ms -> 60 ms
        # at 10k passages, 600 ms at 100k: docs/benchmarks.md); with only this study in it, it is redundant.
        self.study_filter = study if study and collection.count() != len(table.sources) else None
        self.collection = collection
        self.embedder = embedder
        self.table = table
        self.top_k = top_k
        self.depth = depth
        self._index_of = {s.doc_id: i for i, s in enumerate(table.sources)}
        import bm25s

        self._bm25 = bm25s.BM25()
        corpus_tokens = [tokens(f"{s.title} {s.text}") or ["_"] for s in table.sources]
        self._bm25.index(corpus_tokens, show_progress=False)
        self._vocab = set(self._bm25.vocab_dict)

    def sentence_scores(self, sentence_collection, query: str, doc_ids: list[str]) -> dict[str, list[tuple[str, float]]]:
        """Each document's sentences, in order, with cosine similarity to the query."""
        if sentence_collection is None or not doc_ids:
            return {}
        data = sentence_collection.get(where={"doc": {"$in": list(doc_ids)}},
                                       include=["documents", "metadatas", "embeddings"])
        if not data["ids"]:
            return {}
        q = np.asarray(self.embedder.embed_query(query), dtype=np.float32)
        cosines = np.asarray(data["embeddings"], dtype=np.float32) @ q
        by_doc: dict[str, list[tuple[int, str, float]]] = {}
        for text, meta, cosine in zip(data["documents"], data["metadatas"], cosines):
            by_doc.setdefault(meta["doc"], []).append((meta["n"], text, float(cosine)))
        return {d: [(t, c) for _, t, c in sorted(rows)] for d, rows in by_doc.items()}

    # -- the two rankings ---------------------------------------------------------------
    def dense(self, query: str, filters: RetrievalFilters, depth: int) -> list[tuple[int, float]]:
        """(table index, cosine similarity), best first."""
        where = _chroma_where(filters, self.study_filter)
        n = min(depth if filters.empty else max(depth * 4, 100), len(self.table.sources))
        if n == 0:
            return []
        result = self.collection.query(
            query_embeddings=[self.embedder.embed_query(query)], n_results=n, where=where, include=["distances"]
        )
        mask = self.table.mask(filters) if not filters.empty else None
        ranked = []
        for doc_id, distance in zip(result["ids"][0], result["distances"][0]):
            i = self._index_of.get(doc_id)
            if i is not None and (mask is None or mask[i]):
                ranked.append((i, 1.0 - float(distance)))
        return ranked[:depth]

    def lexical(self, query: str, filters: RetrievalFilters, depth: int) -> list[tuple[int, float]]:
        query_tokens = [t for t in tokens(query) if t in self._vocab]
        if not query_tokens:
            return []
        scores = self._bm25.get_scores(query_tokens)
        if not filters.empty:
            scores = np.where(self.table.mask(filters), scores, 0.0)
        best = np.argsort(-scores)[:depth]
        return [(int(i), float(scores[i])) for i in best if scores[i] > 0]

    # -- fusion ---------------------------------------------------------------------------
    def search(self, query: str, filters: RetrievalFilters | None = None, top_k: int | None = None) -> list[Source]:
        filters = filters or RetrievalFilters()
        dense = self.dense(query, filters, self.depth)
        lexical = self.lexical(query, filters, self.depth)
        fused = reciprocal_rank_fusion([[i for i, _ in dense], [i for i, _ in lexical]])
        similarity = dict(dense)
        order = list(fused)[: top_k or self.top_k]
        return [self._with_scores(i, fused[i], similarity.get(i, 0.0)) for i in order]

    def fuse(self, rankings: list[list[Source]], top_k: int | None = None) -> list[Source]:
        """Several result lists as one (a list given twice counts double)."""
        by_id = {s.doc_id: s for ranking in reversed(rankings) for s in ranking}
        fused = reciprocal_rank_fusion([[s.doc_id for s in ranking] for ranking in rankings])
        return [by_id[d] for d in list(fused)[: top_k or self.top_k]]

    def _with_scores(self, i: int, score: float, similarity: float) -> Source:
        from dataclasses import replace

        return replace(self.table.sources[i], score=round(score, 6), similarity=round(similarity, 4))

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        return [
            NodeWithScore(node=TextNode(id_=s.doc_id, text=s.text, metadata={"kind": s.kind, "ref": s.ref,
                                                                               "chapter": s.chapter, "date": s.date,
                                                                               "title": s.title}), score=s.score)
            for s in self.search(query_bundle.query_str)
        ]


def reciprocal_rank_fusion(rankings: list[list]) -> dict:
    """Items of several rankings by summed 1/(k + rank), best first (Cormack et al.)."""
    fused: dict = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking):
            fused[item] = fused.get(item, 0.0) + 1.0 / (_RRF_K + rank + 1)
    return dict(sorted(fused.items(), key=lambda kv: -kv[1]))


def _chroma_where(filters: RetrievalFilters, study: str | None = None) -> dict | None:
    """What Chroma can filter natively (scalar fields); the rest is masked in Python."""
    clauses: list[dict] = [{"study": study}] if study else []
    if filters.kinds:
        clauses.append({"kind": {"$in": list(filters.kinds)}})
    if filters.categories:
        clauses.append({"category": {"$in": list(filters.categories)}})
    year_from = filters.year_from if filters.after is None else max(filters.year_from or 0, int(filters.after[:4]))
    year_to = filters.year_to if filters.before is None else min(filters.year_to or 9999, int(filters.before[:4]))
    if year_from:
        clauses.append({"year": {"$gte": year_from}})
    if year_to is not None and year_to < 9999:
        clauses.append({"year": {"$lte": year_to}})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}
