"""The vector store: Chroma, embedded (a directory) or a ``chroma run`` server, with atomic rebuilds.

Every build writes a *new* collection and only then moves the ``current`` pointer, so a failed or
interrupted build leaves the serving index untouched. Embedded mode keeps one Chroma directory per
build under ``data_dir/builds`` (a crash cannot corrupt the directory being served); server mode
keeps one collection per build and stores the pointer in a tiny collection's metadata.
"""

from __future__ import annotations

import json
import os
import shutil
import time
import uuid
from dataclasses import dataclass, field, fields
from pathlib import Path

from core import offline as _offline  # noqa: F401
from core.settings import Settings

_POINTER_COLLECTION = "pointer"
SENTENCES = "sentences"  # companion collection: one vector per citable sentence


class IndexMissing(RuntimeError):
    """No index has been built yet (run ``python -m index build``)."""


@dataclass(frozen=True)
class Manifest:
    build_id: str
    study: str
    corpus_hash: str
    counts: dict
    embedding_model: str
    built_at: str
    seconds: float
    sources: list = field(default_factory=list)  # SourceRecord dicts of the user files in this build
    reused: int = 0  # documents whose vectors were carried over from the previous build

    def to_json(self) -> str:
        return json.dumps(self.__dict__, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> "Manifest":
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in json.loads(text).items() if k in known})


def _chroma_settings():
    from chromadb.config import Settings as ChromaSettings

    return ChromaSettings(anonymized_telemetry=False, allow_reset=False)


def get_all(collection, *, where: dict | None = None, include: list[str], page: int = 5000) -> dict:
    """``collection.get`` in pages: one call for a whole large collection exceeds SQLite's variable
    limit in embedded Chroma ("too many SQL variables", seen at 100k passages)."""
    out: dict = {"ids": [], **{k: [] for k in include}}
    offset = 0
    while True:
        data = collection.get(where=where, include=include, limit=page, offset=offset)
        out["ids"] += data["ids"]
        for key in include:
            out[key] += list(data[key]) if data[key] is not None else []
        if len(data["ids"]) < page:
            return out
        offset += page


def new_build_id() -> str:
    return time.strftime("%Y%m%d-%H%M%S") + "-" + uuid.uuid4().hex[:6]


class VectorStore:
    """Where builds live and which one serves. One instance per process and data location."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._server_client = None

    # -- clients --------------------------------------------------------------------------
    def _client(self, build_id: str):
        import chromadb

        if self.settings.store.mode == "server":
            if self._server_client is None:
                self._server_client = chromadb.HttpClient(
                    host=self.settings.store.host, port=self.settings.store.port, settings=_chroma_settings()
                )
            return self._server_client
        return chromadb.PersistentClient(path=str(self._build_dir(build_id)), settings=_chroma_settings())

    @property
    def snapshot_root(self) -> Path:
        """Where builds' serving snapshots live (``index.serving``); local in both modes."""
        return self.settings.index.data_dir / "serving"

    def _build_dir(self, build_id: str) -> Path:
        return self.settings.index.data_dir / "builds" / build_id

    def _collection_name(self, build_id: str, part: str = "") -> str:
        """``part`` names a companion collection of the same build ("sentences")."""
        suffix = f"-{part}" if part else ""
        if self.settings.store.mode == "server":
            return f"{self.settings.index.collection}-{build_id}{suffix}"
        return self.settings.index.collection + suffix

    def describe(self) -> str:
        if self.settings.store.mode == "server":
            return f"chroma server {self.settings.store.host}:{self.settings.store.port}"
        return f"embedded chroma in {self.settings.index.data_dir}"

    # -- pointer --------------------------------------------------------------------------
    def current_build_id(self) -> str | None:
        if self.settings.store.mode == "server":
            import chromadb.errors

            try:
                pointer = self._client("").get_collection(f"{self.settings.index.collection}-{_POINTER_COLLECTION}")
            except (chromadb.errors.NotFoundError, ValueError):
                return None
            return (pointer.metadata or {}).get("current")
        path = self.settings.index.data_dir / "CURRENT"
        return path.read_text().strip() if path.exists() else None

    def _set_current(self, build_id: str) -> None:
        if self.settings.store.mode == "server":
            name = f"{self.settings.index.collection}-{_POINTER_COLLECTION}"
            client = self._client("")
            client.get_or_create_collection(name, embedding_function=None).modify(metadata={"current": build_id})
            return
        self.settings.index.data_dir.mkdir(parents=True, exist_ok=True)
        tmp = self.settings.index.data_dir / f".CURRENT.{os.getpid()}"
        tmp.write_text(build_id + "\n")
        os.replace(tmp, self.settings.index.data_dir / "CURRENT")  # atomic on POSIX

    # -- builds ---------------------------------------------------------------------------
    def create_build(self, build_id: str, part: str = ""):
        """A fresh, empty collection for a new build. We always pass our own vectors, so no
        embedding function is attached (Chroma's default would download an ONNX model)."""
        client = self._client(build_id)
        return client.create_collection(
            self._collection_name(build_id, part), embedding_function=None, metadata={"hnsw:space": "cosine"}
        )

    def commit_build(self, build_id: str, manifest: Manifest) -> None:
        collection = self._client(build_id).get_collection(self._collection_name(build_id), embedding_function=None)
        collection.modify(metadata={"manifest": manifest.to_json()})
        previous = self.current_build_id()
        self._set_current(build_id)
        self._prune(keep={build_id, previous})

    def abort_build(self, build_id: str) -> None:
        shutil.rmtree(self.snapshot_root / build_id, ignore_errors=True)
        if self.settings.store.mode == "server":
            for part in ("", SENTENCES):
                try:
                    self._client(build_id).delete_collection(self._collection_name(build_id, part))
                except Exception:  # the collection may never have been created
                    pass
            return
        shutil.rmtree(self._build_dir(build_id), ignore_errors=True)

    def _prune(self, keep: set) -> None:
        """Drop old builds and their serving snapshots, keeping the new one and the one before (a process
        may still serve it)."""
        for path in self.snapshot_root.iterdir() if self.snapshot_root.exists() else ():
            if path.name not in keep:
                shutil.rmtree(path, ignore_errors=True)
        if self.settings.store.mode == "server":
            prefix = f"{self.settings.index.collection}-"
            pointer = prefix + _POINTER_COLLECTION
            client = self._client("")
            for collection in client.list_collections():
                name = getattr(collection, "name", collection)
                build = name[len(prefix):].removesuffix(f"-{SENTENCES}")
                if name.startswith(prefix) and name != pointer and build not in keep:
                    client.delete_collection(name)
            return
        builds = self.settings.index.data_dir / "builds"
        for path in builds.iterdir() if builds.exists() else ():
            if path.name not in keep:
                shutil.rmtree(path, ignore_errors=True)

    # -- serving --------------------------------------------------------------------------
    def open_current(self):
        """The collection that serves now, and its manifest."""
        build_id = self.current_build_id()
        if not build_id:
            raise IndexMissing(f"no index in {self.describe()}: run `python -m index build` (or `make index`)")
        collection = self._client(build_id).get_collection(self._collection_name(build_id), embedding_function=None)
        manifest = Manifest.from_json((collection.metadata or {})["manifest"])
        return collection, manifest

    def open_sentences(self, build_id: str):
        """The build's sentence vectors, or None for a build made without them."""
        try:
            return self._client(build_id).get_collection(self._collection_name(build_id, SENTENCES),
                                                          embedding_function=None)
        except Exception:  # chromadb raises NotFoundError (server) or ValueError (embedded)
            return None
