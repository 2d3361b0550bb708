"""Adding and removing report files: idempotent by content hash, atomic, bad files refused by name with
the index unchanged, and answers that cite the report's chapter and page."""

from __future__ import annotations

import shutil

import pytest

from assistant.retrieval import RetrievalFilters
from assistant.service import Assistant
from index.build import build_index
from index.corpus import load_chapter
from index.ingest import UnknownSource, add_files, remove_source
from core.settings import Settings
from index.store import VectorStore
from tests.conftest import CORPUS
from tests.test_readers import make_pdf, tiny_pdf


@pytest.fixture(scope="module")
def scratch(tmp_path_factory, embedder, settings, built):
    """The full corpus and a store of its own, which these tests change. The store starts as a copy of the
    session's build of the same corpus, so the build below finds it up to date instead of embedding it again."""
    root = tmp_path_factory.mktemp("ingest")
    shutil.copytree(CORPUS, root / "corpus")
    shutil.copytree(settings.index.data_dir, root / "data")
    own = Settings(_env_file=None, corpus_dir=root / "corpus", data_dir=root / "data", max_file_mb=0.5)
    build_index(own, embedder, progress=False)
    return own


@pytest.fixture(scope="module")
def report_pdf(tmp_path_factory):
    chapters = {cid: load_chapter(CORPUS / "chapters" / f"{cid}.md")[0] for cid in ("1", "4.2", "4.3")}
    path = tmp_path_factory.mktemp("files") / "report.pdf"
    starts = make_pdf(path, chapters)
    return path, starts


def _state(settings):
    collection, manifest = VectorStore(settings).open_current()
    return manifest.build_id, collection.count()


def test_add_is_idempotent_and_answers_cite_chapter_and_page(scratch, embedder, report_pdf):
    path, starts = report_pdf
    before = _state(scratch)
    result = add_files(scratch, embedder, [path], progress=False)
    assert [r.name for r in result.added] == ["report.pdf"] and result.build.manifest.reused >= before[1]
    after = _state(scratch)
    assert after[1] > before[1]

    again = add_files(scratch, embedder, [path], progress=False)
    assert again.unchanged == ["report.pdf"] and again.build is None and _state(scratch) == after

    answer = Assistant(scratch, embedder=embedder).ask("Which air surveillance radars did Mitsubishi Electric supply?")
    from_pdf = [s for s in answer.retrieved if s.page]
    assert from_pdf, "the PDF's passages should be retrieved"
    radar = next(s for s in from_pdf if "radar" in s.text.lower())
    assert radar.chapter == "4.3" and radar.page >= 2 and "report.pdf" in radar.title
    opening = next(k for k in starts if k[:40] in radar.text)
    assert radar.page == starts[opening]


def test_bad_files_are_refused_by_name_and_change_nothing(scratch, embedder, tmp_path):
    from pypdf import PdfReader, PdfWriter

    tiny_pdf(tmp_path / "plain.pdf", "Some text on a page that is long enough to count as a text layer.")
    writer = PdfWriter(clone_from=PdfReader(tmp_path / "plain.pdf"))
    writer.encrypt("secret")
    writer.write(tmp_path / "locked.pdf")
    files = {
        "empty.md": tmp_path / "empty.md",
        "scan.pdf": tiny_pdf(tmp_path / "scan.pdf", image=True),
        "locked.pdf": tmp_path / "locked.pdf",
        "huge.html": tmp_path / "huge.html",
        "notes.xyz": tmp_path / "notes.xyz",
    }
    files["empty.md"].write_text("")
    files["huge.html"].write_text("<p>" + "word " * 200_000 + "</p>")  # over the 0.5 MB limit
    files["notes.xyz"].write_text("text")
    before = _state(scratch)
    for name, path in files.items():
        result = add_files(scratch, embedder, [path], progress=False)
        assert len(result.refused) == 1 and result.refused[0].startswith(f"{name}: "), result.refused
        assert result.build is None and _state(scratch) == before


def test_a_good_file_is_added_beside_a_refused_one(scratch, embedder, tmp_path):
    good = tmp_path / "note.md"
    good.write_text("# 5 The emergence of a quasi-alliance\n\nA short test note about the quasi-alliance idea.\n")
    bad = tmp_path / "bad.xyz"
    bad.write_text("x")
    result = add_files(scratch, embedder, [bad, good], progress=False)
    assert [r.name for r in result.added] == ["note.md"] and len(result.refused) == 1
    gone, report = remove_source(scratch, embedder, "note.md", progress=False)
    assert [g.name for g in gone] == ["note.md"] and not any(s["name"] == "note.md" for s in report.manifest.sources)


def test_remove_drops_a_source_and_unknown_sources_are_an_error(scratch, embedder, report_pdf):
    _, manifest = VectorStore(scratch).open_current()
    sha = next(s["sha256"] for s in manifest.sources if s["name"] == "report.pdf")
    gone, report = remove_source(scratch, embedder, sha[:10], progress=False)
    assert [g.name for g in gone] == ["report.pdf"] and report.manifest.counts["sources"] == 0
    with pytest.raises(UnknownSource, match="no source"):
        remove_source(scratch, embedder, "report.pdf", progress=False)


def test_sources_belong_to_a_study(scratch, embedder, tmp_path):
    note = tmp_path / "other.md"
    note.write_text("# Other study\n\nA passage about Vietnamese fisheries policy in the Mekong delta.\n")
    add_files(scratch, embedder, [note], study="other-study", progress=False)
    own = Assistant(scratch, embedder=embedder)
    assert not any("Mekong" in s.text for s in own.table.sources)
    other = Assistant(scratch.updated(study="other-study"), embedder=embedder)
    assert [s.text for s in other.table.sources] and all("Mekong" in s.text for s in other.table.sources)
    # Two studies share the collection, so the dense search must keep its study clause.
    mekong = "Vietnamese fisheries policy in the Mekong delta"
    assert not any("Mekong" in s.text for s in own.retriever.search(mekong))
    assert len(own.retriever.dense(mekong, RetrievalFilters(), 30)) == 30  # no slot lost to the other study
    remove_source(scratch, embedder, "other.md", progress=False)
