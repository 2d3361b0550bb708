"""Hybrid retrieval: dense vectors from Chroma and BM25 over the same documents, fused by
reciprocal rank, with metadata filters. Also keeps the whole document table in memory, which the
timeline questions (lists, date ranges) read directly instead of relying on similarity."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from llama_index.core.retrievers import BaseRetriever
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

from core.metadata import source_from_record
from core.model import Source, person_name, surname
from index.embedding import Embedder
from index.lexical import LexicalIndex
from index.serving import ServingSnapshot

_RRF_K = 60  # the usual constant from Cormack et al.; damps the head of each ranking
_ID_PAGE = 5000  # ids per `collection.get`: far below SQLite's variable limit, which a 100k get exceeds


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
    def from_records(cls, ids: list[str], documents: list[str], metadatas: list[dict]) -> "DocumentTable":
        sources, chapters = [], []
        for doc_id, text, meta in zip(ids, documents, metadatas):
            sources.append(source_from_record(doc_id, text, meta))
            chapters.append(sources[-1].chapters or ((meta.get("chapter"),) if meta.get("chapter") else ()))
        return cls(sources, chapters)

    @classmethod
    def from_snapshot(cls, snapshot: ServingSnapshot) -> "DocumentTable":
        return cls.from_records(snapshot.ids, snapshot.documents, snapshot.metadatas)

    def __post_init__(self):
        # Filters look only at these fields, and far fewer distinct combinations of them exist than
        # documents: a filter is tested once per combination, then spread to the documents by code.
        code_of: dict[tuple, int] = {}
        codes, self._code_rows = [], []
        for row, (s, c) in enumerate(zip(self.sources, self.chapters)):
            key = (s.kind, c, s.category, s.actors, s.date)
            if key not in code_of:
                code_of[key] = len(self._code_rows)
                self._code_rows.append(row)
            codes.append(code_of[key])
        self._codes = np.array(codes, dtype=np.int64)
        self._masks: dict[RetrievalFilters, np.ndarray] = {}

    def events(self) -> list[Source]:
        """Timeline events in date order."""
        return sorted((s for s in self.sources if s.kind == "event"), key=lambda s: (s.date or "", s.ref))

    def people(self) -> frozenset[str]:
        """People among the timeline's actors (two or more capitalised words, no institution), with
        their surnames, so a 'who' answer can be told by whether it names one."""
        names: set[str] = set()
        for s in self.sources:
            for actor in s.actors:
                if person_name(actor):
                    names.add(actor)
                    if len(surname(actor)) >= 3:
                        names.add(surname(actor))
        return frozenset(names)

    def mask(self, filters: RetrievalFilters) -> np.ndarray:
        """Which documents the filters admit (cached: the same filters come with every follow-up)."""
        mask = self._masks.get(filters)
        if mask is None:
            admitted = np.array([filters.matches(self.sources[r], self.chapters[r]) for r in self._code_rows],
                                dtype=bool)
            mask = admitted[self._codes] if len(self._codes) else np.zeros(0, dtype=bool)
            if len(self._masks) >= 256:  # a bound on memory (256 masks of 100k documents = 25 MB), not a tuning
                self._masks.clear()
            self._masks[filters] = mask
        return mask


class HybridRetriever(BaseRetriever):
    """Dense + BM25 with reciprocal rank fusion. ``search`` returns typed :class:`Source` items;
    ``_retrieve`` offers the same through llama-index's retriever interface."""

    def __init__(self, collection, embedder: Embedder, table: DocumentTable, lexical: LexicalIndex, *,
                 top_k: int = 6, depth: int = 30, study: str | None = None):
        super().__init__()
        # Any where-clause makes Chroma filter the whole collection before the vector search (3 ms -> 60 ms
        # at 10k passages, 600 ms at 100k: docs/benchmarks.md); with only this study in it, it is redundant.
        self.study_filter = study if study and collection.count() != len(table.sources) else None
        self.collection = collection
        self.embedder = embedder
        self.table = table
        self.lexical = lexical
        self.top_k = top_k
        self.depth = depth
        self._index_of = {s.doc_id: i for i, s in enumerate(table.sources)}

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
        return self.dense_vector(self.embedder.embed_query(query), filters, depth)

    def dense_vector(self, vector: list[float], filters: RetrievalFilters, depth: int) -> list[tuple[int, float]]:
        """Filters never go to Chroma as a where-clause, which would scan the whole collection first:
        a filtered search asks for enough unfiltered neighbours to hold ``depth`` admitted ones (twice
        the expected number) and masks them here; when the admitted documents are fewer than that,
        it scores just those, exactly. Either way it reads the fewer vectors."""
        if filters.empty:
            return self._nearest(vector, min(depth, len(self.table.sources)), None)
        mask = self.table.mask(filters)
        admitted, fetch = int(mask.sum()), self.filtered_fetch(mask, depth)
        while fetch and fetch < admitted:  # a query whose neighbours the filter mostly rejects asks deeper
            ranked = self._nearest(vector, fetch, mask)
            if len(ranked) >= min(depth, admitted):
                return ranked[:depth]
            fetch = min(len(mask), fetch * 4)
        return self._exact(vector, np.flatnonzero(mask))[:depth]

    def filtered_fetch(self, mask: np.ndarray, depth: int) -> int | None:
        """How many unfiltered neighbours to ask for under ``mask``, or None to score the admitted
        documents exactly (there are fewer of them than that, or none)."""
        admitted, total = int(mask.sum()), len(mask)
        if admitted == 0:
            return None
        fetch = min(total, math.ceil(2 * min(depth, admitted) * total / admitted))
        return fetch if admitted > fetch else None

    def _nearest(self, vector: list[float], n: int, mask: np.ndarray | None) -> list[tuple[int, float]]:
        if n == 0:
            return []
        where = {"study": self.study_filter} if self.study_filter else None
        result = self.collection.query(query_embeddings=[vector], n_results=n, where=where, include=["distances"])
        ranked = []
        for doc_id, distance in zip(result["ids"][0], result["distances"][0]):
            i = self._index_of.get(doc_id)
            if i is not None and (mask is None or mask[i]):
                ranked.append((i, 1.0 - float(distance)))
        return ranked

    def _exact(self, vector: list[float], rows: np.ndarray) -> list[tuple[int, float]]:
        """Cosine similarity of the query to each of ``rows``, best first (brute force over their vectors)."""
        ids = [self.table.sources[i].doc_id for i in rows]
        found_ids, vectors = [], []
        for start in range(0, len(ids), _ID_PAGE):
            data = self.collection.get(ids=ids[start: start + _ID_PAGE], include=["embeddings"])
            found_ids += data["ids"]
            vectors += list(data["embeddings"])
        if not found_ids:
            return []
        matrix = np.asarray(vectors, dtype=np.float32)
        q = np.asarray(vector, dtype=np.float32)
        cosines = matrix @ q / (np.linalg.norm(matrix, axis=1) * np.linalg.norm(q) + 1e-12)
        order = np.argsort(-cosines, kind="stable")
        return [(self._index_of[found_ids[j]], float(cosines[j])) for j in order]

    def lexical_ranking(self, query: str, filters: RetrievalFilters, depth: int) -> list[tuple[int, float]]:
        scores = self.lexical.scores(query)
        if scores is None:
            return []
        if not filters.empty:
            scores = np.where(self.table.mask(filters), scores, 0.0)
        best = np.argsort(-scores)[:depth]
        return [(int(i), float(scores[i])) for i in best if scores[i] > 0]

    # -- fusion ---------------------------------------------------------------------------
    def search(self, query: str, filters: RetrievalFilters | None = None, top_k: int | None = None) -> list[Source]:
        filters = filters or RetrievalFilters()
        dense = self.dense(query, filters, self.depth)
        lexical = self.lexical_ranking(query, filters, self.depth)
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
