"""The serving snapshot (document table + BM25) saved with each build, and its invalidation."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from index.build import build_index
from index.lexical import LexicalIndex, item_words
from index.serving import ServingSnapshot, lexical_text, open_snapshot, snapshot_dir
from core.settings import Settings
from index.store import VectorStore, get_all
from tests.conftest import write
from tests.small_corpus import small_corpus

QUERY = "coast guard patrol vessels Japanese loan"


@pytest.fixture
def scratch(tmp_path):
    """A store of its own over the small corpus: the test rebuilds it three times."""
    return Settings(_env_file=None, corpus_dir=small_corpus(tmp_path / "corpus"), data_dir=tmp_path / "data")


def _never_read_the_collection(monkeypatch):
    def refuse(*_, **__):
        raise AssertionError("the collection was read although a valid snapshot was saved")

    monkeypatch.setattr(ServingSnapshot, "from_collection", classmethod(refuse))


def test_a_build_saves_what_serving_loads_and_it_equals_the_collection(settings, built, monkeypatch):
    store = VectorStore(settings)
    collection, manifest = store.open_current()
    assert (snapshot_dir(store, manifest.build_id, settings.index.study) / "bm25").is_dir()
    _never_read_the_collection(monkeypatch)
    loaded = open_snapshot(store, manifest.build_id, collection, settings.index.study)

    stored = get_all(collection, include=["documents", "metadatas"])
    assert loaded.ids == stored["ids"] and loaded.documents == stored["documents"]
    assert [m["title"] for m in loaded.metadatas] == [m["title"] for m in stored["metadatas"]]
    fresh = LexicalIndex.build([lexical_text(t, m) for t, m in zip(stored["documents"], stored["metadatas"])])
    assert np.allclose(loaded.lexical.scores(QUERY), fresh.scores(QUERY)) and loaded.lexical.scores(QUERY).max() > 0


def test_a_rebuild_serves_its_own_snapshot_and_prunes_old_ones(scratch, embedder):
    first = build_index(scratch, embedder, progress=False).manifest
    chapter = scratch.index.corpus_dir / "chapters" / "6.md"
    write(chapter, chapter.read_text() + "\nA closing remark on the Zanzibarite protocol.\n")
    second = build_index(scratch, embedder, progress=False).manifest
    store = VectorStore(scratch)
    collection, current = store.open_current()
    assert current.build_id == second.build_id != first.build_id

    served = open_snapshot(store, current.build_id, collection, scratch.index.study)
    assert served.lexical.scores("Zanzibarite").max() > 0  # the new text is in the served BM25
    old = ServingSnapshot.load(snapshot_dir(store, first.build_id, scratch.index.study), first.build_id)
    assert old is not None and old.lexical.scores("Zanzibarite") is None  # the old build's stays its own
    # A snapshot answers only for its own build.
    assert ServingSnapshot.load(snapshot_dir(store, first.build_id, scratch.index.study), second.build_id) is None

    third = build_index(scratch, embedder, progress=False, force=True).manifest
    assert sorted(p.name for p in store.snapshot_root.iterdir()) == sorted([second.build_id, third.build_id])


def test_a_stale_or_damaged_snapshot_is_rebuilt_and_saved_again(settings, built, tmp_path):
    store = VectorStore(settings)
    collection, manifest = store.open_current()
    saved = snapshot_dir(store, manifest.build_id, settings.index.study)
    copy = tmp_path / "snapshot"
    shutil.copytree(saved, copy)

    info = json.loads((copy / "snapshot.json").read_text())
    (copy / "snapshot.json").write_text(json.dumps({**info, "tokenizer": "another-tokenizer"}))
    assert ServingSnapshot.load(copy, manifest.build_id) is None
    (copy / "snapshot.json").write_text(json.dumps(info))
    assert ServingSnapshot.load(copy, manifest.build_id) is not None
    assert ServingSnapshot.load(copy, manifest.build_id, count=info["count"] + 1) is None
    (copy / "records.json").unlink()
    assert ServingSnapshot.load(copy, manifest.build_id) is None

    # Serving a build whose snapshot is gone reads the collection once and saves it for the next start.
    moved = tmp_path / "moved"
    shutil.move(saved, moved)
    try:
        rebuilt = open_snapshot(store, manifest.build_id, collection, settings.index.study)
        assert len(rebuilt.ids) == collection.count() and ServingSnapshot.load(saved, manifest.build_id)
    finally:
        shutil.rmtree(saved, ignore_errors=True)
        shutil.move(moved, saved)


def test_a_common_compound_is_one_word_and_a_compound_of_names_names_its_parts():
    words = item_words("", "The live-fire drills by Japan-US-Philippines forces, with a C-130H and a multi-role vessel", [])
    assert {"live-fir", "multi-rol", "us", "philippin", "130h"} <= words and not {"live", "rol"} & words
