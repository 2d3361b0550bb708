"""Scale-out: the same index and assistant against a real ``chroma run`` server on loopback."""

from __future__ import annotations

import pytest

from assistant.service import Assistant
from bench.common import chroma_server as run_chroma
from index.build import build_index
from core.settings import Settings
from index.store import VectorStore
from tests.conftest import write
from tests.small_corpus import small_corpus


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory):
    with run_chroma(tmp_path_factory.mktemp("chroma")) as (port, _):
        yield port


@pytest.fixture(scope="module")
def server_settings(chroma_server, tmp_path_factory):
    """The small corpus: these tests check the server round trip, not the corpus."""
    root = tmp_path_factory.mktemp("server-corpus")
    return Settings(_env_file=None, corpus_dir=small_corpus(root / "corpus"), data_dir=root / "data",
                    chroma_host="127.0.0.1", chroma_port=chroma_server)


def test_settings_read_chroma_host_from_the_environment(monkeypatch):
    monkeypatch.setenv("CHROMA_HOST", "127.0.0.1")
    monkeypatch.setenv("CHROMA_PORT", "9999")
    settings = Settings(_env_file=None)
    assert settings.store.mode == "server" and settings.store.port == 9999


def test_build_and_answer_through_the_server(server_settings, embedder, tmp_path):
    embedded = Settings(_env_file=None, corpus_dir=server_settings.index.corpus_dir, data_dir=tmp_path / "embedded")
    local = build_index(embedded, embedder, progress=False)  # the same corpus in embedded Chroma
    report = build_index(server_settings, embedder, progress=False)
    assert report.manifest.counts == local.manifest.counts
    assert VectorStore(server_settings).describe().startswith("chroma server")
    assert not (server_settings.index.data_dir / "builds").exists()  # nothing was written locally

    answer = Assistant(server_settings, embedder=embedder).ask("When was the Reciprocal Access Agreement signed?")
    assert answer.answer.startswith("8 July 2024") and answer.citations[0].source.ref == "2024-07-08-raa-signed"
    assert build_index(server_settings, embedder, progress=False).skipped


def test_server_builds_are_atomic_and_pruned(server_settings, embedder):
    import chromadb

    good = build_index(server_settings, embedder, progress=False, force=True)
    write(server_settings.index.corpus_dir / "timeline.yaml",
          (server_settings.index.corpus_dir / "timeline.yaml").read_text() + "\n- id: broken\n")
    with pytest.raises(Exception):
        build_index(server_settings, embedder, progress=False)
    assert VectorStore(server_settings).current_build_id() == good.manifest.build_id
    client = chromadb.HttpClient(host="127.0.0.1", port=server_settings.store.port)
    names = sorted(c.name if hasattr(c, "name") else c for c in client.list_collections())
    assert {f"study-{good.manifest.build_id}", f"study-{good.manifest.build_id}-sentences", "study-pointer"} <= set(names)
    assert len(names) <= 5  # the current build and the one before, each with its sentences, and the pointer
