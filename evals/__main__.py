"""``python -m evals run --questions FILE [--backend NAME] [--out DIR] [--limit N] [--no-baseline]``
and ``python -m evals compare A B``."""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

from core import offline as _offline  # noqa: F401
from assistant.llm import BACKENDS
from evals.compare import compare
from evals.metrics import HEADLINE
from evals.report import fmt, write_reports
from evals.runner import QuestionError, load_results
from evals.runner import run as run_eval
from index.store import IndexMissing


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m evals", description="Evaluate the study assistant.")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="answer and score a question set; write results.json and reports")
    run.add_argument("--questions", type=Path, default=Path("evals/questions.yaml"))
    run.add_argument("--backend", default=None, help=f"a registered backend: {', '.join(BACKENDS)} "
                                                     "(default: STUDY_BACKEND)")
    run.add_argument("--out", type=Path, default=None, help="output directory (default: evals/runs/<backend>)")
    run.add_argument("--limit", type=int, default=None, help="only the first N questions")
    run.add_argument("--no-baseline", action="store_true", help="skip the llama-index baseline")
    run.add_argument("--split", choices=("dev", "test"), default=None,
                     help="only one half of the set (deterministic; tune on dev, report test)")
    run.add_argument("--held-out", action="store_true",
                     help="a set kept for reporting (like the test half): its report gives failures by type only")
    cmp = sub.add_parser("compare", help="per-question regressions and improvements from run A to run B")
    cmp.add_argument("a", type=Path, help="results.json (or its directory) of the earlier run")
    cmp.add_argument("b", type=Path, help="results.json (or its directory) of the later run")
    cmp.add_argument("--fail-on-regression", action="store_true", help="exit 1 if anything regressed")
    rep = sub.add_parser("report", help="re-render report.md/report.html from a results.json")
    rep.add_argument("results", type=Path, help="results.json or its directory")
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = _parser().parse_args(argv)
    if args.command == "compare":
        text, regressions = compare(load_results(args.a), load_results(args.b), str(args.a), str(args.b))
        print(text, end="")
        return 1 if regressions and args.fail_on_regression else 0
    if args.command == "report":
        path = args.results if args.results.is_dir() else args.results.parent
        write_reports(load_results(args.results), path)
        print(f"wrote {path}/report.md, report.html")
        return 0
    return _run(args, argv)


def _run(args: argparse.Namespace, argv: list[str]) -> int:
    out = args.out
    if out is None:  # scratch runs: kept out of git
        out = Path("evals/runs") / (args.backend or "default")
        out.parent.mkdir(parents=True, exist_ok=True)
        (out.parent / ".gitignore").write_text("*\n")
    try:
        doc = run_eval(args.questions, out, backend=args.backend, limit=args.limit,
                       with_baseline=not args.no_baseline, command="python -m evals " + shlex.join(argv),
                       split_name=args.split, held_out=args.held_out)
    except (QuestionError, IndexMissing, FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {out}/results.json, report.md, report.html")
    _print_headline(doc)
    return 0


def _print_headline(doc: dict) -> None:
    """The headline metrics, with the baseline's beside them when it ran."""
    overall = doc["summary"]["overall"]
    for key in HEADLINE:
        base = doc["baseline"]["summary"]["overall"].get(key) if doc.get("baseline") else None
        tail = f"   baseline {fmt(base, key):>10}" if doc.get("baseline") else ""
        print(f"  {key:20} {fmt(overall.get(key), key):>10}{tail}")


if __name__ == "__main__":
    sys.exit(main())
