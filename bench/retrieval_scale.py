"""Retrieval latency at 1k, 10k and 100k passages, embedded Chroma vs a `chroma run` server.

    .venv/bin/python bench/retrieval_scale.py [--sizes 1000 10000 100000] [--queries 50]

Passages are synthetic (generated here): random sentences from a fixed vocabulary, half of them dated
events with a category, each with a vector near one of 200 topic centres (``SyntheticVectors``), since
embedding 100k texts with the real model would take an hour on these machines; passages are written
without sentence vectors. The *queries* are embedded with the real model, and the full hybrid path (Chroma
dense query + BM25 + fusion) is timed in a separate serving process, whose resident memory (model, BM25
index, document table and, in embedded mode, the store) is reported with that of the server process."""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from bench.common import chroma_server, percentiles, rss_mb  # noqa: E402
from core import offline as _offline  # noqa: E402,F401

WORDS = ("japan philippines defense cooperation coast guard vessel radar exercise summit agreement reciprocal "
         "access maritime security china south sea shoal patrol aircraft transfer training navy army air force "
         "minister president visit strategy vision alliance partner capacity building humanitarian disaster "
         "relief port call destroyer escort trainer helicopter parts loan grant assistance official").split()


_TOPICS = 200  # clusters of passages on one subject: neighbours are meaningful, as in real embeddings
_CATEGORIES = ("agreement", "summit", "ministerial", "equipment-transfer", "exercise", "capacity-building",
               "policy", "incident", "multilateral", "other")
_CHAPTERS = ("1", "2", "3", "4.1", "4.2", "4.3", "4.4", "5", "6")


class SyntheticVectors:
    """Stands in for the embedding model when *writing* synthetic passages (see module docstring): each
    passage is its topic's centre plus noise of the same length, so passages of one topic have a cosine
    of about 0.5 to each other, as related passages do under all-MiniLM-L6-v2, and a query has true
    nearest neighbours that an approximate index can miss, which is what the recall figures check."""

    def __init__(self, seed: int = 7, dim: int = 384):
        rng = np.random.default_rng(seed)
        centres = rng.normal(size=(_TOPICS, dim)).astype(np.float32)
        self.centres = centres / np.linalg.norm(centres, axis=1, keepdims=True)
        self.dim = dim

    def vector(self, topic: int, seed: int) -> np.ndarray:
        noise = np.random.default_rng(seed).normal(size=self.dim).astype(np.float32)
        v = self.centres[topic] + noise / np.linalg.norm(noise)
        return v / np.linalg.norm(v)

    def embed(self, texts, **_):
        """A text's topic and seed are its first two words ("t17 s12345 ...")."""
        return [self.vector(int(t.split()[0][1:]), int(t.split()[1][1:])).tolist() for t in texts]


def synthetic_documents(n: int, study: str):
    """Half passages (chapter only), half events (date, year, category, chapters), as in the real index."""
    from index.documents import IndexDocument

    rng = random.Random(n)
    docs = []
    for i in range(n):
        topic = rng.randrange(_TOPICS)
        words = WORDS[topic % len(WORDS):] + WORDS[: topic % len(WORDS)]
        text = f"t{topic} s{i} " + " ".join(rng.choice(words[:20]) for _ in range(rng.randint(40, 90))) + "."
        chapter = rng.choice(_CHAPTERS)
        meta = {"kind": "chapter", "ref": chapter, "study": study, "chapter": chapter, "chapters": f"|{chapter}|",
                "section": f"s{i % 50}", "title": f"Synthetic passage {i}", "date": "", "year": 0, "category": "",
                "actors": "", "sources": "[]", "events": "", "related": "", "source": "synthetic", "page": -1}
        if i % 2:
            year = rng.randint(2011, 2025)
            meta.update(kind="event", ref=f"e{i}", date=f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                        year=year, category=rng.choice(_CATEGORIES), title=f"Synthetic event {i}")
        docs.append(IndexDocument(id=f"syn:{i}", text=text, embed_text=text, metadata=meta))
    return docs


def write(settings, n: int) -> float | None:
    """Seconds to write ``n`` synthetic passages as one atomic build; None when ``settings.index.data_dir``
    already holds that store (``bench/scale_filters.py --data-dir`` keeps one between runs: 100k passages
    take 10-20 minutes to write)."""
    from index.build import write_documents
    from index.store import VectorStore

    store = VectorStore(settings)
    try:
        if store.open_current()[1].corpus_hash == f"synthetic-{n}":
            return None
    except Exception:  # no store there yet
        pass
    started = time.perf_counter()
    write_documents(store, SyntheticVectors(), synthetic_documents(n, settings.index.study),
                    study=settings.index.study, content_hash=f"synthetic-{n}", progress=False, with_sentences=False)
    return round(time.perf_counter() - started, 1)


