"""Start-up and filtered search on a large synthetic store (default 100k passages, embedded Chroma).

    .venv/bin/python bench/scale_filters.py [--passages 100000] [--data-dir DIR] [--queries 50]

The store is the one ``bench/retrieval_scale.py`` writes (half passages, half dated events in ten
categories and nine chapters; vectors clustered by topic). ``--data-dir`` keeps it between runs.
Two fresh processes time the serving start-up (``Assistant(settings)``: model, document table, BM25,
scope vocabulary): the first after deleting the build's serving snapshot (what every start cost
before snapshots), the second loading it. The second then times searches with and without each
filter, and the recall@10 of filtered dense search against the exact filtered result (brute force
over every admitted vector), on query vectors drawn near the topic centres."""

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
    latencies = []
    for q in queries:
        t = time.perf_counter()
        assistant.retriever.search(q, filters)
        latencies.append((time.perf_counter() - t) * 1000)
    return percentiles(latencies)


def recall_at_10(retriever, filters, n_queries: int) -> tuple[float, int]:
    """Mean recall@10 against the exact filtered top 10, and how many queries took the exact path."""
    vectors = SyntheticVectors()
    rng = random.Random(3)
    mask = retriever.table.mask(filters)
    exact_rows = np.flatnonzero(mask)
    recalls, exact_path = [], 0
    for i in range(n_queries):
        q = vectors.vector(rng.randrange(len(vectors.centres)), 10_000_000 + i).tolist()
        truth = {row for row, _ in retriever._exact(q, exact_rows)[:10]}
        found = {row for row, _ in retriever.dense_vector(q, filters, 30)[:10]}
        recalls.append(len(truth & found) / max(1, len(truth)))
        exact_path += retriever.filtered_fetch(mask, 30) is None
    return round(float(np.mean(recalls)), 4), exact_path


def serve(settings, n_queries: int, cold: bool) -> dict:
    from assistant.retrieval import RetrievalFilters

    if cold:
        shutil.rmtree(settings.data_dir / "serving", ignore_errors=True)
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
        recall, exact = recall_at_10(assistant.retriever, filters, n_queries)
        out["filters"][name] = {"ms": time_searches(assistant, queries, filters), "recall_at_10": recall,
                                "admitted": int(assistant.retriever.table.mask(filters).sum()), "exact_path": exact}
    category = {"category": "exercise"}
    where_ms = []
    for q in queries:
        vector = [assistant.embedder.embed_query(q)]
        t = time.perf_counter()
        assistant.retriever.collection.query(query_embeddings=vector, n_results=30, where=category,
                                             include=["distances"])
        where_ms.append((time.perf_counter() - t) * 1000)
    out["category_where_clause_dense_ms"] = percentiles(where_ms)
    out["serving_rss_mb"] = rss_mb()
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
    print("| filter | admitted | hybrid p50 ms | p95 ms | ÷ unfiltered p50 | recall@10 (dense) | exact path |")
    print("|---|---|---|---|---|---|---|")
    for name, r in result["filters"].items():
        print(f"| {name} | {r['admitted']:,} | {r['ms']['p50']} | {r['ms']['p95']} | {r['ms']['p50'] / base:.2f} | "
              f"{r['recall_at_10']} | {r['exact_path']}/{args.queries} |")


if __name__ == "__main__":
    main()
