"""The web face: the chat handler and the API, over the real assistant (no browser here)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

import app


def test_chat_handler_appends_a_cited_answer_and_fills_the_sources_panel(assistant):
    history, panel, cleared = app.respond(assistant, "When was the Reciprocal Access Agreement signed?", [])
    assert cleared == ""
    assert [m["role"] for m in history] == ["user", "assistant"]
    assert "8 July 2024" in history[1]["content"] and "[1]" in history[1]["content"]
    assert "2024-07-08-raa-signed" in panel and "Cited" in panel and "https://" in panel


def test_chat_handler_uses_history_for_follow_ups(assistant):
    history, _, _ = app.respond(assistant, "When was the Reciprocal Access Agreement signed?", [])
    history, panel, _ = app.respond(assistant, "And when did it enter into force?", history)
    assert len(history) == 4 and "11 September 2025" in history[3]["content"]


def test_html_in_questions_is_shown_as_text(assistant):
    history, panel, _ = app.respond(assistant, "<script>alert(1)</script> <img src=x onerror=alert(2)> RAA?", [])
    assert "<script>" not in history[0]["content"] and "&lt;script&gt;" in history[0]["content"]
    assert "<img" not in history[0]["content"] and "<script" not in panel and "onerror=alert" not in panel.replace("onerror=alert(2)&gt;", "")


def test_empty_question_shows_a_notice_and_keeps_history(assistant):
    history, panel, _ = app.respond(assistant, "  ", [{"role": "user", "content": "hi"}])
    assert history == [{"role": "user", "content": "hi"}] and "empty" in panel


@pytest.fixture(scope="module")
def client(settings, assistant):
    return TestClient(app.create_app(settings, assistant))


def test_api_health_and_ask(client):
    assert client.get("/api/health").json()["status"] == "ok"
    data = client.post("/api/ask", json={"question": "When was the RAA signed?"}).json()
    assert data["citations"][0]["ref"] == "2024-07-08-raa-signed"
    assert client.post("/api/ask", json={}).status_code == 422
    assert client.post("/api/ask", json={"question": "x" * 5000}).status_code == 422
    assert client.get("/").status_code == 200
