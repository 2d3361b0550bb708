"""A bounded load test of POST /api/ask on loopback: N concurrent clients each ask M questions.

    python bench/load_test.py                       # starts the app itself on a free loopback port
    python bench/load_test.py --url http://127.0.0.1:7860 [--api-key KEY]
    python bench/load_test.py --clients 20 --questions 10 --json
    python bench/load_test.py --api-key KEY          # starts the app here with that key (key mode)

Prints the zero-error check, p50/p95/max latency and throughput; exits 1 if any request failed.
Only loopback targets are accepted, and the run is bounded by clients x questions and --deadline.
"""

from __future__ import annotations

import argparse
from contextlib import contextmanager
import ipaddress
import json
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import percentiles  # noqa: E402

QUESTIONS = [
    "When was the Reciprocal Access Agreement signed?",
    "Which equipment has Japan transferred to the Philippines?",
    "How does the study define a quasi-alliance?",
    "What are the five factors driving the cooperation?",
    "What happened in 2016?",
    "When did the first Japan-Philippines 2+2 meeting take place?",
    "What is Official Security Assistance?",
    "How did China respond to the Reciprocal Access Agreement?",
    "What radars did Mitsubishi Electric supply to the Philippine Air Force?",
    "What exercises have Japan and the Philippines held together since 2023?",
    "What is the capital of France?",  # a refusal is a valid answer too
    "When did the TC-90 aircraft arrive in the Philippines?",
]


def is_loopback(url: str) -> bool:
    host = urlparse(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def run(url: str, clients: int, questions: int, api_key: str | None, deadline_s: float, timeout_s: float) -> dict:
    import httpx

    headers = {"X-API-Key": api_key} if api_key else {}
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + deadline_s

    with httpx.Client(base_url=url, timeout=timeout_s, headers=headers) as warm:  # first request pays lazy set-up
        first = warm.post("/api/ask", json={"question": QUESTIONS[0]})
        first.raise_for_status()
        security_headers = all(h in first.headers for h in ("content-security-policy", "x-content-type-options",
                                                            "referrer-policy"))

    def client(n: int) -> None:
        with httpx.Client(base_url=url, timeout=timeout_s, headers=headers) as http:
            for i in range(questions):
                if time.monotonic() > stop_at:
                    with lock:
                        errors.append(f"client {n}: deadline reached before question {i + 1}")
                    return
                question = QUESTIONS[(n + i) % len(QUESTIONS)]
                started = time.perf_counter()
                try:
                    response = http.post("/api/ask", json={"question": question})
                    ok = response.status_code == 200 and isinstance(response.json().get("answer"), str) and (
                        response.json()["citations"] or response.json()["refused"])
                    problem = None if ok else f"HTTP {response.status_code}: {response.text[:120]}"
                except Exception as exc:  # a load test counts every failure, whatever it is
                    problem = f"{exc.__class__.__name__}: {exc}"
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    latencies.append(elapsed)
                    if problem:
                        errors.append(f"client {n}, {question!r}: {problem}")

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(client, range(clients)))
    wall = time.perf_counter() - started
    return {
        "url": url, "api_key": bool(api_key), "security_headers": security_headers, "clients": clients, "questions_per_client": questions, "requests": len(latencies),
        "errors": len(errors), "error_samples": errors[:5], "wall_s": round(wall, 2),
        "throughput_rps": round(len(latencies) / wall, 2) if wall else 0.0,
        "latency_ms": {**percentiles(latencies), "mean": round(statistics.fmean(latencies), 2)} if latencies else {},
    }


@contextmanager
def loopback_target(parser, url: str | None, start):
    """The server to send traffic to: ``url`` if it is on this machine (refused otherwise), or one
    started here with ``start()`` and stopped afterwards."""
    if url:
        if not is_loopback(url):
            parser.error(f"{url} is not a loopback address; these scripts only target this machine")
        yield url.rstrip("/")
        return
    server = start()
    try:
        yield server.url
    finally:
        server.stop()


def start_local_server(api_key: str | None = None):
    from core import offline as _offline  # noqa: F401

    from assistant.service import Assistant
    from core.settings import get_settings
    from index.store import IndexMissing
    from web.config import WebConfig
    from web.server import ServerThread, create_app

    settings = get_settings()
    try:
        assistant = Assistant(settings)
    except IndexMissing as exc:
        sys.exit(f"error: {exc} (build it with `python -m index build`)")
    config = WebConfig.from_settings(settings, api_key=api_key)
    return ServerThread(create_app(settings, assistant, config)).start()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a running server (loopback only); default: start one here")
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients (default 20, at most 100)")
    parser.add_argument("--questions", type=int, default=10, help="questions per client (default 10, at most 100)")
    parser.add_argument("--api-key", help="X-API-Key, if the server requires one (without --url: the server "
                                          "started here requires it)")
    parser.add_argument("--deadline", type=float, default=600.0, help="stop asking after this many seconds")
    parser.add_argument("--timeout", type=float, default=120.0, help="per-request timeout in seconds")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    if not (1 <= args.clients <= 100 and 1 <= args.questions <= 100):
        parser.error("--clients and --questions must be between 1 and 100")

    with loopback_target(parser, args.url, lambda: start_local_server(args.api_key)) as url:
        result = run(url, args.clients, args.questions, args.api_key, args.deadline, args.timeout)

    if args.json:
        print(json.dumps(result, indent=2))
    else:
        lat = result["latency_ms"]
        print(f"target      {result['url']}  ({'given' if args.url else 'started here'}; "
              f"API key {'on' if result['api_key'] else 'off'}; security headers "
              f"{'on' if result['security_headers'] else 'off'})")
        print(f"load        {result['clients']} concurrent clients x {result['questions_per_client']} questions "
              f"= {result['requests']} requests in {result['wall_s']} s")
        print(f"errors      {result['errors']}  -> {'OK: zero errors' if result['errors'] == 0 else 'FAILED'}")
        for sample in result["error_samples"]:
            print(f"            {sample}")
        if lat:
            print(f"latency     p50 {lat['p50']} ms   p95 {lat['p95']} ms   max {lat['max']} ms   mean {lat['mean']} ms")
        print(f"throughput  {result['throughput_rps']} requests/s")
    return 0 if result["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
