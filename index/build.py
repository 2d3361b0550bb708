"""Build the index: corpus -> documents -> vectors -> a new Chroma collection -> swap it in."""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from index.corpus import load_corpus
from index.documents import IndexDocument, corpus_documents
from index.embedding import EMBEDDING_MODEL_NAME, Embedder
from index.settings import Settings
from index.store import Manifest, VectorStore, new_build_id

_BATCH = 64


@dataclass(frozen=True)
class BuildReport:
    manifest: Manifest
    skipped: bool  # True when the serving index already matched the corpus


def corpus_hash(corpus_dir: Path, extra: str = "") -> str:
    digest = hashlib.sha256(extra.encode())
    for path in sorted(corpus_dir.rglob("*")):
        if path.is_file() and path.suffix in {".md", ".yaml", ".yml"} and path.name != "README.md":
            digest.update(path.relative_to(corpus_dir).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def write_documents(store: VectorStore, embedder: Embedder, documents: list[IndexDocument], *, study: str,
                    content_hash: str, progress: bool = True) -> Manifest:
    """Embed and write ``documents`` into a new build, then make it current. Atomic: on any error
    the half-written build is removed and the previous one keeps serving."""
    started = time.perf_counter()
    build_id = new_build_id()
    try:
        collection = store.create_build(build_id)
        bar = tqdm(total=len(documents), desc="Embedding", unit="doc", disable=not progress)
        for i in range(0, len(documents), _BATCH):
            batch = documents[i: i + _BATCH]
            collection.add(
                ids=[d.id for d in batch],
                documents=[d.text for d in batch],
                metadatas=[d.metadata for d in batch],
                embeddings=embedder.embed([d.embed_text for d in batch]),
            )
            bar.update(len(batch))
        bar.close()
        kinds = Counter(d.metadata["kind"] for d in documents)
        manifest = Manifest(
            build_id=build_id,
            study=study,
            corpus_hash=content_hash,
            counts={"documents": len(documents), "passages": kinds["chapter"], "events": kinds["event"],
                    "chapters": len({d.metadata["chapter"] for d in documents if d.metadata["kind"] == "chapter"})},
            embedding_model=EMBEDDING_MODEL_NAME,
            built_at=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            seconds=round(time.perf_counter() - started, 2),
        )
        store.commit_build(build_id, manifest)
        return manifest
    except BaseException:
        store.abort_build(build_id)
        raise


def build_index(settings: Settings, embedder: Embedder, *, store: VectorStore | None = None,
                force: bool = False, progress: bool = True) -> BuildReport:
    store = store or VectorStore(settings)
    content_hash = corpus_hash(settings.corpus_dir, f"{settings.study}|{settings.passage_words}")
    if not force:
        try:
            _, manifest = store.open_current()
            if manifest.corpus_hash == content_hash:
                return BuildReport(manifest, skipped=True)
        except Exception:  # no index yet, or an unreadable one: build anew
            pass
    corpus, _ = load_corpus(settings.corpus_dir)  # raises CorpusError naming file, line and field
    documents = corpus_documents(corpus, settings.study, settings.passage_words)
    manifest = write_documents(store, embedder, documents, study=settings.study, content_hash=content_hash,
                               progress=progress)
    return BuildReport(manifest, skipped=False)
