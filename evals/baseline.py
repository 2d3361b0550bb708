"""The baseline: a plain llama-index ``VectorStoreIndex`` over the same corpus, default chunking,
dense retrieval only (top 2), the same already-loaded embedding model, and an extractive answer made
of the first two sentences of each retrieved chunk. It never refuses.

Nothing here touches llama-index's global ``Settings``: the embedding model is passed explicitly and
no query engine (hence no LLM) is ever created."""

from __future__ import annotations

import time
from pathlib import Path

from llama_index.core import Document, VectorStoreIndex
from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr

from core.text import sentences
from core.model import Answer, Citation, Source
from assistant.verify import check_answer
from index.corpus import Corpus, load_corpus
from index.embedding import EMBEDDING_MODEL_NAME, Embedder
from core.text import strip_event_refs

TOP_K = 2
SENTENCES_PER_CHUNK = 2
BACKEND_NAME = "baseline"


class EmbedderAdapter(BaseEmbedding):
    """llama-index's embedding interface over the assistant's :class:`Embedder` (no second model load)."""

    _embedder: Embedder = PrivateAttr()

    def __init__(self, embedder: Embedder, **kwargs):
        super().__init__(model_name=EMBEDDING_MODEL_NAME, embed_batch_size=32, **kwargs)
        self._embedder = embedder

    @classmethod
    def class_name(cls) -> str:
        return "StudyEmbedderAdapter"

    def _get_query_embedding(self, query: str) -> list[float]:
        # not Embedder.embed_query: its cache would hand the baseline the vectors the assistant already paid for
        return self._embedder.embed([query])[0]

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._embedder.embed([text])[0]

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self._embedder.embed(texts)


def _document(doc_id: str, text: str, metadata: dict) -> Document:
    """Metadata rides along for citations only: neither embedded nor counted as chunk text."""
    keys = list(metadata)
    return Document(id_=doc_id, text=text, metadata=metadata, excluded_embed_metadata_keys=keys,
                    excluded_llm_metadata_keys=keys)


def baseline_documents(corpus: Corpus) -> list[Document]:
    """One Document per chapter file (its Markdown sections, ``[events: …]`` tags removed) and one per
    timeline event (date + title + summary)."""
    docs = []
    for chapter in corpus.chapters:
        parts = [f"# {chapter.title}"]
        for section in chapter.sections:
            if section.heading:
                parts.append(f"## {section.heading}")
            parts.append(strip_event_refs(section.text))
        docs.append(_document(f"chapter:{chapter.id}", "\n\n".join(parts), {
            "kind": "chapter", "ref": chapter.id, "chapter": chapter.id, "date": "",
            "title": f"§{chapter.id} {chapter.title}", "urls": ""}))
    for event in corpus.events:
        docs.append(_document(f"event:{event.id}", f"{event.date} {event.title}. {event.summary}", {
            "kind": "event", "ref": event.id, "chapter": event.chapters[0] if event.chapters else "",
            "date": event.date, "title": event.title, "urls": "|".join(event.urls)}))
    return docs


def _lead(text: str, n: int = SENTENCES_PER_CHUNK) -> list[str]:
    """The first ``n`` sentences of a chunk, Markdown headings dropped."""
    body = " ".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    return sentences(body)[:n]


def _marked(sentence: str, marker: str) -> str:
    end = sentence[-1] if sentence[-1] in ".!?" else "."
    body = sentence[:-1] if sentence[-1] in ".!?" else sentence
    return f"{body} {marker}{end}"


class Baseline:
    def __init__(self, documents: list[Document], embedder: Embedder, *, top_k: int = TOP_K):
        started = time.perf_counter()
        self.documents = documents
        self.embed_model = EmbedderAdapter(embedder)
        self.index = VectorStoreIndex.from_documents(self.documents, embed_model=self.embed_model)
        self.retriever = self.index.as_retriever(similarity_top_k=top_k)
        self.nodes = list(self.index.docstore.docs.values())
        self.top_k = top_k
        self.build_seconds = round(time.perf_counter() - started, 2)

    @classmethod
    def from_corpus_dir(cls, corpus_dir: Path, embedder: Embedder, *, top_k: int = TOP_K) -> "Baseline":
        corpus, _ = load_corpus(Path(corpus_dir))
        return cls(baseline_documents(corpus), embedder, top_k=top_k)

    def node_items(self) -> list[dict]:
        """Every chunk's kind/chapter/date, for counting relevant items in the collection (nDCG)."""
        return [{"kind": n.metadata.get("kind"), "chapter": n.metadata.get("chapter") or None,
                 "date": n.metadata.get("date") or None} for n in self.nodes]

    def describe(self) -> dict:
        return {
            "kind": "llama-index VectorStoreIndex, default SentenceSplitter chunking, dense retrieval only",
            "top_k": self.top_k, "documents": len(self.documents), "chunks": len(self.nodes),
            "embedding_model": EMBEDDING_MODEL_NAME + " (the assistant's loaded model)",
            "answer": f"first {SENTENCES_PER_CHUNK} sentences of each retrieved chunk, marked [1]..[{self.top_k}]",
            "refuses": False, "uses_history": False, "build_seconds": self.build_seconds,
        }

    @staticmethod
    def _source(hit) -> Source:
        meta = hit.node.metadata
        return Source(kind=meta.get("kind", "chapter"), ref=meta.get("ref", hit.node.node_id),
                      chapter=meta.get("chapter") or None, date=meta.get("date") or None,
                      title=meta.get("title", ""), text=hit.node.get_content(), doc_id=hit.node.node_id,
                      urls=tuple(u for u in meta.get("urls", "").split("|") if u),
                      score=round(float(hit.score or 0.0), 6), similarity=round(float(hit.score or 0.0), 4))

    def ask(self, question: str) -> Answer:
        started = time.perf_counter()
        retrieved = [self._source(hit) for hit in self.retriever.retrieve(question)]
        retrieve_ms = (time.perf_counter() - started) * 1000
        text = " ".join(_marked(s, f"[{i}]") for i, src in enumerate(retrieved, start=1) for s in _lead(src.text))
        failed = {m for c in check_answer(text, retrieved) if not c.supported for m in c.markers}
        answer = Answer(question, text, retrieved=retrieved, backend=BACKEND_NAME)
        answer.citations = [Citation(f"[{i}]", s, verified=i not in failed) for i, s in enumerate(retrieved, start=1)]
        total = (time.perf_counter() - started) * 1000
        answer.timings_ms = {"retrieve": retrieve_ms, "answer": total - retrieve_ms, "total": total}
        return answer
