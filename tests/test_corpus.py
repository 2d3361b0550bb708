"""Corpus loading and validation: the real corpus passes; broken files are reported by file, line and field."""

from __future__ import annotations

import shutil

import pytest

from index.corpus import CorpusError, load_corpus
from core.dates import format_date
from core.model import CANONICAL_CHAPTERS, CONFIDENCE_LEVELS
from tests.conftest import CORPUS, write

GOOD_EVENT = """- id: 2024-07-08-raa-signed
  date: "2024-07-08"
  title: RAA signed
  category: agreement
  summary: Signed in Manila.
  confidence: high
  actors: [Japan, Philippines]
  chapters: ["5"]
  sources: [https://example.org/raa]
  related: []
"""


def test_real_corpus_is_valid_and_complete():
    corpus, issues = load_corpus(CORPUS)
    assert issues == []
    assert {c.id for c in corpus.chapters} == set(CANONICAL_CHAPTERS) - {"4"}
    assert len(corpus.events) >= 120
    assert all(c.word_count >= 500 for c in corpus.chapters)
    assert sum(c.word_count for c in corpus.chapters) >= 8000
    raa = corpus.event("2024-07-08-raa-signed")
    assert raa and raa.date == "2024-07-08" and raa.urls and raa.category == "agreement"


def test_every_event_has_a_confidence_and_capacity_building_is_covered():
    corpus, _ = load_corpus(CORPUS)
    assert len(corpus.events) >= 150
    assert all(e.confidence in CONFIDENCE_LEVELS for e in corpus.events)
    assert all(isinstance(e.note, str) for e in corpus.events)
    assert sum(e.category == "capacity-building" for e in corpus.events) >= 8
    # a low confidence means the sources conflict, and the note must say how
    assert all(e.note for e in corpus.events if e.confidence == "low")
    linked_44 = {ref for s in corpus.chapter("4.4").sections for ref in s.events}
    assert sum(corpus.event(ref).category == "capacity-building" for ref in linked_44) >= 8


def test_note_is_optional_and_normalised(tmp_path):
    (tmp_path / "corpus" / "chapters").mkdir(parents=True)
    write(tmp_path / "corpus" / "timeline.yaml",
          GOOD_EVENT + GOOD_EVENT.replace("2024-07-08", "2024-07-09").replace(
              "confidence: high", "confidence: low\n  note: >-\n    Sources give\n    two dates."))
    corpus, issues = load_corpus(tmp_path / "corpus")
    assert issues == []
    assert [(e.confidence, e.note) for e in corpus.events] == [("high", ""), ("low", "Sources give two dates.")]


def test_sections_keep_headings_and_event_links():
    corpus, _ = load_corpus(CORPUS)
    chapter = corpus.chapter("4.3")
    headings = [s.heading for s in chapter.sections if s.heading]
    assert len(headings) >= 3
    linked = {e for s in chapter.sections for e in s.events}
    assert linked and all(corpus.event(e) for e in linked)


def test_format_date_is_unambiguous():
    assert format_date("2024-07-08") == "8 July 2024"
    assert format_date("2020-08") == "August 2020"
    assert format_date("2019") == "2019"


@pytest.fixture
def corpus_copy(tmp_path):
    shutil.copytree(CORPUS, tmp_path / "corpus")
    return tmp_path / "corpus"


@pytest.mark.parametrize(
    "event, field, message",
    [
        (GOOD_EVENT.replace('"2024-07-08"', '"2024-13-08"'), "date", "2024-13-08"),
        (GOOD_EVENT.replace('["5"]', '["7"]'), "chapters", "not a canonical chapter id"),
        (GOOD_EVENT.replace("category: agreement", "category: treaty"), "category", "treaty"),
        (GOOD_EVENT.replace("  title: RAA signed\n", ""), "title", "missing"),
        (GOOD_EVENT.replace("https://example.org/raa", "example dot org"), "sources", "well-formed"),
        (GOOD_EVENT.replace("related: []", "related: [2099-01-01-nothing]"), "related", "unknown event id"),
        (GOOD_EVENT.replace("id: 2024-07-08-raa-signed", "id: raa-signed"), "id", "date followed by"),
        (GOOD_EVENT.replace('date: "2024-07-08"', "date: 2024-07-08"), "date", "must be a string"),
        (GOOD_EVENT.replace("  confidence: high\n", ""), "confidence", "missing"),
        (GOOD_EVENT.replace("confidence: high", "confidence: certain"), "confidence", "'certain' is not one of high, medium, low"),
        (GOOD_EVENT.replace("confidence: high", "confidence: [high]"), "confidence", "must be a string"),
        (GOOD_EVENT.replace("confidence: high", "confidence: high\n  note: 42"), "note", "must be a string"),
        (GOOD_EVENT.replace("confidence: high", "confidence: high\n  note: [a, b]"), "note", "must be a string"),
    ],
)
def test_invalid_event_names_file_line_and_field(tmp_path, event, field, message):
    timeline = write(tmp_path / "corpus" / "timeline.yaml", "# header\n" + event)
    (tmp_path / "corpus" / "chapters").mkdir()
    with pytest.raises(CorpusError) as info:
        load_corpus(tmp_path / "corpus")
    issue = next(i for i in info.value.issues if i.field == field)
    assert issue.file == str(timeline)
    assert issue.line >= 2  # the event starts on line 2, after the header comment
    assert message in issue.message
    assert f"{timeline}:{issue.line}: {field}:" in str(info.value)


def test_duplicate_and_out_of_order_events(tmp_path):
    second = GOOD_EVENT.replace("2024-07-08", "2023-01-01")
    write(tmp_path / "c" / "timeline.yaml", GOOD_EVENT + GOOD_EVENT + second)
    (tmp_path / "c" / "chapters").mkdir()
    _, issues = load_corpus(tmp_path / "c", strict=False)
    messages = [(i.field, i.line, i.message) for i in issues]
    assert any(f == "id" and "duplicate id" in m and line == len(GOOD_EVENT.splitlines()) + 1 for f, line, m in messages)
    assert any(f == "date" and "keep date order" in m for f, _, m in messages)


def test_chapter_errors_name_the_file(corpus_copy):
    bad = write(corpus_copy / "chapters" / "9.md", '---\nid: "9"\ntitle: "Nine"\nsummary: "x"\n---\nText. [events: 2099-01-01-nope]\n')
    write(corpus_copy / "chapters" / "broken.md", "no front matter here\n")
    _, issues = load_corpus(corpus_copy, strict=False)
    found = {(i.file.rsplit("/", 1)[-1], i.field) for i in issues}
    assert ("9.md", "id") in found and ("9.md", "events") in found and ("broken.md", "front matter") in found
    line = next(i.line for i in issues if i.file == str(bad) and i.field == "events")
    assert line == 6


def test_validate_cli_exit_codes(corpus_copy, monkeypatch, capsys):
    from index.__main__ import main
    from core.settings import get_settings

    monkeypatch.setenv("STUDY_CORPUS_DIR", str(corpus_copy))
    get_settings.cache_clear()
    try:
        assert main(["validate"]) == 0
        write(corpus_copy / "timeline.yaml", (corpus_copy / "timeline.yaml").read_text() + GOOD_EVENT.replace("2024-07-08", "2011-01-01"))
        assert main(["validate"]) == 1
        assert "timeline.yaml:" in capsys.readouterr().err
    finally:
        get_settings.cache_clear()
