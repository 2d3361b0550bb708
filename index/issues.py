"""Problems found in the corpus, each located as ``file:line: field: message``."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CorpusIssue:
    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.message}"


class CorpusError(ValueError):
    def __init__(self, issues: list[CorpusIssue]):
        self.issues = issues
        super().__init__("\n".join(str(i) for i in issues))
