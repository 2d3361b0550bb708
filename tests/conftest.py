"""Shared fixtures: one embedding-model load and one real Chroma build per test session."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import pytest

from core import offline as _offline  # noqa: F401
from core.settings import PROJECT_ROOT, Settings

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


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@contextmanager
def serving(app, **kwargs):
    """``app`` on a loopback port (``web.server.ServerThread``) for the block. On the way out it does not wait
    for streams still open to end: a browser tab's, or gradio_client's heartbeat, which a graceful shutdown
    waits for until the next 15 s heartbeat. A test server has no request left worth finishing."""
    from web.server import ServerThread

    running = ServerThread(app, **kwargs).start()
    try:
        yield running
    finally:
        running.server.force_exit = True
        running.stop()
