"""Ingest time per 100 PDF pages: a PDF is generated from the corpus chapters (repeated to the page
count asked for), then read (pypdf, structure detection) and embedded into a fresh index.

    .venv/bin/python bench/ingest_pdf.py [--pages 100]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core import offline as _offline  # noqa: E402,F401


def make_report_pdf(path: Path, corpus_dir: Path, pages: int | None = None) -> int:
    """The digest as a report PDF (numbered bold headings): one pass over all chapters, or, with
    ``pages``, repeated and cut so that it has that many pages."""
    from fpdf import FPDF

    from index.corpus import load_corpus
    from core.text import strip_event_refs

    corpus, _ = load_corpus(corpus_dir)
    pdf = FPDF()
    pdf.set_auto_page_break(True, margin=20)
    # The core PDF fonts are Latin-1: spell typographic dashes and quotes the plain way first.
    plain = str.maketrans({"–": "-", "—": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "›": ">", "…": "..."})
    latin = lambda t: strip_event_refs(t).translate(plain).encode("latin-1", "replace").decode("latin-1")  # noqa: E731
    round_ = 0
    while round_ == 0 or (pages and pdf.page_no() < pages):
        round_ += 1
        for chapter in corpus.chapters:
            pdf.add_page()
            pdf.set_font("Helvetica", "B", 16)
            pdf.multi_cell(0, 9, latin(f"{chapter.id} {chapter.title}"), new_x="LMARGIN", new_y="NEXT")
            for section in chapter.sections:
                if section.heading:
                    pdf.set_font("Helvetica", "B", 12)
                    pdf.multi_cell(0, 7, latin(section.heading), new_x="LMARGIN", new_y="NEXT")
                pdf.set_font("Helvetica", "", 11)
                for para in section.text.split("\n\n"):
                    if strip_event_refs(para).strip():
                        pdf.multi_cell(0, 6, latin(para) + (f" ({round_})" if round_ > 1 else ""),
                                       new_x="LMARGIN", new_y="NEXT")
                        pdf.ln(2)
            if pages and pdf.page_no() >= pages:
                break
    pdf.output(str(path))
    return pdf.page_no()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=100)
    args = parser.parse_args()

    from index.build import build_index
    from index.embedding import Embedder
    from index.ingest import add_files
    from index.readers import read_document
    from core.settings import PROJECT_ROOT, Settings

    embedder = Embedder()
    embedder.embed(["warm-up"])
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        shutil.copytree(PROJECT_ROOT / "corpus", tmp / "corpus")
        settings = Settings(_env_file=None, corpus_dir=tmp / "corpus", data_dir=tmp / "data")
        build_index(settings, embedder, progress=False)
        pdf = tmp / "report.pdf"
        pages = make_report_pdf(pdf, settings.index.corpus_dir, args.pages)
        t = time.perf_counter()
        parsed = read_document(pdf, max_bytes=10**9)
        read_s = time.perf_counter() - t
        t = time.perf_counter()
        result = add_files(settings, embedder, [pdf], progress=False)
        add_s = time.perf_counter() - t
        m = result.build.manifest
        embedded = m.counts["documents"] - m.reused
        print(json.dumps({"pages": pages, "sections": len(parsed.sections), "read_s": round(read_s, 2),
                          "add_s (read + embed + atomic rebuild)": round(add_s, 2), "passages_embedded": embedded,
                          "per_100_pages_s": round(add_s * 100 / pages, 2)}, indent=2))


if __name__ == "__main__":
    main()
