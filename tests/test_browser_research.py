"""Issue 15 in a real browser, at a phone (390×844) and a desktop (1366×900) width: the way back from a
card, the fold, the timeline on a phone, Clear, "Ask about this", copying, follow-ups, chapters read in
context, the sentences an answer took, honest backends, and an axe-core accessibility check."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from bench.common import free_port
from browser_support import (RAA, RAA_Q, answer_text, ask, browser, new_page, open_app, page,  # noqa: F401
                             pytestmark, server, static)
from core.settings import PROJECT_ROOT
from web.config import WebConfig
from web.server import create_app
from tests.conftest import serving

PHONE, DESKTOP = (390, 844), (1366, 900)
WIDTHS = pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
A11Y = PROJECT_ROOT / "tests" / "a11y"
AXE = A11Y / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture
def sized(browser, request):
    pages = []

    def make(size):
        page = new_page(browser, *size)
        pages.append(page)
        return page

    yield make
    for page in pages:
        assert page.errors == []
        page.context.close()


def in_viewport(locator) -> bool:
    return locator.evaluate("e => { const r = e.getBoundingClientRect();"
                            " return r.height > 0 && r.bottom > 0 && r.top < window.innerHeight; }")


def bot_sentences(page, n=-1) -> list[str]:
    text = answer_text(page, n).split("Backend:")[0]
    return [" ".join(re.sub(r"\[\d+\]⚠?", "", s).split()).replace(" .", ".")
            for s in re.split(r"(?<=\.)\s+(?=[A-Z0-9])", text) if s.strip()]


# --- phone ------------------------------------------------------------------------------------------


@WIDTHS
def test_a_marker_opens_its_card_and_there_is_a_way_back(sized, server, size):
    page = sized(size)
    open_app(page, server.url)
    ask(page, RAA_Q, 1)
    marker = page.locator('#chat a[href="#src-1-1"]').first
    marker.tap() if size == PHONE else marker.click()
    card = page.locator("#src-1-1")
    assert card.evaluate("d => d.open") and in_viewport(card)
    back = page.locator("#back-to")
    if size == DESKTOP:  # the sources panel sits beside the answer: nothing scrolled away
        assert in_viewport(marker) and not back.is_visible()
        return
    assert not in_viewport(marker) and back.is_visible() and "Back to answer" in back.inner_text()
    back.tap()
    page.wait_for_function("() => { const r = document.querySelector('#chat a[href=\"#src-1-1\"]').getBoundingClientRect();"
                           " return r.top >= 0 && r.bottom <= window.innerHeight; }")
    assert in_viewport(page.locator("#chat [data-testid=bot]").last) and not back.is_visible()


@WIDTHS
def test_question_box_is_above_the_fold_with_the_starters(sized, server, size):
    page = sized(size)
    open_app(page, server.url)
    assert page.locator("#chat .example").count() == 5 and page.locator("#chat .example").first.is_visible()
    for selector in ("#question textarea", "#ask"):
        box = page.locator(selector).bounding_box()
        assert box["y"] + box["height"] <= size[1], f"{selector} ends at {box['y'] + box['height']:.0f}px"


@WIDTHS
def test_timeline_labels_stay_in_view_and_dots_are_tap_targets(sized, server, size):
    page = sized(size)
    open_app(page, server.url)
    page.get_by_role("tab", name="Timeline").click()
    smallest = page.locator("#timeline-chart").evaluate(
        "e => Math.min(...[...e.querySelectorAll('circle.hit')].map((c) => {"
        " const r = c.getBoundingClientRect(); return Math.min(r.width, r.height); }))")
    assert smallest >= 24, f"a dot's tap target is {smallest:.1f}px"
    scroller = page.locator("#timeline-chart .chart-scroll")
    if size == PHONE:
        assert scroller.evaluate("e => e.scrollWidth > e.clientWidth")
        scroller.evaluate("e => { e.scrollLeft = e.scrollWidth; }")
        page.wait_for_timeout(150)
    left = scroller.bounding_box()["x"]
    labels = page.locator("#timeline-chart .cat-label")
    boxes = [labels.nth(i).bounding_box() for i in range(labels.count())]
    assert boxes and all(b["x"] >= left - 1 for b in boxes), "a category label scrolled out of view"
    # a dot still selects its event (the visible dot sits above the tap targets)
    page.locator(f'#timeline-chart circle.dot[data-id="{RAA}"]').evaluate("e => e.scrollIntoView({inline: 'center'})")
    page.locator(f'#timeline-chart circle.dot[data-id="{RAA}"]').click()
    page.locator(f"#sel-{RAA}").wait_for()
    page.wait_for_timeout(150)  # the chart is patched in place: the labels must follow its scroll again
    left = scroller.bounding_box()["x"]
    assert all(labels.nth(i).bounding_box()["x"] >= left - 1 for i in range(labels.count()))


@WIDTHS
def test_chapter_dropdown_text_stops_before_its_arrow(sized, server, size):
    page = sized(size)
    open_app(page, server.url)
    page.get_by_role("tab", name="Chapters").click()
    text_end, arrow = page.locator("#chapter-pick input").evaluate(
        "e => { const r = e.getBoundingClientRect(); const pad = parseFloat(getComputedStyle(e).paddingRight);"
        " return [r.right - pad, e.parentElement.querySelector('.icon-wrap').getBoundingClientRect().left]; }")
    assert text_end <= arrow + 0.5


# --- desktop ----------------------------------------------------------------------------------------


@WIDTHS
def test_settings_are_on_screen_on_a_desktop(sized, server, size):
    page = sized(size)
    open_app(page, server.url)
    settings = page.locator("#settings")
    if size == DESKTOP:
        box = settings.bounding_box()
        assert box["y"] + box["height"] <= size[1]
        ask(page, RAA_Q, 1)
        sources = page.locator("#sources").bounding_box()
        assert abs(sources["x"] - box["x"]) < 2 and sources["y"] >= box["y"] + box["height"]  # one column
    else:  # a phone stacks the columns: settings come right after the chat, before the sources
        assert settings.bounding_box()["y"] < page.locator("#sources").bounding_box()["y"]


@WIDTHS
def test_clear_resets_the_filters(sized, server, size):
    page = sized(size)
    open_app(page, server.url)
    page.locator("#settings").get_by_text("Settings: backend and retrieval filters").click()
    page.locator("#filter-chapter input").click()
    page.get_by_role("option", name=re.compile(r"^§4\.3 ")).click()
    page.keyboard.press("Escape")
    page.locator("#filter-from input").click()
    page.get_by_role("option", name="2016", exact=True).click()
    page.wait_for_function("() => document.querySelector('#filter-note').textContent.includes('chapter 4.3')")
    ask(page, "Which radars did Mitsubishi Electric supply?", 1)
    page.click("#clear")
    page.wait_for_function("() => !document.querySelector('#sources #turn-1')")
    page.wait_for_function("() => document.querySelector('#filter-note').textContent.trim() === ''")
    assert page.locator("#filter-chapter .token").count() == 0
    assert page.locator("#filter-from input").input_value() == "any"


@WIDTHS
def test_ask_about_this_sends_the_question(sized, server, size):
    page = sized(size)
    open_app(page, server.url)
    if size == DESKTOP:
        page.get_by_role("tab", name="Timeline").click()
        page.locator(f'#timeline-chart circle.dot[data-id="{RAA}"]').click()
        page.locator(f"#sel-{RAA}").get_by_role("button", name="Ask about this").click()
        expected = "Reciprocal Access"
    else:
        page.get_by_role("tab", name="Chapters").click()
        page.get_by_role("button", name="Ask about this chapter").click()
        expected = "chapter 1"
    page.wait_for_selector("#sources #turn-1", state="attached")  # answered without pressing Ask
    assert expected in page.locator("#chat [data-testid=user]").first.inner_text()
    assert page.locator("#question textarea").input_value() == ""
    assert page.locator("#chat [data-testid=bot]").count() == 1


@WIDTHS
def test_chat_copy_buttons_copy_text_with_references(sized, server, size):
    page = sized(size)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
    open_app(page, server.url)
    ask(page, RAA_Q, 1)
    copy = page.locator("#chat button[aria-label='Copy message']").last
    copy.click()
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied.startswith("8 July 2024") and "References:" in copied and RAA in copied
    assert "](#src-" not in copied and "[[1]]" not in copied
    page.locator("#chat button[aria-label='Copy conversation']").click()
    everything = page.evaluate("() => navigator.clipboard.readText()")
    assert everything.startswith(f"Question: {RAA_Q}") and "References:" in everything and "](#src-" not in everything


@WIDTHS
def test_follow_ups_keep_capitals(sized, server, size):
    page = sized(size)
    open_app(page, server.url)
    ask(page, "What security reforms did Japan make between 2013 and 2022?", 1)
    page.locator("#followup-0").wait_for(state="visible")
    texts = [t.strip() for t in page.locator("#followups button:visible").all_inner_texts()]
    assert any(t.startswith("What does chapter") for t in texts), texts
    assert not any(re.search(r"\b(japan|philippines)\b", t) for t in texts), texts


@WIDTHS
def test_chapter_chips_come_back_and_chapters_step(sized, server, size):
    page = sized(size)
    open_app(page, server.url)
    page.get_by_role("tab", name="Chapters").click()
    page.get_by_role("button", name=re.compile(r"Next chapter: §2")).click()
    page.wait_for_selector('#chapter-view article[data-chapter="2"]')
    page.get_by_role("button", name=re.compile(r"Previous chapter: §1")).click()
    page.wait_for_selector('#chapter-view article[data-chapter="1"]')
    chip = page.locator("#chapter-view a.ev-chip").first
    target = chip.get_attribute("href")[1:]
    chip.click()
    card = page.locator(f"#{target}")
    assert card.evaluate("d => d.open") and in_viewport(card) and not in_viewport(chip)
    back = page.locator("#back-to")
    assert "Back to paragraph" in back.inner_text()
    back.click()
    page.wait_for_function("(id) => { const r = document.querySelector(`#chapter-view a.ev-chip[href='#${id}']`)"
                           ".getBoundingClientRect(); return r.top >= 0 && r.bottom <= window.innerHeight; }", arg=target)


@WIDTHS
def test_a_chapter_citation_reads_in_context(sized, server, size):
    page = sized(size)
    open_app(page, server.url)
    ask(page, "How did Japan reform its security policy?", 1)
    card = page.locator("#turn-1 details[id^='src-1-']", has=page.locator(".badge.chapter")).first
    card.evaluate("d => { d.open = true; d.scrollIntoView(); }")
    heading = card.locator("summary .title").inner_text()
    card.get_by_role("button", name="Read in context").click()
    marked = page.locator("#chapter-view .in-context h3")
    marked.wait_for()
    assert marked.inner_text() == heading
    page.wait_for_function("() => { const r = document.querySelector('#chapter-view .in-context h3').getBoundingClientRect();"
                           " return r.top >= -2 && r.top < window.innerHeight; }")
    back = page.locator("#back-to")
    assert "Back to answer" in back.inner_text()
    back.click()
    page.wait_for_function("() => { const c = document.querySelector('#chat'); return c && c.offsetParent !== null; }")
    assert in_viewport(card)


@WIDTHS
def test_an_opened_card_marks_the_sentences_the_answer_took(sized, server, size):
    page = sized(size)
    open_app(page, server.url)
    ask(page, RAA_Q, 1)
    page.locator('#chat a[href="#src-1-1"]').first.click()
    marks = page.locator("#src-1-1 mark.used")
    assert marks.count() >= 1 and marks.first.is_visible()
    sentences = bot_sentences(page)
    # The card marks its own wording; the answer may name a person in full ('President Ferdinand Marcos')
    # where the source says 'President Marcos', so each marked sentence's words are in one answer sentence.
    assert all(any(set(m.split()) <= set(s.split()) for s in sentences) for m in marks.all_inner_texts()), (
        marks.all_inner_texts(), sentences)


# --- backends --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def model_server(settings, assistant):
    """A server offering a model backend whose endpoint is down: every model answer must fall back."""
    from assistant.service import Assistant

    tuned = settings.model_copy(update={"openai_base_url": f"http://127.0.0.1:{free_port()}/v1", "llm_timeout_s": 2.0})
    down = Assistant(tuned, embedder=assistant.embedder, store=assistant.store)
    config = WebConfig.from_settings(tuned, backends=("extractive", "llamacpp", "openai"))
    with serving(create_app(tuned, down, config)) as running:
        yield running


@WIDTHS
def test_backends_are_labelled_and_every_fallback_says_so(sized, model_server, size):
    page = sized(size)
    open_app(page, model_server.url)
    page.locator("#settings").get_by_text("Settings: backend and retrieval filters").click()
    page.locator("#backend label").first.wait_for()
    labels = page.locator("#backend label").all_inner_texts()
    assert any("demo" in label for label in labels if "SmolLM2-135M" in label), labels
    page.locator("#backend label", has_text="Model server").click()
    ask(page, RAA_Q, 1)
    first = answer_text(page)
    assert "could not answer" in first and "showing the extractive answer" in first and "Backend: extractive" in first
    ask(page, "What happened in 2016?", 2)  # a list: always extractive, and it says so
    second = answer_text(page)
    assert "not used for list answers" in second and "Backend: extractive" in second
    assert all("Backend: " in t for t in page.locator("#chat [data-testid=bot]").all_inner_texts())


def test_every_answer_names_its_backend(page, server):
    open_app(page, server.url)
    ask(page, RAA_Q, 1)
    ask(page, "What is the capital of Peru?", 2)  # refused
    assert [t.strip().splitlines()[-1] for t in page.locator("#chat [data-testid=bot]").all_inner_texts()] == \
        ["Backend: extractive"] * 2


# --- accessibility ------------------------------------------------------------------------------------------


def axe_script() -> Path:
    """axe-core from the npm registry, pinned in tests/a11y/package.json (``make test`` installs it)."""
    if not AXE.exists():
        npm = shutil.which("npm")
        if npm is None:
            pytest.skip("npm is not installed: the axe-core accessibility check needs it")
        subprocess.run([npm, "ci", "--prefix", str(A11Y), "--no-audit", "--no-fund"], check=True, timeout=300)
    return AXE


def serious(page) -> list[str]:
    page.add_script_tag(path=str(axe_script()))
    found = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
                          ".filter((v) => ['serious', 'critical'].includes(v.impact))"
                          ".map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`)")
    return found


@WIDTHS
def test_no_serious_accessibility_violations_on_the_three_tabs(sized, server, size):
    page = sized(size)
    open_app(page, server.url)
    ask(page, RAA_Q, 1)
    page.locator('#chat a[href="#src-1-1"]').first.click()
    found = {"Chat": serious(page)}
    for tab in ("Timeline", "Chapters"):
        page.get_by_role("tab", name=tab).click()
        page.wait_for_timeout(200)
        found[tab] = serious(page)
    assert found == {"Chat": [], "Timeline": [], "Chapters": []}
