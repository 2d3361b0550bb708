"""Terms of office: loaded with located errors, and a period named by a leader ('under Duterte')."""

from __future__ import annotations

import pytest

from assistant.query import plan
from index.issues import CorpusError
from index.offices import load_offices
from tests.conftest import CORPUS


def test_the_corpus_terms_load_with_their_sources():
    offices = {o.surname: o for o in load_offices(CORPUS)}
    assert offices["Duterte"].start == "2016-06-30" and offices["Duterte"].end == "2022-06-30"
    assert offices["Marcos"].end is None and all(o.sources for o in offices.values())


def test_a_bad_entry_is_reported_with_its_line(tmp_path):
    (tmp_path / "offices.yaml").write_text("- holder: A B\n  office: PM\n  start: '2020-1-5'\n  end:\n"
                                           "  sources: [https://example.org]\n")
    with pytest.raises(CorpusError, match=r"offices.yaml:1: entry: start: expected an ISO date"):
        load_offices(tmp_path)
    (tmp_path / "offices.yaml").write_text("- {holder: A B, office: PM, start: 2020-13-01, end: null, sources: []}\n")
    with pytest.raises(CorpusError, match="invalid YAML"):
        load_offices(tmp_path)
    assert load_offices(tmp_path / "missing") == []  # the file is optional


@pytest.mark.parametrize("question, leader", [
    ("Which exercises took place under Duterte?", "Duterte"),
    ("What happened while Ishiba was prime minister?", "Ishiba"),
    ("What did the two sides agree during the Aquino administration?", "Aquino"),
    ("What was the first exercise under the RAA?", None),  # an agreement, not a leader
    ("What was agreed in 2023 under President Marcos?", None),  # a year given names the period
])
def test_a_leader_named_as_a_period(question, leader):
    assert plan(question).tenure == leader


def test_a_list_under_a_leader_keeps_to_the_term(assistant):
    answer = assistant.ask("Which exercises took place under Duterte?")
    dates = [c.source.date for c in answer.citations]
    assert dates and all("2016-06-30" <= d <= "2022-06-30" for d in dates)
    ishiba = [c.source.date for c in assistant.ask("What happened while Ishiba was prime minister?").citations]
    assert ishiba[0] == "2024-10-01" and all(d <= "2025-10-21" for d in ishiba)
