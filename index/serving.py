"""What a server loads at start-up, saved with each build: the study's document table (ids, texts,
metadata) and its BM25 index. Reading a 100k-passage collection page by page and indexing it took
~40 s (docs/benchmarks.md); loading this takes about a second.

A snapshot lives in ``VectorStore.snapshot_root/<build id>/<study>/`` and is valid only for its build, its
study, its document count and the tokenizer that made it; anything else is rebuilt from the
collection (and saved), so a rebuild, an older index or a changed tokenizer can never serve stale
BM25 scores. Old builds' snapshots are pruned with their builds."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from core.metadata import unpack_list
from core.text import TOKENIZER_FINGERPRINT
from index.lexical import LexicalIndex, document_frequency, item_words
from index.store import VectorStore, get_all

SNAPSHOT_FORMAT = 3  # 2: word document frequencies for the scope check; 3: a common compound is one word
_INFO = "snapshot.json"
_RECORDS = "records.json"
_BM25 = "bm25"


def lexical_text(text: str, metadata: dict) -> str:
    """What BM25 indexes for a document: its title (an event's name, a passage's heading) and text."""
    return f"{metadata.get('title', '')} {text}"


@dataclass
class ServingSnapshot:
    ids: list[str]
    documents: list[str]
    metadatas: list[dict]
    lexical: LexicalIndex
    document_frequency: dict[str, int]  # of each word over the documents' item_words (the scope check's)

    @classmethod
    def from_records(cls, ids: list[str], documents: list[str], metadatas: list[dict]) -> "ServingSnapshot":
        texts = [lexical_text(t, m) for t, m in zip(documents, metadatas)]
        frequency = document_frequency(item_words(m.get("title", ""), t, unpack_list(m.get("actors", "")))
                                       for t, m in zip(documents, metadatas))
        return cls(list(ids), list(documents), list(metadatas), LexicalIndex.build(texts), frequency)

    @classmethod
    def from_collection(cls, collection, study: str | None) -> "ServingSnapshot":
        data = get_all(collection, where={"study": study} if study else None, include=["documents", "metadatas"])
        return cls.from_records(data["ids"], data["documents"], data["metadatas"])

    def save(self, directory: Path, build_id: str) -> None:
        """Written to a temporary directory and renamed, so a reader never sees half a snapshot."""
        tmp = directory.with_name(f".{directory.name}.{os.getpid()}.tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        (tmp / _RECORDS).write_text(json.dumps({"ids": self.ids, "documents": self.documents,
                                                "metadatas": self.metadatas,
                                                "document_frequency": self.document_frequency}))
        self.lexical.save(tmp / _BM25)
        (tmp / _INFO).write_text(json.dumps(_info(build_id, len(self.ids))))
        shutil.rmtree(directory, ignore_errors=True)
        os.replace(tmp, directory)

    @classmethod
    def load(cls, directory: Path, build_id: str, count: int | None = None) -> "ServingSnapshot | None":
        """The saved snapshot, or None when there is none or it belongs to another build, another
        tokenizer or another document count (``count``: the collection's, when known)."""
        try:
            info = json.loads((directory / _INFO).read_text())
            if info != _info(build_id, info["count"]) or (count is not None and info["count"] != count):
                return None
            records = json.loads((directory / _RECORDS).read_text())
            return cls(records["ids"], records["documents"], records["metadatas"], LexicalIndex.load(directory / _BM25),
                       records["document_frequency"])
        except (OSError, ValueError, KeyError):  # missing, partly deleted or unreadable: rebuild instead
            return None


def _info(build_id: str, count: int) -> dict:
    return {"format": SNAPSHOT_FORMAT, "build_id": build_id, "count": count, "tokenizer": TOKENIZER_FINGERPRINT}


def snapshot_dir(store: VectorStore, build_id: str, study: str | None) -> Path:
    study_key = hashlib.sha1((study or "*").encode()).hexdigest()[:12]
    return store.snapshot_root / build_id / study_key


def open_snapshot(store: VectorStore, build_id: str, collection, study: str | None) -> ServingSnapshot:
    """The build's snapshot for ``study``: loaded when saved and valid, else built from the
    collection and saved for the next start."""
    directory = snapshot_dir(store, build_id, study)
    counted = collection.count() if not study else None  # with a study filter, the count is the snapshot's own
    snapshot = ServingSnapshot.load(directory, build_id, counted)
    if snapshot is None:
        snapshot = ServingSnapshot.from_collection(collection, study)
        try:
            snapshot.save(directory, build_id)
        except OSError:  # a read-only data directory still serves, only without the saved copy
            pass
    return snapshot
