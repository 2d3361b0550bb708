"""Build the index: corpus (+ user sources) -> documents -> vectors -> a new Chroma collection -> swap.

Every change, a rebuild, ``add`` or ``remove``, writes a complete new build and then moves the pointer,
so the serving index is never half-changed. Vectors of unchanged documents are copied from the
serving build, which makes small changes cheap."""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

from tqdm import tqdm

from index.corpus import load_corpus
from index.documents import IndexDocument, corpus_documents
from index.embedding import EMBEDDING_MODEL_NAME, Embedder
from core.settings import DEFAULT_STUDY, Settings
from core.text import sentences
from index.serving import ServingSnapshot, snapshot_dir
from index.sources import SourceCache, SourceRecord, source_documents
from index.store import SENTENCES, Manifest, VectorStore, get_all, new_build_id

_BATCH = 64
# Bump when what a build stores changes (document layout, sentence splitting), so `index build`
# rebuilds an index made by older code instead of calling it up to date.
# 4: event metadata gained `confidence` and `note` (plain strings; empty on passages).
INDEX_FORMAT = 4


@dataclass(frozen=True)
class BuildReport:
    manifest: Manifest
    skipped: bool  # True when the serving index already matched the corpus and sources


def corpus_hash(corpus_dir: Path, extra: str = "") -> str:
    digest = hashlib.sha256(extra.encode())
    for path in sorted(corpus_dir.rglob("*")):
        if path.is_file() and path.suffix in {".md", ".yaml", ".yml"} and path.name != "README.md":
            digest.update(path.relative_to(corpus_dir).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _embed_hash(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()[:16]


def _previous_vectors(store: VectorStore, part: str = "") -> dict[str, tuple[str, list[float]]]:
    """id -> (embed hash, vector) from the serving build, to skip re-embedding unchanged texts."""
    try:
        collection, manifest = store.open_current()
        if part:
            collection = store.open_sentences(manifest.build_id)
        data = get_all(collection, include=["metadatas", "embeddings"])
    except Exception:  # no serving build (or an unreadable one): embed everything
        return {}
    return {i: (m.get("embed_hash", ""), list(e)) for i, m, e in zip(data["ids"], data["metadatas"], data["embeddings"])}


def _write(collection, embedder: Embedder, records: list[tuple[str, str, str, dict]], previous: dict,
           bar: tqdm) -> int:
    """Add (id, stored text, embedded text, metadata) records in batches, embedding only what
    changed since the previous build; returns how many vectors were reused."""
    reused = 0
    for i in range(0, len(records), _BATCH):
        batch = records[i: i + _BATCH]
        hashes = [_embed_hash(r[2]) for r in batch]
        known = [previous.get(r[0]) for r in batch]
        missing = [j for j, (h, k) in enumerate(zip(hashes, known)) if not k or k[0] != h]
        fresh = embedder.embed([batch[j][2] for j in missing]) if missing else []
        vectors = [k[1] if k else None for k in known]
        for j, vector in zip(missing, fresh):
            vectors[j] = vector
        reused += len(batch) - len(missing)
        collection.add(ids=[r[0] for r in batch], documents=[r[1] for r in batch],
                       metadatas=[{**r[3], "embed_hash": h} for r, h in zip(batch, hashes)], embeddings=vectors)
        bar.update(len(batch))
    return reused


def sentence_records(documents: list[IndexDocument]) -> list[tuple[str, str, str, dict]]:
    """One record per citable sentence, so answers can pick sentences by meaning, not only words."""
    return [(f"{d.id}#{n}", text, text, {"doc": d.id, "n": n, "study": d.metadata["study"]})
            for d in documents for n, text in enumerate(sentences(d.citable))]


def write_documents(store: VectorStore, embedder: Embedder, documents: list[IndexDocument], *, study: str,
                    content_hash: str, sources: list[dict] = (), progress: bool = True,
                    with_sentences: bool = True) -> Manifest:
    """Embed and write ``documents`` into a new build, then make it current. Atomic: on any error
    the half-written build is removed and the previous one keeps serving. ``with_sentences=False``
    skips the sentence vectors (answers then score whole passages; the scale benchmark uses it)."""
    started = time.perf_counter()
    build_id = new_build_id()
    try:
        records = [(d.id, d.text, d.embed_text, d.metadata) for d in documents]
        with tqdm(total=len(records), desc="Embedding passages", unit="doc", disable=not progress) as bar:
            reused = _write(store.create_build(build_id), embedder, records, _previous_vectors(store), bar)
        if with_sentences:
            records = sentence_records(documents)
            with tqdm(total=len(records), desc="Embedding sentences", unit="sentence", disable=not progress) as bar:
                _write(store.create_build(build_id, SENTENCES), embedder, records, _previous_vectors(store, SENTENCES),
                       bar)
        kinds = Counter(d.metadata["kind"] for d in documents)
        manifest = Manifest(
            build_id=build_id,
            study=study,
            corpus_hash=content_hash,
            counts={"documents": len(documents), "passages": kinds["chapter"], "events": kinds["event"],
                    "chapters": len({d.metadata["chapter"] for d in documents if d.metadata["chapter"]}),
                    "sources": len(sources)},
            embedding_model=EMBEDDING_MODEL_NAME,
            built_at=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            seconds=round(time.perf_counter() - started, 2),
            sources=list(sources),
            reused=reused,
        )
        served = [d for d in documents if d.metadata["study"] == study]
        ServingSnapshot.from_records([d.id for d in served], [d.text for d in served],
                                     [d.metadata for d in served]).save(
            snapshot_dir(store, build_id, study), build_id)
        store.commit_build(build_id, manifest)
        return manifest
    except BaseException:
        store.abort_build(build_id)
        raise


def current_sources(store: VectorStore) -> list[SourceRecord]:
    try:
        _, manifest = store.open_current()
    except Exception:  # no index yet: no sources
        return []
    return [SourceRecord(**s) for s in manifest.sources]


def build_index(settings: Settings, embedder: Embedder, *, store: VectorStore | None = None, force: bool = False,
                sources: list[SourceRecord] | None = None, progress: bool = True) -> BuildReport:
    """Build from the corpus plus ``sources`` (default: the sources of the serving build)."""
    store = store or VectorStore(settings)
    sources = current_sources(store) if sources is None else sources
    content_hash = corpus_hash(settings.index.corpus_dir, "|".join([f"v{INDEX_FORMAT}", str(settings.index.passage_words)]
                                                             + [s.sha256 + s.study for s in sources]))
    if not force:
        try:
            _, manifest = store.open_current()
            if manifest.corpus_hash == content_hash:
                return BuildReport(manifest, skipped=True)
        except Exception:  # no index yet, or an unreadable one: build anew
            pass
    corpus, _ = load_corpus(settings.index.corpus_dir)  # raises CorpusError naming file, line and field
    documents = corpus_documents(corpus, DEFAULT_STUDY, settings.index.passage_words)
    cache = SourceCache(settings.index.data_dir)
    for record in sources:
        documents += source_documents(record, cache, settings.index.passage_words)
    manifest = write_documents(store, embedder, documents, study=settings.index.study, content_hash=content_hash,
                               sources=[asdict(s) for s in sources], progress=progress)
    return BuildReport(manifest, skipped=False)
