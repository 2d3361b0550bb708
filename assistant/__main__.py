"""``python -m assistant ask "QUESTION" [--json]``."""

from __future__ import annotations

import argparse
import sys

from core import offline as _offline  # noqa: F401
from core.settings import get_settings
from index.store import IndexMissing


def _print_human(answer) -> None:
    if answer.notice:
        print(f"Note: {answer.notice}\n")
    print(answer.answer)
    if answer.citations:
        print("\nSources:")
        for c in answer.citations:
            s = c.source
            page = f", p. {s.page}" if s.page else ""
            where = f"§{s.chapter}{page}" + (f" › {s.section}" if s.section else "") if s.kind == "chapter" else s.ref
            flag = "" if c.verified else "  (unverified)"
            print(f"  {c.marker} {where}: {s.title}{flag}")
            for url in s.urls:
                print(f"      {url}")
    print(f"\n({answer.backend}, {answer.timings_ms['total']:.0f} ms)")


def main(argv: list[str] | None = None, assistant=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m assistant", description="Ask the study assistant.")
    sub = parser.add_subparsers(dest="command", required=True)
    ask = sub.add_parser("ask", help="answer one question with citations")
    ask.add_argument("question")
    ask.add_argument("--json", action="store_true", help="print the JSON contract instead of text")
    args = parser.parse_args(argv)

    from assistant.service import Assistant, InvalidQuestion  # torch and Chroma: loaded only to answer

    try:
        assistant = assistant or Assistant(get_settings())
        answer = assistant.ask(args.question)
    except (InvalidQuestion, IndexMissing) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(answer.to_json(indent=2))
    else:
        _print_human(answer)
    return 0


if __name__ == "__main__":
    sys.exit(main())
