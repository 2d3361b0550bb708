"""The one error a report file that cannot be ingested raises, shared by every reader."""

from __future__ import annotations

from pathlib import Path


class IngestError(ValueError):
    """A document that cannot be ingested; the message starts with the file name."""

    def __init__(self, path: Path | str, reason: str):
        self.path, self.reason = str(path), reason
        super().__init__(f"{Path(path).name}: {reason}")
