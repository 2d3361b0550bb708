"""Retrieval latency at 1k, 10k and 100k passages, embedded Chroma vs a `chroma run` server.

    .venv/bin/python bench/retrieval_scale.py [--sizes 1000 10000 100000] [--queries 50]

Passages are synthetic (generated here): random sentences from a fixed vocabulary with random unit
vectors as their embeddings, since embedding 100k texts with the real model would take an hour on
these machines; the *queries* are embedded with the real model, and the full hybrid path (Chroma
dense query + BM25 + fusion) is timed. Memory is the resident size of this process (which holds the
embedded store, the BM25 index and the model) and, for server mode, of the server process."""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from bench.common import chroma_server, percentiles, rss_mb  # noqa: E402
from index import offline as _offline  # noqa: E402,F401

WORDS = ("japan philippines defense cooperation coast guard vessel radar exercise summit agreement reciprocal "
         "access maritime security china south sea shoal patrol aircraft transfer training navy army air force "
         "minister president visit strategy vision alliance partner capacity building humanitarian disaster "
         "relief port call destroyer escort trainer helicopter parts loan grant assistance official").split()


class SyntheticVectors:
    """Stands in for the embedding model when *writing* synthetic passages (see module docstring)."""

    def __init__(self, seed: int = 7, dim: int = 384):
        self.rng = np.random.default_rng(seed)
        self.dim = dim

    def embed(self, texts, **_):
        v = self.rng.normal(size=(len(texts), self.dim)).astype(np.float32)
        return (v / np.linalg.norm(v, axis=1, keepdims=True)).tolist()


def synthetic_documents(n: int, study: str):
    from index.documents import IndexDocument

    rng = random.Random(n)
    docs = []
    for i in range(n):
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(40, 90))) + "."
        meta = {"kind": "chapter", "ref": "4.3", "study": study, "chapter": "4.3", "chapters": "|4.3|",
                "section": f"s{i % 50}", "title": f"Synthetic passage {i}", "date": "", "year": 0, "category": "",
                "actors": "", "sources": "[]", "events": "", "related": "", "source": "synthetic", "page": -1}
        docs.append(IndexDocument(id=f"syn:{i}", text=text, embed_text=text, metadata=meta))
    return docs


def measure(settings, embedder, n: int, queries: list[str]) -> dict:
    from assistant.retrieval import DocumentTable, HybridRetriever, RetrievalFilters
    from index.build import write_documents
    from index.store import VectorStore

    store = VectorStore(settings)
    started = time.perf_counter()
    write_documents(store, SyntheticVectors(), synthetic_documents(n, settings.study), study=settings.study,
                    content_hash=f"synthetic-{n}", progress=False)
    write_s = time.perf_counter() - started
    collection, _ = store.open_current()
    started = time.perf_counter()
    table = DocumentTable.from_collection(collection, settings.study)
    retriever = HybridRetriever(collection, embedder, table, top_k=6, study=settings.study)
    load_s = time.perf_counter() - started
    for q in queries[:5]:
        retriever.search(q)
    embedder._embed_query_cached.cache_clear()
    latencies, dense_only = [], []
    for q in queries:
        t = time.perf_counter()
        retriever.search(q, RetrievalFilters())
        latencies.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        retriever.dense(q, RetrievalFilters(), 30)
        dense_only.append((time.perf_counter() - t) * 1000)
    return {"passages": n, "write_s": round(write_s, 1), "load_s": round(load_s, 1),
            "hybrid_ms": percentiles(latencies), "dense_ms": percentiles(dense_only), "process_rss_mb": rss_mb()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--queries", type=int, default=50)
    args = parser.parse_args()

    from index.embedding import Embedder
    from index.settings import Settings

    embedder = Embedder()
    rng = random.Random(1)
    queries = [" ".join(rng.choice(WORDS) for _ in range(8)) + f" q{i}" for i in range(args.queries)]
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            embedded = Settings(_env_file=None, data_dir=Path(tmp) / f"embedded-{n}", study="bench")
            results.append({"mode": "embedded", **measure(embedded, embedder, n, queries)})
            print(json.dumps(results[-1]), flush=True)
            with chroma_server(Path(tmp) / f"server-{n}") as (port, pid):
                server = Settings(_env_file=None, data_dir=Path(tmp) / f"client-{n}", study="bench",
                                  chroma_host="127.0.0.1", chroma_port=port)
                results.append({"mode": "server", **measure(server, embedder, n, queries), "server_rss_mb": rss_mb(pid)})
                print(json.dumps(results[-1]), flush=True)
    print("\n| passages | mode | hybrid p50 ms | hybrid p95 ms | dense p50 ms | write s | RSS MB |")
    print("|---|---|---|---|---|---|---|")
    for r in results:
        rss = f"{r['process_rss_mb']}" + (f" (+server {r['server_rss_mb']})" if "server_rss_mb" in r else "")
        print(f"| {r['passages']:,} | {r['mode']} | {r['hybrid_ms']['p50']} | {r['hybrid_ms']['p95']} | "
              f"{r['dense_ms']['p50']} | {r['write_s']} | {rss} |")


if __name__ == "__main__":
    main()
