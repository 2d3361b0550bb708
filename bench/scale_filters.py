"""Start-up and filtered search on a large synthetic store (default 100k passages, embedded Chroma).

    .venv/bin/python bench/scale_filters.py [--passages 100000] [--data-dir DIR] [--queries 50]

The store is the one ``bench/retrieval_scale.py`` writes (half passages, half dated events in ten
categories and nine chapters; vectors clustered by topic). ``--data-dir`` keeps it between runs.
Two fresh processes time the serving start-up (``Assistant(settings)``: model, document table, BM25,
scope vocabulary): the first after deleting the build's serving snapshot (what every start cost
before snapshots), the second loading it. The second then times searches with and without each
filter, and the recall@10 of filtered dense search against the exact filtered result (brute force
over every admitted vector), on query vectors drawn near the topic centres; next to it, the recall of
the approximate (HNSW) index alone, which bounds what any search through it can reach."""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from bench.common import percentiles, rss_mb  # noqa: E402
from bench.retrieval_scale import WORDS, SyntheticVectors, _settings, write  # noqa: E402

FILTERS = {  # name -> RetrievalFilters keyword arguments; share of documents admitted in the synthetic store
    "events (50%)": {"kinds": ("event",)},
    "chapter 4.3 (11%)": {"chapters": ("4.3",)},
    "category exercise (5%)": {"categories": ("exercise",)},
    "year 2020 (3.3%)": {"year_from": 2020, "year_to": 2020},
    "year 2020 + exercise (0.3%)": {"year_from": 2020, "year_to": 2020, "categories": ("exercise",)},
}


def start(settings):
    from assistant.service import Assistant

    started = time.perf_counter()
    assistant = Assistant(settings)
    return assistant, round(time.perf_counter() - started, 2)


def time_searches(assistant, queries: list[str], filters) -> dict:
    """Each pass embeds its queries afresh, as new questions would be."""
    assistant.embedder._embed_query_cached.cache_clear()
    latencies = []
    for q in queries:
        t = time.perf_counter()
        assistant.retriever.search(q, filters)
        latencies.append((time.perf_counter() - t) * 1000)
    return percentiles(latencies)


def query_vectors(n: int) -> list[list[float]]:
    vectors, rng = SyntheticVectors(), random.Random(3)
    return [vectors.vector(rng.randrange(len(vectors.centres)), 10_000_000 + i).tolist() for i in range(n)]


class ExactSearch:
    """Brute force over every stored vector, held in memory once (the reference for recall)."""

    def __init__(self, retriever):
        from index.store import get_all

        data = get_all(retriever.collection, include=["embeddings"])
        rows = [retriever._index_of[i] for i in data["ids"]]
        self.matrix = np.zeros((len(retriever.table.sources), len(data["embeddings"][0])), dtype=np.float32)
        self.matrix[rows] = np.asarray(data["embeddings"], dtype=np.float32)
        self.matrix /= np.linalg.norm(self.matrix, axis=1, keepdims=True)

    def top10(self, vector, mask: np.ndarray | None = None) -> set[int]:
        cosines = self.matrix @ np.asarray(vector, dtype=np.float32)
        if mask is not None:
            cosines = np.where(mask, cosines, -np.inf)
        return set(np.argsort(-cosines)[:10].tolist())


def recall_at_10(retriever, exact: ExactSearch, filters, n_queries: int) -> dict:
    """Mean recall@10 of filtered dense search against the exact filtered top 10, next to that of the
    approximate (HNSW) index itself: an unfiltered Chroma query masked afterwards, at the depth the
    filtered search asked for; and the path the search took."""
    mask = retriever.table.mask(filters)
    fetch = retriever.filtered_fetch(mask, 30)
    ours, index_alone = [], []
    for q in query_vectors(n_queries):
        truth = exact.top10(q, mask)
        ours.append(len(truth & {row for row, _ in retriever.dense_vector(q, filters, 30)[:10]}) / 10)
        if fetch:
            index_alone.append(len(truth & {row for row, _ in retriever._nearest(q, fetch, mask)[:10]}) / 10)
    return {"recall_at_10": round(float(np.mean(ours)), 4), "fetch": fetch or "exact",
            "index_recall_at_10": round(float(np.mean(index_alone)), 4) if index_alone else None}


