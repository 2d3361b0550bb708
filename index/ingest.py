"""Add and remove user report files. Each call reads what it can, refuses what it cannot (naming the
file), and then makes one atomic rebuild, so a bad file changes nothing and a crash changes nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from index.build import BuildReport, build_index, current_sources
from index.embedding import Embedder
from index.readers import IngestError, read_document
from core.settings import Settings
from index.sources import SourceCache, SourceRecord
from index.store import VectorStore


@dataclass
class IngestResult:
    added: list[SourceRecord] = field(default_factory=list)
    replaced: list[SourceRecord] = field(default_factory=list)  # older versions of a file of the same name
    unchanged: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # messages, each naming its file
    build: BuildReport | None = None


def add_files(settings: Settings, embedder: Embedder, paths: list[Path], *, study: str | None = None,
              store: VectorStore | None = None, progress: bool = True) -> IngestResult:
    study = study or settings.index.study
    store = store or VectorStore(settings)
    cache = SourceCache(settings.index.data_dir)
    sources = current_sources(store)
    result = IngestResult()
    max_bytes = int(settings.index.max_file_mb * 1024 * 1024)
    for path in tqdm(paths, desc="Reading", unit="file", disable=not progress or len(paths) < 2):
        try:
            parsed = read_document(Path(path), max_bytes=max_bytes)
        except IngestError as exc:
            result.refused.append(str(exc))
            continue
        if any(s.sha256 == parsed.sha256 and s.study == study for s in sources):
            result.unchanged.append(Path(path).name)
            continue
        record = SourceRecord.from_parsed(parsed, study)
        result.replaced += [s for s in sources if s.name == record.name and s.study == study]
        sources = [s for s in sources if not (s.name == record.name and s.study == study)]
        cache.save(parsed)
        sources.append(record)
        result.added.append(record)
    if result.added:
        result.build = build_index(settings, embedder, store=store, sources=sources, force=True, progress=progress)
    return result


class UnknownSource(LookupError):
    pass


def remove_source(settings: Settings, embedder: Embedder, key: str, *, store: VectorStore | None = None,
                  progress: bool = True) -> tuple[list[SourceRecord], BuildReport]:
    store = store or VectorStore(settings)
    sources = current_sources(store)
    gone = [s for s in sources if s.matches(key)]
    if not gone:
        known = ", ".join(f"{s.name} ({s.sha256[:8]})" for s in sources) or "none"
        raise UnknownSource(f"no source {key!r} in the index; sources: {known}")
    kept = [s for s in sources if not s.matches(key)]
    return gone, build_index(settings, embedder, store=store, sources=kept, force=True, progress=progress)
