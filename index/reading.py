"""What every format reader shares: the blocks it returns (:class:`Read`), the one error it raises
(:class:`IngestError`), and how text files are decoded."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from index.chapter_map import Block


class IngestError(ValueError):
    """A document that cannot be ingested; the message starts with the file name."""

    def __init__(self, path: Path | str, reason: str):
        self.path, self.reason = str(path), reason
        super().__init__(f"{Path(path).name}: {reason}")


@dataclass(frozen=True)
class Read:
    """A reader's result: the document's title and its blocks in reading order."""

    title: str
    blocks: list[Block]
    initial: tuple[str, str] | None = None  # (chapter id, title) the text starts in, when the file names one
    chapter_level: int | None = None  # the only heading level that may open another chapter
    pages: int | None = None  # PDF only


def decode(data: bytes) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    return text.replace("\r\n", "\n").replace("\r", "\n")