def serve(settings, n_queries: int) -> dict:
    """What a serving process does: load the model, the document table and BM25, then answer searches.
    Runs in its own process (``--serve``) so its resident memory is the serving cost alone."""
    from assistant.retrieval import DocumentTable, HybridRetriever, RetrievalFilters
    from index.embedding import Embedder
    from index.serving import open_snapshot
    from index.store import VectorStore

    embedder = Embedder()
    store = VectorStore(settings)
    collection, manifest = store.open_current()
    started = time.perf_counter()
    snapshot = open_snapshot(store, manifest.build_id, collection, settings.index.study)
    table = DocumentTable.from_snapshot(snapshot)
    retriever = HybridRetriever(collection, embedder, table, snapshot.lexical, top_k=6, study=settings.index.study)
    load_s = round(time.perf_counter() - started, 1)
    rng = random.Random(1)
    queries = [" ".join(rng.choice(WORDS) for _ in range(8)) + f" q{i}" for i in range(n_queries)]
    for q in queries[:5]:
        retriever.search(q)
    embedder._embed_query_cached.cache_clear()
    latencies, dense_only, dense_where = [], [], []
    for q in queries:
        t = time.perf_counter()
        retriever.search(q, RetrievalFilters())
        latencies.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        retriever.dense(q, RetrievalFilters(), 30)
        dense_only.append((time.perf_counter() - t) * 1000)
        # The same query with the study clause the retriever drops for a one-study collection.
        vector = [embedder.embed_query(q)]
        t = time.perf_counter()
        collection.query(query_embeddings=vector, n_results=30, where={"study": settings.index.study}, include=["distances"])
        dense_where.append((time.perf_counter() - t) * 1000)
    return {"load_s": load_s, "hybrid_ms": percentiles(latencies), "dense_ms": percentiles(dense_only),
            "dense_where_ms": percentiles(dense_where), "serving_rss_mb": rss_mb()}


def serve_elsewhere(data_dir: Path, n_queries: int, port: int | None = None) -> dict:
    command = [sys.executable, __file__, "--serve", str(data_dir), "--queries", str(n_queries)]
    if port:
        command += ["--chroma-port", str(port)]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _settings(data_dir: Path, port: int | None = None):
    from core.settings import Settings

    if port:
        return Settings(_env_file=None, data_dir=data_dir, study="bench", chroma_host="127.0.0.1", chroma_port=port)
    return Settings(_env_file=None, data_dir=data_dir, study="bench")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--queries", type=int, default=50)
    parser.add_argument("--serve", type=Path, help=argparse.SUPPRESS)  # the child process: one store, print JSON
    parser.add_argument("--chroma-port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        print(json.dumps(serve(_settings(args.serve, args.chroma_port), args.queries)))
        return

    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            data_dir = Path(tmp) / f"embedded-{n}"
            write_s = write(_settings(data_dir), n)
            results.append({"mode": "embedded", "passages": n, "write_s": write_s,
                            **serve_elsewhere(data_dir, args.queries)})
            print(json.dumps(results[-1]), flush=True)
            with chroma_server(Path(tmp) / f"server-{n}") as (port, pid):
                data_dir = Path(tmp) / f"client-{n}"
                write_s = write(_settings(data_dir, port), n)
                results.append({"mode": "server", "passages": n, "write_s": write_s,
                                **serve_elsewhere(data_dir, args.queries, port), "server_rss_mb": rss_mb(pid)})
                print(json.dumps(results[-1]), flush=True)
    print("\n| passages | mode | hybrid p50 ms | hybrid p95 ms | dense p50 ms | dense with study clause p50 ms "
          "| write s | load s | serving RSS MB |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in results:
        rss = f"{r['serving_rss_mb']}" + (f" (+server {r['server_rss_mb']})" if "server_rss_mb" in r else "")
        print(f"| {r['passages']:,} | {r['mode']} | {r['hybrid_ms']['p50']} | {r['hybrid_ms']['p95']} | "
              f"{r['dense_ms']['p50']} | {r['dense_where_ms']['p50']} | {r['write_s']} | {r['load_s']} | {rss} |")


if __name__ == "__main__":
    main()
