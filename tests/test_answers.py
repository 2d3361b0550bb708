"""The extractive answerer and the JSON contract, end to end over the real index."""

from __future__ import annotations

import json
import re

import pytest

from assistant.__main__ import main as cli
from assistant.service import InvalidQuestion
from core.model import Turn

CITATION_KEYS = {"marker", "kind", "ref", "chapter", "date", "title", "text"}


def test_raa_signing_question_cites_the_event_and_states_its_date(assistant, capsys):
    assert cli(["ask", "When was the Reciprocal Access Agreement signed?", "--json"], assistant=assistant) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) >= {"question", "answer", "refused", "backend", "citations", "retrieved", "timings_ms"}
    assert data["refused"] is False and data["backend"] == "extractive"
    assert data["answer"].startswith("8 July 2024")
    first = data["citations"][0]
    assert first["ref"] == "2024-07-08-raa-signed" and first["date"] == "2024-07-08" and first["marker"] == "[1]"
    assert "[1]" in data["answer"].split(".")[0] + "."


def test_json_contract_shapes(assistant):
    data = json.loads(assistant.ask("How does the study define a quasi-alliance?").to_json())
    assert isinstance(data["question"], str) and isinstance(data["answer"], str)
    assert isinstance(data["refused"], bool) and isinstance(data["backend"], str)
    assert set(data["timings_ms"]) == {"retrieve", "answer", "total"}
    assert all(isinstance(v, float) for v in data["timings_ms"].values())
    assert data["citations"] and data["retrieved"]
    for c in data["citations"]:
        assert CITATION_KEYS <= set(c) and re.fullmatch(r"\[\d+\]", c["marker"])
        assert c["kind"] in ("chapter", "event")
        assert c["date"] is None or re.fullmatch(r"\d{4}(-\d{2}){0,2}", c["date"])
        assert c["chapter"] is None or re.fullmatch(r"\d(\.\d)?", c["chapter"])
    for r in data["retrieved"]:
        assert CITATION_KEYS - {"marker"} <= set(r) and "marker" not in r
    assert any(c["kind"] == "chapter" and c["chapter"] == "5" for c in data["citations"])


def test_every_sentence_carries_a_marker_that_points_at_a_citation(assistant):
    answer = assistant.ask("What did Japan transfer to the Philippine Navy?")
    markers = {c.marker for c in answer.citations}
    from core.text import sentences

    for sentence in sentences(answer.answer):
        found = re.findall(r"\[\d+\]", sentence)
        assert found and set(found) <= markers, sentence
    assert all(c.verified for c in answer.citations)


def test_out_of_scope_question_is_refused(assistant):
    answer = assistant.ask("What was Brazil's GDP growth in 2023?")
    assert answer.refused and "does not" in answer.answer and answer.citations == []
    assert answer.retrieved  # the nearest material is still shown


def test_list_question_is_complete_and_in_date_order(assistant):
    answer = assistant.ask("List the equipment transfers")
    dates = [c.source.date for c in answer.citations]
    assert len(dates) >= 10 and dates == sorted(dates)
    assert all(c.source.category == "equipment-transfer" for c in answer.citations)


def test_year_question_uses_the_timeline(assistant):
    answer = assistant.ask("What happened in 2016?")
    assert answer.citations and all(c.source.date.startswith("2016") for c in answer.citations)
    assert any(c.source.ref == "2016-07-12-arbitral-award" for c in answer.citations)


def test_follow_up_is_answered_about_the_previous_topic(assistant):
    history = [Turn("user", "When was the Reciprocal Access Agreement signed?"), Turn("assistant", "8 July 2024 [1].")]
    answer = assistant.ask("And when did it enter into force?", history)
    assert answer.citations[0].source.ref == "2025-09-11-raa-in-force"
    assert "11 September 2025" in answer.answer


@pytest.mark.parametrize("question", ["", "   ", "x" * 2001])
def test_bad_questions_get_a_clear_error(assistant, question):
    with pytest.raises(InvalidQuestion):
        assistant.ask(question)
