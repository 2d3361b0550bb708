"""``python -m index {build,add,remove,validate,stats}``.

The embedder (torch) and the build and ingest steps that use it are imported inside the commands that need
them, so ``validate`` and ``stats`` start in a moment; none of these imports hides a circle."""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

from core import offline as _offline  # noqa: F401
from index.corpus import CorpusError, load_corpus
from core.model import CONFIDENCE_LEVELS
from core.settings import get_settings


def _validate(settings) -> int:
    _, issues = load_corpus(settings.index.corpus_dir, strict=False)
    for issue in issues:
        print(issue, file=sys.stderr)
    if issues:
        print(f"{len(issues)} problem(s) in {settings.index.corpus_dir}", file=sys.stderr)
        return 1
    corpus, _ = load_corpus(settings.index.corpus_dir)
    print(f"ok: {len(corpus.chapters)} chapters, {len(corpus.events)} events in {settings.index.corpus_dir}")
    return 0


def _stats(settings) -> int:
    corpus, issues = load_corpus(settings.index.corpus_dir, strict=False)
    print(f"corpus: {settings.index.corpus_dir} ({len(issues)} validation problem(s))")
    print(f"\nchapters: {len(corpus.chapters)}, words: {sum(c.word_count for c in corpus.chapters)}")
    per_chapter = Counter(ch for e in corpus.events for ch in e.chapters)
    print(f"  {'id':<5} {'words':>6} {'sections':>8} {'events':>6} {'linked':>6}  title")
    for chapter in corpus.chapters:
        linked = len({e for s in chapter.sections for e in s.events})
        print(f"  {chapter.id:<5} {chapter.word_count:>6} {len(chapter.sections):>8} {per_chapter[chapter.id]:>6} "
              f"{linked:>6}  {chapter.title}")
    print("  (events: timeline events tagged with the chapter; linked: distinct events its paragraphs cite)")
    print(f"\nevents: {len(corpus.events)}")
    print("  by year:     " + ", ".join(f"{y}: {n}" for y, n in sorted(Counter(e.year for e in corpus.events).items())))
    print("  by category: " + ", ".join(f"{c}: {n}" for c, n in Counter(e.category for e in corpus.events).most_common()))
    by_confidence = Counter(e.confidence for e in corpus.events)
    print("  by confidence: " + ", ".join(f"{c}: {by_confidence[c]}" for c in CONFIDENCE_LEVELS)
          + f" (with a note: {sum(1 for e in corpus.events if e.note)})")
    try:
        from index.store import VectorStore

        _, manifest = VectorStore(settings).open_current()
        print(f"\nindex: build {manifest.build_id} ({manifest.built_at}) in {VectorStore(settings).describe()}")
        print("  " + ", ".join(f"{k}: {v}" for k, v in manifest.counts.items()))
        for source in manifest.sources:
            pages = f", {source['pages']} pages" if source.get("pages") else ""
            print(f"  source {source['name']} ({source['kind']}{pages}, {source['sections']} sections, "
                  f"study {source['study']}, {source['sha256'][:8]})")
    except Exception as exc:  # stats on the corpus are still useful without an index
        print(f"\nindex: none ({exc})")
    return 0


def _build(settings, force: bool) -> int:
    from index.build import build_index
    from index.embedding import Embedder
    from index.store import VectorStore

    started = time.perf_counter()
    store = VectorStore(settings)
    try:
        report = build_index(settings, Embedder(settings.index.embedding_model_path), store=store, force=force)
    except CorpusError as exc:
        print(f"build refused, the serving index is unchanged:\n{exc}", file=sys.stderr)
        return 1
    m = report.manifest
    if report.skipped:
        print(f"index up to date (build {m.build_id}, corpus {m.corpus_hash}); use --force to rebuild")
    else:
        counts = ", ".join(f"{k}: {v}" for k, v in m.counts.items())
        print(f"built {m.build_id} in {time.perf_counter() - started:.1f} s ({counts}) -> {store.describe()}")
    return 0


def _add(settings, paths: list[str], study: str | None) -> int:
    from index.embedding import Embedder
    from index.ingest import add_files

    result = add_files(settings, Embedder(settings.index.embedding_model_path), [Path(p) for p in paths], study=study)
    for message in result.refused:
        print(f"refused: {message}", file=sys.stderr)
    for name in result.unchanged:
        print(f"unchanged: {name} is already indexed")
    for record in result.added:
        pages = f", {record.pages} pages" if record.pages else ""
        print(f"added: {record.name} ({record.kind}{pages}, {record.sections} sections, study {record.study})")
    for record in result.replaced:
        print(f"replaced: the earlier version of {record.name} ({record.sha256[:8]})")
    if result.build:
        m = result.build.manifest
        print(f"index {m.build_id}: {m.counts['documents']} documents ({m.reused} reused)")
    return 1 if result.refused else 0


def _remove(settings, key: str) -> int:
    from index.embedding import Embedder
    from index.ingest import UnknownSource, remove_source

    try:
        gone, report = remove_source(settings, Embedder(settings.index.embedding_model_path), key)
    except UnknownSource as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for record in gone:
        print(f"removed: {record.name} ({record.sha256[:8]})")
    print(f"index {report.manifest.build_id}: {report.manifest.counts['documents']} documents")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m index", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build", help="embed the corpus into a new index and make it current")
    build.add_argument("--force", action="store_true", help="rebuild even if the corpus is unchanged")
    add = sub.add_parser("add", help="ingest report files (PDF, DOCX, HTML, Markdown) into the index")
    add.add_argument("paths", nargs="+")
    add.add_argument("--study", help="the study the files belong to (default: STUDY_STUDY)")
    remove = sub.add_parser("remove", help="drop a source's passages (by file name or hash prefix)")
    remove.add_argument("source")
    sub.add_parser("validate", help="check the corpus; errors name file, line and field")
    sub.add_parser("stats", help="events by year, category and confidence, words and events per chapter")
    args = parser.parse_args(argv)
    settings = get_settings()
    if args.command == "build":
        return _build(settings, args.force)
    if args.command == "add":
        return _add(settings, args.paths, args.study)
    if args.command == "remove":
        return _remove(settings, args.source)
    if args.command == "validate":
        return _validate(settings)
    return _stats(settings)


if __name__ == "__main__":
    sys.exit(main())
