"""Shared fixtures: one embedding-model load and one real Chroma build per test session."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from index import offline as _offline  # noqa: F401
from index.settings import PROJECT_ROOT, Settings

CORPUS = PROJECT_ROOT / "corpus"


@pytest.fixture(scope="session")
def embedder():
    from index.embedding import Embedder

    return Embedder()


@pytest.fixture(scope="session")
def settings(tmp_path_factory) -> Settings:
    """Settings for a store built from the real corpus in a temp dir."""
    return Settings(_env_file=None, corpus_dir=CORPUS, data_dir=tmp_path_factory.mktemp("data"))


@pytest.fixture(scope="session")
def built(settings, embedder):
    from index.build import build_index

    return build_index(settings, embedder, progress=False)


@pytest.fixture(scope="session")
def assistant(settings, embedder, built):
    from assistant.service import Assistant

    return Assistant(settings, embedder=embedder)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def local_server(command: list[str], health_url: str, *, what: str, timeout: float = 120):
    """Run a real server process on loopback until the block ends; fail the test if it never answers."""
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
            pytest.fail(f"{what} did not start within {timeout:g} s")
        time.sleep(0.3)
    try:
        yield proc
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
