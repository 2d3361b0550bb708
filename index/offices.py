"""Terms of office (corpus/offices.yaml): the leaders whose terms name periods in questions ('under
Duterte'). Optional: a corpus without the file has no terms, and every problem is reported with its
entry before failing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from core.model import Office
from index.corpus import read_yaml_list
from index.issues import CorpusError, CorpusIssue

OFFICES_FILE = "offices.yaml"
_FIELDS = ("holder", "office", "start", "end", "sources")


def load_offices(corpus_dir: Path) -> list[Office]:
    path = Path(corpus_dir) / OFFICES_FILE
    if not path.is_file():
        return []
    nodes, entries, issues = read_yaml_list(path)
    offices = []
    for node, entry in zip(nodes, entries):
        problem = _problem(entry)
        if problem:
            issues.append(CorpusIssue(str(path), node.start_mark.line + 1, "entry", problem))
            continue
        offices.append(Office(entry["holder"], entry["office"], str(entry["start"]),
                              str(entry["end"]) if entry["end"] else None, tuple(entry["sources"])))
    if issues:
        raise CorpusError(issues)
    return offices


def _problem(entry) -> str | None:
    if not isinstance(entry, dict) or any(f not in entry for f in _FIELDS):
        return f"each entry needs {', '.join(_FIELDS)}"
    for field in ("start", "end"):
        value = entry[field]
        try:
            if value is not None:
                dt.date.fromisoformat(str(value))
        except ValueError:
            return f"{field}: expected an ISO date (YYYY-MM-DD), got {value!r}"
    if not entry["sources"] or not all(str(u).startswith("http") for u in entry["sources"]):
        return "sources: one or more URLs"
    return None
