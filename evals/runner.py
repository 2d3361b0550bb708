"""Run a question set through the app's ``Assistant`` (and the baseline), score it, write results.json."""

from __future__ import annotations

import hashlib
import json
import os
import platform
import sys
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

import yaml
from tqdm import tqdm

from core.model import Turn
from core.settings import get_settings
from evals.metrics import count_relevant, score, summarize
from evals.report import write_reports

REQUIRED = ("id", "question", "answerable", "key_facts", "expected_chapters", "expected_event_dates", "tags")
SECRET_WORDS = ("key", "token", "secret", "password")
PROJECT_DIR = Path(__file__).resolve().parent.parent
PACKAGES = ("chromadb", "llama-index-core", "sentence-transformers")


class QuestionError(ValueError):
    pass


# Yes/no verdicts of the claims questions make, labelled apart from the questions by a reader of the
# corpus who saw no answers: {id: {verdict: yes|no|unclear, why: …}}. A question may also carry its own.
VERDICTS_FILE = Path(__file__).resolve().parent / "verdicts.yaml"
VERDICT_LABELS = ("yes", "no", "unclear")


def _verdicts() -> dict[str, str]:
    if not VERDICTS_FILE.is_file():
        return {}
    return {qid: label["verdict"] for qid, label in (yaml.safe_load(VERDICTS_FILE.read_text(encoding="utf-8")) or {}).items()}


def load_questions(path: Path) -> list[dict]:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, list):
        raise QuestionError(f"{path}: expected a YAML list of questions")
    seen = set()
    verdicts = _verdicts()
    for n, q in enumerate(data, start=1):
        if q.get("id") in verdicts:
            q.setdefault("verdict", verdicts[q["id"]])
        if q.get("verdict") not in (None, *VERDICT_LABELS):
            raise QuestionError(f"{path}: {q.get('id', '?')}: verdict is one of {', '.join(VERDICT_LABELS)}")
        missing = [f for f in REQUIRED if f not in q]
        if missing:
            raise QuestionError(f"{path}: question {n} ({q.get('id', '?')}) lacks {', '.join(missing)}")
        if q["id"] in seen:
            raise QuestionError(f"{path}: duplicate id {q['id']}")
        seen.add(q["id"])
        for turn in q.get("history") or []:
            if set(turn) != {"role", "content"} or turn["role"] not in ("user", "assistant"):
                raise QuestionError(f"{path}: {q['id']}: history items are {{role: user|assistant, content}}")
    return data


SPLITS = ("dev", "test")


def split(questions: list[dict], name: str) -> list[dict]:
    """The ``dev`` or ``test`` half of a question set: within each type (first tag), questions ordered
    by a hash of their id alternate between dev and test, so both halves have every type in the same
    proportion and the split never changes when code or answers do. Tune on dev; report test."""
    if name not in SPLITS:
        raise QuestionError(f"unknown split {name!r}; known: {', '.join(SPLITS)}")
    by_type: dict[str, list[dict]] = {}
    for q in questions:
        by_type.setdefault(q["tags"][0] if q["tags"] else "", []).append(q)
    chosen = set()
    for group in by_type.values():
        ordered = sorted(group, key=lambda q: hashlib.sha256(q["id"].encode()).hexdigest())
        chosen |= {q["id"] for i, q in enumerate(ordered) if SPLITS[i % 2] == name}
    return [q for q in questions if q["id"] in chosen]


def stratified(questions: list[dict], per_tag: int) -> list[dict]:
    """The first ``per_tag`` questions of each tag, in file order (deterministic)."""
    counts: dict[str, int] = {}
    chosen = []
    for q in questions:
        if any(counts.get(t, 0) < per_tag for t in q["tags"]):
            chosen.append(q)
            for t in q["tags"]:
                counts[t] = counts.get(t, 0) + 1
    return chosen


def file_sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


# --- answering -------------------------------------------------------------------------------


def _failed(question: dict, exc: Exception, backend: str) -> dict:
    return {"question": question["question"], "answer": "", "refused": False, "backend": backend, "notice": None,
            "standalone_question": None, "citations": [], "retrieved": [], "timings_ms": {},
            "error": f"{type(exc).__name__}: {exc}"}


def evaluate(questions: list[dict], ask: Callable[[dict], object], *, n_relevant: Callable[[dict], int] | None = None,
             backend: str = "", progress: bool = True, desc: str = "Questions") -> list[dict]:
    """``ask(question_dict) -> Answer``; returns one result per question: id, tags, the JSON contract
    fields and the scores."""
    results = []
    for q in tqdm(questions, desc=desc, unit="q", disable=not progress):
        try:
            answer = ask(q).to_dict()
        except Exception as exc:  # one broken question must not sink the run; it scores as a miss
            answer = _failed(q, exc, backend)
        scores = score(q, answer, n_relevant(q) if n_relevant else None)
        results.append({"id": q["id"], "tags": list(q["tags"]), "answerable": bool(q["answerable"]), **answer,
                        "scores": scores})
    return results


