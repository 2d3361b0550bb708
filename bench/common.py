"""Helpers shared by the benchmark scripts: percentiles, memory, loopback servers (also used by the tests)."""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import httpx


def percentiles(values_ms: list[float]) -> dict[str, float]:
    ordered = sorted(values_ms)
    pick = lambda q: ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]  # noqa: E731
    return {"n": len(ordered), "p50": round(statistics.median(ordered), 2), "p95": round(pick(0.95), 2),
            "max": round(ordered[-1], 2)}


def rss_mb(pid: int | None = None) -> float:
    """Resident memory of a process, from /proc (Linux)."""
    for line in Path(f"/proc/{pid or os.getpid()}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def local_server(command: list[str], health_url: str, *, what: str, timeout: float = 120):
    """Run a real server process on loopback until the block ends; yields the process. Raises if it never
    answers ``health_url`` with 200 (tests and benchmarks both start their servers this way)."""
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**os.environ, "ANONYMIZED_TELEMETRY": "False"})
    deadline = time.monotonic() + timeout
    while True:
        try:
            if httpx.get(health_url, timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline or proc.poll() is not None:
            proc.kill()
            raise RuntimeError(f"{what} did not start within {timeout:g} s")
        time.sleep(0.3)
    try:
        yield proc
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@contextmanager
def chroma_server(path: Path):
    """A real ``chroma run`` on loopback for the duration of the block; yields (port, pid)."""
    port = free_port()
    command = [str(Path(sys.executable).parent / "chroma"), "run", "--path", str(path), "--host", "127.0.0.1",
               "--port", str(port)]
    with local_server(command, f"http://127.0.0.1:{port}/api/v2/heartbeat", what="chroma run", timeout=60) as proc:
        yield port, proc.pid
