"""The web face without a browser: rendering and escaping, the chat handlers, follow-ups, export,
timeline and chapter views, over the real assistant."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import app
from assistant.catalog import BadPeriod, Catalog
from web.chat import conversation_markdown, followups, make_filters, BadFilters
from web.config import WebConfig
from web.render import chapter_html, esc, event_card, md_answer, md_text, sources_panel
from web.timeline import chart_svg, selection_html
from web.ui import ChatUI

HOSTILE = '<script>window.__xss=1</script> <img src=x onerror="window.__xss=2"> [link](javascript:alert(1)) **b**'
RAA = "2024-07-08-raa-signed"


@pytest.fixture(scope="module")
def catalog(assistant, settings) -> Catalog:
    return assistant.catalog()


@pytest.fixture(scope="module")
def ui(assistant, catalog, settings) -> ChatUI:
    chat_ui = ChatUI(assistant, catalog, WebConfig.from_settings(settings))
    chat_ui.build()
    return chat_ui


def run_chat(ui: ChatUI, message: str, chat=None, turns=None, **filters):
    """Drive the streaming handler to the end; return the merged updates and how many were yielded."""
    values = [filters.get(k) for k in ("chapters", "categories", "actors", "year_from", "year_to")]
    merged, count = {}, 0
    for update in ui.submit(message, chat or [], turns or [], "extractive", *values):
        merged.update(update)
        count += 1
    return merged, count


# --- escaping ---------------------------------------------------------------------------------


def test_md_text_shows_markup_as_text():
    out = md_text(HOSTILE)
    assert "<" not in out and ">" not in out and "&lt;script&gt;" in out
    assert "\\[link\\]" in out and "\\*\\*b\\*\\*" in out  # no link, no emphasis
    assert md_text("1. not a list") == "1\\. not a list" and md_text("# no heading").startswith("\\#")


def test_answer_markers_link_to_the_sources_panel_and_flag_unverified():
    out = md_answer("A [1]. B <b>x</b> [2]. C [9].", {1: True, 2: False}, turn=3)
    assert '[[1]](#src-3-1 "open source 1")' in out
    assert "[[2]⚠](#src-3-2" in out and "unverified" in out
    assert "\\[9\\]" in out  # a marker with no citation stays text
    assert "<b>" not in out and "&lt;b&gt;" in out
    listing = md_answer("Intro:\n- 8 July 2024: RAA [1]\n- 2025: more [2]", {1: True, 2: True}, turn=1)
    assert listing.splitlines()[1].startswith("- 8 July 2024") and "(#src-1-2" in listing


def test_sources_panel_escapes_corpus_text_and_links_only_http(assistant):
    answer = assistant.ask("When was the Reciprocal Access Agreement signed?").to_dict()
    hostile = dict(answer["citations"][0], title=HOSTILE, text=HOSTILE, actors=[HOSTILE],
                   urls=["javascript:alert(1)", "https://example.org/a?b=1&c=2", "https://x.org/<x>"], verified=False)
    answer = dict(answer, citations=[hostile], notice=HOSTILE)
    html = sources_panel([{"question": HOSTILE, "answer": answer}])
    assert "<script" not in html and "<img" not in html and "onerror=" not in html.replace("onerror=&quot;", "")
    assert 'href="javascript' not in html and "&lt;script&gt;" in html
    assert 'href="https://example.org/a?b=1&amp;c=2"' in html and "<li>https://x.org/&lt;x&gt;</li>" in html
    assert "unverified" in html and 'id="src-1-1"' in html


def test_chapter_and_timeline_views_escape_everything(catalog):
    event = replace(catalog.events[0], title=HOSTILE, summary=HOSTILE, actors=(HOSTILE,), urls=("javascript:x",),
                    confidence=HOSTILE, note=HOSTILE)
    hostile = Catalog([event] + catalog.events[1:], list(catalog.chapters))
    for html in (chart_svg(hostile, hostile.events, [event.id]), selection_html(hostile, [event.id]),
                 chapter_html(hostile.chapters_by_id["1"], hostile)):
        assert "<script" not in html and "<img" not in html and 'href="javascript' not in html


# --- the chat handler -----------------------------------------------------------------------------


def test_chat_streams_then_shows_the_verified_cited_answer(ui):
    out, count = run_chat(ui, "When was the Reciprocal Access Agreement signed?")
    assert count >= 2  # at least one draft update before the final answer
    chat, turns, panel = out[ui.chat], out[ui.turns], out[ui.sources]
    assert [m["role"] for m in chat] == ["user", "assistant"]
    assert "8 July 2024" in chat[1]["content"] and "(#src-1-1" in chat[1]["content"]
    assert turns[0]["answer"]["citations"][0]["ref"] == RAA
    assert RAA in panel and "Cited" in panel and "https://" in panel and "Also retrieved" in panel
    assert out[ui.question] == "" and out[ui.export].value  # an export file is ready
    buttons = [out[b] for b in ui.followup_buttons if out[b].visible]
    assert buttons and any("What happened after" in b.value for b in buttons)


def test_chat_uses_history_for_follow_ups(ui):
    first, _ = run_chat(ui, "When was the Reciprocal Access Agreement signed?")
    out, _ = run_chat(ui, "And when did it enter into force?", first[ui.chat], first[ui.turns])
    assert len(out[ui.chat]) == 4 and "11 September 2025" in out[ui.chat][3]["content"]
    assert 'id="turn-1"' in out[ui.sources] and 'id="turn-2"' in out[ui.sources]
    assert 'id="turn-1" data-turn="1" hidden' in out[ui.sources]  # only the latest answer's sources show


def test_html_in_questions_is_shown_as_text(ui):
    out, _ = run_chat(ui, HOSTILE + " RAA?")
    user = out[ui.chat][0]["content"]
    assert "<script>" not in user and "&lt;script&gt;" in user and "<img" not in user
    assert "<script" not in out[ui.sources] and "<img" not in out[ui.sources]


def test_empty_question_shows_a_notice_and_keeps_the_chat(ui):
    chat = [{"role": "user", "content": "hi"}]
    out, _ = run_chat(ui, "  ", chat)
    assert ui.chat not in out and "empty" in out[ui.sources]


def test_filters_are_carried_into_retrieval(ui):
    out, _ = run_chat(ui, "What did the defense ministers discuss?", categories=["ministerial"], year_from="2020",
                      year_to="2022")
    answer = out[ui.turns][0]["answer"]
    events = [s for s in answer["retrieved"] if s["kind"] == "event"]
    assert events and all(s["category"] == "ministerial" and "2020" <= s["date"][:4] <= "2022" for s in events)
    assert out[ui.turns][0]["filters"] == "category ministerial; years 2020–2022"
    out, _ = run_chat(ui, "What does the study say about radars?", chapters=["4.3"])
    assert all(s["chapter"] == "4.3" for s in out[ui.turns][0]["answer"]["retrieved"] if s["kind"] == "chapter")


def test_bad_filters_are_refused_with_a_message():
    with pytest.raises(BadFilters, match="after"):
        make_filters(year_from=2020, year_to=2010)
    with pytest.raises(BadFilters, match="unknown chapter"):
        make_filters(chapters=["9.9"])
    assert make_filters() is None


def test_followups_come_from_cited_events_and_chapters(assistant, catalog):
    answer = assistant.ask("When was the Reciprocal Access Agreement signed?").to_dict()
    questions = followups(answer, catalog, [answer["question"]])
    assert 1 <= len(questions) <= 3
    assert questions[0] == "What happened after Japan and the Philippines sign the Reciprocal Access Agreement?"
    assert any(re.match(r"What does chapter \d(\.\d)? say about", q) for q in questions)
    follow = assistant.ask(questions[0]).to_dict()
    assert not follow["refused"] and all(c["date"] >= "2024-07-08" for c in follow["citations"] if c["date"])


def test_export_has_numbered_references_across_answers(ui):
    first, _ = run_chat(ui, "When was the Reciprocal Access Agreement signed?")
    out, _ = run_chat(ui, "Which equipment has Japan transferred to the Philippines?", first[ui.chat], first[ui.turns])
    text = conversation_markdown(out[ui.turns], study="s")
    assert text.startswith("# Study Assistant conversation")
    assert "## 1. When was the Reciprocal Access Agreement signed?" in text and "## References" in text
    refs = re.findall(r"^\[(\d+)\] ", text, flags=re.M)
    assert refs == [str(n) for n in range(1, len(refs) + 1)] and len(refs) > 5
    body = text.split("## References")[0]
    assert max(int(n) for n in re.findall(r"\[(\d+)\]", body)) == len(refs)
    exported = out[ui.export].value
    path = exported["path"] if isinstance(exported, dict) else exported
    assert Path(path).read_text(encoding="utf-8").startswith("# Study Assistant conversation")
    assert "&lt;script&gt;" in conversation_markdown([{"question": HOSTILE, "answer": out[ui.turns][0]["answer"]}])


def test_clear_resets_everything(ui):
    out = ui.clear()
    assert out[ui.chat] == [] and out[ui.turns] == [] and "Sources appear here" in out[ui.sources]


# --- timeline and chapters -----------------------------------------------------------------------------


def test_catalog_matches_the_index_and_the_corpus(assistant, catalog):
    assert len(catalog.events) == sum(1 for s in assistant.table.sources if s.kind == "event") == 152
    assert [c.id for c in catalog.chapters] == ["1", "2", "3", "4.1", "4.2", "4.3", "4.4", "5", "6"]
    raa = catalog.events_by_id[RAA]
    assert raa.related and raa.chapters and raa.urls and raa.summary and not raa.summary.startswith("8 July")
    assert all(e.confidence in ("high", "medium", "low") for e in catalog.events)
    assert raa.to_dict()["confidence"] == raa.confidence and raa.to_dict()["note"] == raa.note
    assert catalog.chapters_by_id["4.3"].events and catalog.chapters_by_id["4.3"].sections[1].heading


def test_event_card_shows_confidence_and_note(catalog):
    low = next(e for e in catalog.events if e.confidence == "low")
    html = event_card(low)
    assert "Confidence: low" in html and 'class="meta note"' in html and esc(low.note) in html
    plain = event_card(replace(low, confidence="", note=""))
    assert "Confidence" not in plain and 'class="meta note"' not in plain


def test_timeline_filters(catalog):
    agreements = catalog.filter_events(categories=["agreement"])
    assert agreements and all(e.category == "agreement" for e in agreements)
    marcos = catalog.filter_events(actors=["marcos"])
    assert marcos and all(any("marcos" in a.lower() for a in e.actors) for e in marcos)
    in_2016 = catalog.filter_events(start="2016", end="2016-12")
    assert in_2016 and all(e.date.startswith("2016") for e in in_2016)
    same_day = catalog.filter_events(start="2024-07-08", end="2024-07-08")
    assert RAA in [e.id for e in same_day] and all(e.date == "2024-07-08" for e in same_day)
    with pytest.raises(BadPeriod):
        catalog.filter_events(start="2016-13")
    with pytest.raises(BadPeriod):
        catalog.filter_events(start="2020", end="2019")


def test_timeline_actions_select_and_ask(ui, catalog):
    class Evt:
        def __init__(self, **data):
            self._data = data

    out = ui.action([], ["agreement"], [], "", "", Evt(action="select-event", id=RAA))
    assert out[ui.selected] == [RAA] and f'id="sel-{RAA}"' in out[ui.selection]
    assert out[ui.chart].count('class="dot') == len(catalog.filter_events(categories=["agreement"]))
    out = ui.action([RAA], [], [], "", "", Evt(action="ask-event", id=RAA))
    assert "Reciprocal Access Agreement" in out[ui.question] and out[ui.tabs].selected == "chat"
    out = ui.action([], [], [], "", "", Evt(action="open-chapter", id="4.3"))
    assert out[ui.chapter_pick] == "4.3" and "§4.3" in out[ui.chapter_view]
    assert ui.action([], [], [], "", "", Evt(action="ask-event", id="<nope>")) == {ui.selected: []}


def test_chapter_view_links_its_events(catalog):
    html = chapter_html(catalog.chapters_by_id["4.3"], catalog)
    assert "Defense equipment and technology transfer" in html and "Events in this chapter" in html
    assert 'href="#chev-2016-02-29-equipment-transfer-agreement"' in html
    assert 'id="chev-2016-02-29-equipment-transfer-agreement"' in html and 'data-action="ask-event"' in html


def test_app_module_composes_the_web_package(settings, assistant):
    client = TestClient(app.create_app(settings, assistant))
    assert client.get("/api/health").json()["status"] == "ok"
    assert client.get("/").status_code == 200


# --- issue 15 without a browser ------------------------------------------------------------------


def test_chapter_questions_keep_names_capitalised(catalog):
    from web.chat import chapter_question

    assert {"Japan", "Philippines"} <= catalog.names and "Defense" not in catalog.names
    assert chapter_question("2", "Japan's security reforms, 2013-2022", catalog.names).endswith("about Japan's security reforms, 2013-2022?")
    assert chapter_question("2", "Japan-Philippines defense cooperation", catalog.names).endswith("about Japan-Philippines defense cooperation?")
    assert chapter_question("4.3", "Defense equipment transfer", catalog.names).endswith("about defense equipment transfer?")
    assert chapter_question("5", "The study's revised definition", catalog.names).endswith("about the study's revised definition?")


def test_a_card_marks_the_sentences_its_answer_took():
    from web.highlight import citing_sentences, used_sentences

    answer = "Signed on 8 July 2024 in Manila [1]. It entered into force in 2025 [2]. Manila hosted it [1]."
    assert citing_sentences(answer, "[1]") == ["Signed on 8 July 2024 in Manila.", "Manila hosted it."]
    text = "Talks opened in 2023. Signed on 8 July 2024 in Manila.\n\nIt needed ratification."
    assert used_sentences(text, citing_sentences(answer, "[1]")) == [
        [("Talks opened in 2023.", False), ("Signed on 8 July 2024 in Manila.", True)], [("It needed ratification.", False)]]
    # a model's paraphrase marks the closest sentence; one sharing nothing marks none
    assert used_sentences(text, ["The agreement was signed in Manila on 8 July 2024."])[0][1][1]
    assert not any(hit for p in used_sentences(text, ["Bananas are yellow."]) for _, hit in p)


def test_every_answer_not_from_the_chosen_backend_says_why():
    from core.model import Answer
    from web.chat import with_fallback_notice

    listed = with_fallback_notice(Answer("q", "a", answer_type="list"), "llamacpp")
    assert listed.notice == "The llamacpp model is not used for list answers; showing the extractive answer."
    refused = with_fallback_notice(Answer("q", "a", refused=True), "openai")
    assert "does not cover" in refused.notice
    failed = Answer("q", "a", notice="The openai model could not answer (down); showing the extractive answer.")
    assert with_fallback_notice(failed, "openai") == failed  # the model's own failure is kept
    assert with_fallback_notice(Answer("q", "a"), "extractive").notice is None


def test_backend_choices_label_the_bundled_model_a_demo(settings):
    from web.ui import backend_choices

    config = WebConfig.from_settings(settings, backends=("extractive", "llamacpp"))
    labels = dict((name, label) for label, name in backend_choices(config, settings))
    assert "no model" in labels["extractive"] and "demo" in labels["llamacpp"]


def test_clear_resets_filters_and_backend(ui):
    out = ui.clear()
    assert [out[f] for f in ui.filters] == [[], [], [], "", ""]
    assert out[ui.backend] == ui.config.default_backend and out[ui.note] == ""
