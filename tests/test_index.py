"""Index build against the real model and a real embedded Chroma store."""

from __future__ import annotations

import pytest

from index.build import build_index
from index.corpus import CorpusError, load_corpus
from index.documents import corpus_documents
from core.settings import Settings
from index.store import IndexMissing, VectorStore
from tests.conftest import CORPUS, write
from tests.small_corpus import small_corpus


def test_build_counts_match_the_corpus(built, settings):
    corpus, _ = load_corpus(CORPUS)
    documents = corpus_documents(corpus, settings.index.study, settings.index.passage_words)
    counts = built.manifest.counts
    assert counts["events"] == len(corpus.events)
    assert counts["passages"] == len(documents) - len(corpus.events)
    assert counts["chapters"] == len(corpus.chapters)
    collection, manifest = VectorStore(settings).open_current()
    assert collection.count() == counts["documents"]
    assert manifest.embedding_model == "all-MiniLM-L6-v2"


def test_passages_keep_chapter_heading_and_events(settings, built):
    collection, _ = VectorStore(settings).open_current()
    record = collection.get(where={"chapter": "4.3"}, include=["metadatas", "documents"])
    metas = record["metadatas"]
    assert metas and all(m["kind"] in ("chapter", "event") for m in metas)
    passages = [m for m in metas if m["kind"] == "chapter"]
    assert any(m["section"] for m in passages)
    assert any(m["events"] for m in passages)
    assert all("[events:" not in d for d in record["documents"])
    event = collection.get(ids=["event:2024-07-08-raa-signed"], include=["metadatas"])["metadatas"][0]
    assert event["date"] == "2024-07-08" and event["year"] == 2024 and "|Japan|" in event["actors"]


def test_rebuild_is_idempotent(settings, embedder, built):
    again = build_index(settings, embedder, progress=False)
    assert again.skipped and again.manifest.build_id == built.manifest.build_id


@pytest.fixture
def scratch(tmp_path):
    """A store of its own over the small corpus: these tests build, break and rebuild it."""
    return Settings(_env_file=None, corpus_dir=small_corpus(tmp_path / "corpus"), data_dir=tmp_path / "data")


def test_forced_rebuild_gives_same_content_and_prunes_old_builds(scratch, embedder):
    first = build_index(scratch, embedder, progress=False, force=True)
    second = build_index(scratch, embedder, progress=False, force=True)
    third = build_index(scratch, embedder, progress=False, force=True)
    assert first.manifest.counts == second.manifest.counts == third.manifest.counts
    builds = sorted(p.name for p in (scratch.index.data_dir / "builds").iterdir())
    assert builds == sorted([second.manifest.build_id, third.manifest.build_id])


def test_failed_build_leaves_the_old_index_serving(scratch, embedder, monkeypatch):
    good = build_index(scratch, embedder, progress=False)
    timeline = scratch.index.corpus_dir / "timeline.yaml"
    valid = timeline.read_text()
    write(timeline, valid + "- id: broken\n")
    with pytest.raises(CorpusError):
        build_index(scratch, embedder, progress=False)
    collection, manifest = VectorStore(scratch).open_current()
    assert manifest.build_id == good.manifest.build_id and collection.count() == good.manifest.counts["documents"]

    # A crash half-way through writing (here: the embedder fails) also leaves it serving.
    write(timeline, valid)
    write(scratch.index.corpus_dir / "chapters" / "6.md", (scratch.index.corpus_dir / "chapters" / "6.md").read_text() + "\nMore.\n")
    monkeypatch.setattr(embedder, "embed", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("disk full")))
    with pytest.raises(RuntimeError):
        build_index(scratch, embedder, progress=False)
    assert VectorStore(scratch).current_build_id() == good.manifest.build_id
    assert [p.name for p in (scratch.index.data_dir / "builds").iterdir()] == [good.manifest.build_id]


def test_missing_index_is_a_clear_error(tmp_path):
    with pytest.raises(IndexMissing, match="python -m index build"):
        VectorStore(Settings(_env_file=None, data_dir=tmp_path / "empty")).open_current()


def test_get_all_pages_through_a_collection(settings, built):
    """Large collections are read in pages (one get() of 100k passages overflows SQLite's variables)."""
    from index.store import get_all

    collection, _ = VectorStore(settings).open_current()
    paged = get_all(collection, include=["metadatas"], page=7)
    assert sorted(paged["ids"]) == sorted(collection.get(include=[])["ids"]) and len(paged["metadatas"]) == len(paged["ids"])