def assistant_asker(assistant, backend: str | None) -> Callable[[dict], object]:
    def ask(q: dict):
        history = [Turn(t["role"], t["content"]) for t in q.get("history") or []]
        return assistant.ask(q["question"], history=history, backend=backend)

    return ask


def evaluate_assistant(assistant, questions: list[dict], backend: str | None = None, *,
                       progress: bool = True) -> list[dict]:
    items = [{"kind": s.kind, "chapter": s.chapter, "date": s.date} for s in assistant.table.sources]
    return evaluate(questions, assistant_asker(assistant, backend), n_relevant=lambda q: count_relevant(items, q),
                    backend=backend or assistant.settings.llm.backend, progress=progress,
                    desc=f"Assistant ({backend or assistant.settings.llm.backend})")


def evaluate_baseline(baseline, questions: list[dict], *, progress: bool = True) -> list[dict]:
    items = baseline.node_items()
    return evaluate(questions, lambda q: baseline.ask(q["question"]), n_relevant=lambda q: count_relevant(items, q),
                    backend="baseline", progress=progress, desc="Baseline")


# --- run record ------------------------------------------------------------------------------


def public_settings(settings) -> dict:
    data = settings.model_dump(mode="json")
    return {k: v for k, v in data.items() if not any(w in k.lower() for w in SECRET_WORDS)}


def versions() -> dict:
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def corpus_digest(corpus_dir: Path) -> str:
    """sha256 over the corpus files (chapters and timeline), to tie a run to the text it was scored on."""
    digest = hashlib.sha256()
    for path in sorted(Path(corpus_dir).rglob("*")):
        if path.is_file() and path.suffix in {".md", ".yaml", ".yml"} and path.name != "README.md":
            digest.update(path.relative_to(corpus_dir).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def index_info(assistant) -> dict:
    manifest = assistant.manifest
    return {"build_id": manifest.build_id, "built_at": manifest.built_at, "corpus_hash": manifest.corpus_hash,
            "embedding_model": manifest.embedding_model, "counts": manifest.counts,
            "corpus_sha256": corpus_digest(assistant.settings.index.corpus_dir)}


def git_state() -> dict:
    """The commit the code ran from and the files that differed from it (others edit while runs happen)."""
    import subprocess

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=PROJECT_DIR, capture_output=True, text=True, timeout=10).stdout

    try:
        changed = [line[3:] for line in git("status", "--porcelain", "--untracked-files=no").splitlines()]
        return {"commit": git("rev-parse", "HEAD").strip() or None, "modified": changed}
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "modified": []}


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z")


def run_baseline(assistant, questions: list[dict], progress: bool) -> dict:
    """The llama-index baseline on the same questions, with the assistant's embedder."""
    from evals.baseline import Baseline  # llama-index's query engine: loaded only when the baseline runs

    baseline = Baseline.from_corpus_dir(assistant.settings.index.corpus_dir, assistant.embedder)
    base_results = evaluate_baseline(baseline, questions, progress=progress)
    return {"config": baseline.describe(), "summary": summarize(base_results), "results": base_results}


def run(questions_path: Path, out_dir: Path, *, backend: str | None = None, limit: int | None = None,
        with_baseline: bool = True, command: str = "", progress: bool = True, assistant=None,
        split_name: str | None = None, held_out: bool = False) -> dict:
    """The whole ``python -m evals run``: one Assistant (one model load), every question, the baseline,
    results.json, report.md and report.html in ``out_dir``. Returns the results document."""
    started, git = _now(), git_state()  # the code as imported now
    questions_all = load_questions(questions_path)
    questions = split(questions_all, split_name) if split_name else questions_all
    questions = questions[:limit] if limit else questions
    if assistant is None:
        from assistant.service import Assistant  # torch, Chroma: loaded only when a run needs them

        assistant = Assistant(get_settings())
    backend = backend or assistant.settings.llm.backend
    llm = assistant.backend(backend)
    if llm is not None:  # one untimed question, so the first timed one does not pay for loading the model
        assistant.ask("What is the study about?", backend=backend)
    results = evaluate_assistant(assistant, questions, backend, progress=progress)

    baseline_doc = run_baseline(assistant, questions, progress) if with_baseline else None

    doc = {
        "run": {
            "command": command or " ".join(sys.argv),
            "started": started,
            "finished": _now(),
            "backend": backend,
            "llm_model": str(getattr(llm, "model_path", "")) or None,
            "settings": public_settings(assistant.settings),
            "versions": versions(),
            "git": git,
            "platform": {"machine": platform.machine(), "cpus": os.cpu_count(),
                         "python_hash_seed": os.environ.get("PYTHONHASHSEED")},
            "index": index_info(assistant),
            "questions": {"file": str(questions_path), "sha256": file_sha256(questions_path),
                          "count": len(questions), "total_in_file": len(questions_all), "limit": limit,
                          "split": split_name, "held_out": held_out or split_name == "test"},
        },
        "results": results,
        "summary": summarize(results),
        "baseline": baseline_doc,
    }
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "results.json").write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    write_reports(doc, out_dir)
    return doc


def load_results(path: Path) -> dict:
    path = Path(path)
    if path.is_dir():
        path = path / "results.json"
    return json.loads(path.read_text(encoding="utf-8"))
