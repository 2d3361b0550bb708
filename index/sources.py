"""User-supplied report files: parsed once, cached by content hash, and listed in the serving build's
manifest, so the set of sources always changes together with the index (atomically)."""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from index.documents import IndexDocument, section_documents
from index.readers import ParsedDocument
from core.model import ChapterSection


@dataclass(frozen=True)
class SourceRecord:
    sha256: str
    name: str  # file name as given, e.g. "report.pdf"
    kind: str
    study: str
    title: str
    pages: int | None
    sections: int
    added_at: str

    @classmethod
    def from_parsed(cls, parsed: ParsedDocument, study: str) -> "SourceRecord":
        return cls(parsed.sha256, Path(parsed.path).name, parsed.kind, study, parsed.title, parsed.pages,
                   len(parsed.sections), time.strftime("%Y-%m-%dT%H:%M:%S%z"))

    def matches(self, key: str) -> bool:
        """`index remove` takes a file name or a hash prefix (at least 8 characters)."""
        return key == self.name or (len(key) >= 8 and self.sha256.startswith(key))


class SourceCache:
    """Parsed sections by content hash under ``data_dir/sources``; content-addressed, so an orphan
    left by a failed build is harmless and re-adding a file never parses it twice."""

    def __init__(self, data_dir: Path):
        self.dir = data_dir / "sources"

    def _path(self, sha256: str) -> Path:
        return self.dir / f"{sha256}.json"

    def save(self, parsed: ParsedDocument) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        tmp = self._path(parsed.sha256).with_suffix(f".tmp{os.getpid()}")
        tmp.write_text(json.dumps([asdict(s) for s in parsed.sections]), encoding="utf-8")
        os.replace(tmp, self._path(parsed.sha256))

    def sections(self, sha256: str) -> list[ChapterSection]:
        data = json.loads(self._path(sha256).read_text(encoding="utf-8"))
        return [ChapterSection(**{**d, "events": tuple(d.get("events", ()))}) for d in data]


def source_documents(record: SourceRecord, cache: SourceCache, passage_words: int) -> list[IndexDocument]:
    return section_documents(cache.sections(record.sha256), record.study, passage_words,
                             id_prefix=f"src:{record.sha256[:16]}", source_label=record.name)
