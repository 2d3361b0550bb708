"""Warm answer latency of the default (extractive) assistant over the eval questions.

    .venv/bin/python bench/answer_latency.py [--rounds 3]

Prints p50/p95 of Assistant.ask() total time after a warm-up pass (model loaded, caches primed
by the first pass are *not* reused: each round asks every question again, and the query-embedding
cache is cleared between rounds so each ask embeds its question)."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import yaml  # noqa: E402

from bench.common import percentiles, rss_mb  # noqa: E402
from core import offline as _offline  # noqa: E402,F401


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--questions", default="evals/questions.yaml")
    args = parser.parse_args()

    from assistant.service import Assistant
    from core.model import Turn
    from core.settings import get_settings

    started = time.perf_counter()
    assistant = Assistant(get_settings())
    startup = time.perf_counter() - started
    questions = yaml.safe_load(Path(args.questions).read_text())
    ask = lambda q: assistant.ask(q["question"], [Turn(**t) for t in q.get("history") or []])  # noqa: E731
    for q in questions:  # warm-up
        ask(q)
    totals, retrieve = [], []
    for _ in range(args.rounds):
        assistant.embedder._embed_query_cached.cache_clear()
        for q in questions:
            answer = ask(q)
            totals.append(answer.timings_ms["total"])
            retrieve.append(answer.timings_ms["retrieve"])
    print(json.dumps({"questions": len(questions), "rounds": args.rounds, "startup_s": round(startup, 2),
                      "total_ms": percentiles(totals), "retrieve_ms": percentiles(retrieve),
                      "rss_mb": rss_mb()}, indent=2))


if __name__ == "__main__":
    main()