def unfiltered_recall_at_10(retriever, exact: ExactSearch, n_queries: int) -> float:
    """The approximate index's own recall@10 on unfiltered queries, for reference."""
    found = [len(exact.top10(q) & {r for r, _ in retriever._nearest(q, 10, None)}) / 10 for q in query_vectors(n_queries)]
    return round(float(np.mean(found)), 4)


def serve(settings, n_queries: int, cold: bool) -> dict:
    from assistant.retrieval import RetrievalFilters

    if cold:
        shutil.rmtree(settings.index.data_dir / "serving", ignore_errors=True)
        _, start_s = start(settings)
        return {"cold_start_s": start_s}
    assistant, start_s = start(settings)
    rng = random.Random(1)
    queries = [" ".join(rng.choice(WORDS) for _ in range(8)) + f" q{i}" for i in range(n_queries)]
    for q in queries[:5]:
        assistant.retriever.search(q)
    out = {"warm_start_s": start_s, "unfiltered_ms": time_searches(assistant, queries, RetrievalFilters()),
           "filters": {}}
    for name, kwargs in FILTERS.items():
        filters = RetrievalFilters(**kwargs)
        out["filters"][name] = {"ms": time_searches(assistant, queries, filters),
                                "admitted": int(assistant.retriever.table.mask(filters).sum())}
    out["serving_rss_mb"] = rss_mb()  # before the benchmark's own copy of every vector below
    exact = ExactSearch(assistant.retriever)
    for name, kwargs in FILTERS.items():
        out["filters"][name].update(recall_at_10(assistant.retriever, exact, RetrievalFilters(**kwargs), n_queries))
    out["unfiltered_recall_at_10"] = unfiltered_recall_at_10(assistant.retriever, exact, n_queries)
    category = {"category": "exercise"}
    where_ms = []
    for q in queries:
        vector = [assistant.embedder.embed_query(q)]
        t = time.perf_counter()
        assistant.retriever.collection.query(query_embeddings=vector, n_results=30, where=category,
                                             include=["distances"])
        where_ms.append((time.perf_counter() - t) * 1000)
    out["category_where_clause_dense_ms"] = percentiles(where_ms)
    return out


def in_child(data_dir: Path, n_queries: int, cold: bool) -> dict:
    command = [sys.executable, __file__, "--serve", str(data_dir), "--queries", str(n_queries)] + (["--cold"] * cold)
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--passages", type=int, default=100_000)
    parser.add_argument("--data-dir", type=Path, default=Path(".data/bench"))
    parser.add_argument("--queries", type=int, default=50)
    parser.add_argument("--serve", type=Path, help=argparse.SUPPRESS)  # a child process: print JSON
    parser.add_argument("--cold", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        print(json.dumps(serve(_settings(args.serve), args.queries, args.cold)))
        return
    data_dir = args.data_dir / f"embedded-{args.passages}"
    written = write(_settings(data_dir), args.passages)
    result = {"passages": args.passages, "write_s": written, **in_child(data_dir, args.queries, cold=True),
              **in_child(data_dir, args.queries, cold=False)}
    print(json.dumps(result))
    base = result["unfiltered_ms"]["p50"]
    print(f"\nstart-up: {result['cold_start_s']} s without a serving snapshot, {result['warm_start_s']} s with it; "
          f"serving RSS {result['serving_rss_mb']} MB")
    print(f"unfiltered hybrid search p50 {base} ms; dense query with a category where-clause (the old way) "
          f"p50 {result['category_where_clause_dense_ms']['p50']} ms\n")
    print("| filter | admitted | hybrid p50 ms | p95 ms | ÷ unfiltered p50 | dense recall@10 | index alone | path |")
    print("|---|---|---|---|---|---|---|---|")
    for name, r in result["filters"].items():
        path = "exact" if r["fetch"] == "exact" else f"top {r['fetch']:,} unfiltered"
        print(f"| {name} | {r['admitted']:,} | {r['ms']['p50']} | {r['ms']['p95']} | {r['ms']['p50'] / base:.2f} | "
              f"{r['recall_at_10']} | {r['index_recall_at_10'] or '–'} | {path} |")
    print(f"\nthe approximate index's own unfiltered recall@10: {result['unfiltered_recall_at_10']}")


if __name__ == "__main__":
    main()
