"""Does the assistant answer as well from a PDF of the digest as from its Markdown?

    .venv/bin/python bench/pdf_digest_eval.py [--out /tmp/pdf-eval]

Builds two indexes in a temp dir, both with the same timeline: (a) the chapter Markdown, as `make run`
serves; (b) no chapter files, but the digest rendered to a PDF (numbered bold headings, page breaks)
and ingested with `index add`. Runs evals/questions.yaml through both (extractive) and prints
key-fact coverage and retrieval figures side by side."""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.ingest_pdf import make_report_pdf  # noqa: E402
from core import offline as _offline  # noqa: E402,F401

HEADLINE = ("key_fact_coverage", "hit@1", "hit@5", "mrr", "citation_precision", "refusal_accuracy",
            "wrong_refusal_rate")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=None, help="keep both eval reports here")
    args = parser.parse_args()

    from assistant.service import Assistant
    from evals.runner import run
    from index.build import build_index
    from index.embedding import Embedder
    from index.ingest import add_files
    from core.settings import PROJECT_ROOT, Settings

    embedder = Embedder()
    questions = PROJECT_ROOT / "evals" / "questions.yaml"
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        out = Path(args.out) if args.out else tmp / "reports"
        summaries = {}
        # (a) Markdown chapters
        md = Settings(_env_file=None, corpus_dir=PROJECT_ROOT / "corpus", data_dir=tmp / "md")
        build_index(md, embedder, progress=False)
        summaries["markdown"] = run(questions, out / "markdown", with_baseline=False, progress=False,
                                    assistant=Assistant(md, embedder=embedder), command="bench/pdf_digest_eval.py")["summary"]
        # (b) timeline only + the digest as a PDF
        (tmp / "pdf-corpus" / "chapters").mkdir(parents=True)
        shutil.copy(PROJECT_ROOT / "corpus" / "timeline.yaml", tmp / "pdf-corpus" / "timeline.yaml")
        pdf = tmp / "study-digest.pdf"
        pages = make_report_pdf(pdf, PROJECT_ROOT / "corpus")  # one pass over all chapters
        settings = Settings(_env_file=None, corpus_dir=tmp / "pdf-corpus", data_dir=tmp / "pdf")
        build_index(settings, embedder, progress=False)
        result = add_files(settings, embedder, [pdf], progress=False)
        assert result.added, result.refused
        summaries["pdf"] = run(questions, out / "pdf", with_baseline=False, progress=False,
                               assistant=Assistant(settings, embedder=embedder), command="bench/pdf_digest_eval.py")["summary"]

    overall = {name: s["overall"] if "overall" in s else s for name, s in summaries.items()}
    print(json.dumps({"pdf_pages": pages, **{k: {m: overall[k].get(m) for m in HEADLINE} for k in overall}}, indent=2))
    md_cov, pdf_cov = overall["markdown"]["key_fact_coverage"], overall["pdf"]["key_fact_coverage"]
    print(f"\nkey-fact coverage: markdown {md_cov:.3f}, pdf {pdf_cov:.3f}, difference {100 * (md_cov - pdf_cov):+.1f} points")


if __name__ == "__main__":
    main()
