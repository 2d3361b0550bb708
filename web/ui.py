"""The Gradio Blocks UI: Chat (streaming, citations, sources panel, follow-ups, filters, export),
Timeline (chart, filters, event cards, "ask about this") and Chapters (the digest, events linked).

Every handler is a plain function of component values; the UI state is the list of turns in the JSON
contract's shape (``{"question", "answer": Answer.to_dict(), "filters"}``)."""

from __future__ import annotations

from pathlib import Path

import gradio as gr

from assistant.service import MAX_QUESTION_CHARS, Assistant, InvalidQuestion
from assistant.catalog import BadPeriod, Catalog
from core.model import AnswerDelta
from web.assets import ACTION_JS, CHART_JS, FOCUS_JS
from web.chat import (STARTER_QUESTIONS, BadFilters, ask_once, chapter_question, describe_filters, event_question,
                      followups, history_from_turns, make_filters, stream_answer, write_export)
from web.api import AskInvalid, validate_ask, visible_text
from web.config import WebConfig
from web.render import EMPTY_PANEL, chapter_html, esc, md_answer, md_text, sources_panel
from web.timeline import chart_svg, event_list_html, selection_html

PRIVATE = {"api_visibility": "private"}
HEADER = ('<div id="app-header"><h1>Study Assistant</h1><p>Ask about <i>Japan-Philippines Defense Cooperation under '
          "the Free and Open Indo-Pacific Initiative</i> (2025). Every sentence cites a chapter of our digest or a "
          "dated event; click a marker such as [1] to read the source.</p></div>")
BACKEND_NOTE = ("A model only rephrases the extractive answer, and each of its sentences must pass the same check; "
                "lists and refusals are always extractive.")


def backend_choices(config: WebConfig, settings) -> list[tuple[str, str]]:
    """(label, name) for the backends this server can run; the bundled 135M model is labelled a demo,
    since it almost never writes an answer that passes verification."""
    labels = {"extractive": "Extractive (sentences from the study, no model)",
              "llamacpp": ("SmolLM2-135M, bundled: demo only, usually falls back" if settings.llm.model_path is None
                           else f"Local model: {Path(settings.llm.model_path).name}"),
              "openai": f"Model server: {settings.openai.model}"}
    return [(labels.get(name, name), name) for name in config.backends]


def _final_markdown(answer: dict, turn: int) -> str:
    markers = {int(c["marker"].strip("[]")): c.get("verified", True) is not False for c in answer["citations"]}
    body = md_answer(answer["answer"], markers, turn)
    if answer.get("standalone_question"):  # a follow-up was read with the conversation: say how
        body = f"*Understood as: {md_text(answer['standalone_question'])}*\n\n{body}"
    if answer.get("notice"):
        body = f"*{md_text(answer['notice'])}*\n\n{body}"
    return f"{body}\n\n*Backend: {md_text(answer.get('backend') or 'extractive')}*"


class ChatUI:
    """Holds the assistant, catalog and config for the handlers; ``build()`` returns the Blocks."""

    def __init__(self, assistant: Assistant, catalog: Catalog, config: WebConfig):
        self.assistant, self.catalog, self.config = assistant, catalog, config
        self.study = getattr(assistant.manifest, "study", "")

    # -- chat ------------------------------------------------------------------------------
    def submit(self, message, chat, turns, backend, chapters, categories, actors, year_from, year_to):
        """Generator: the question appears at once, the draft streams in, then the verified answer
        replaces it, with its sources, follow-ups and a fresh export."""
        chat, turns = list(chat or []), list(turns or [])
        message = visible_text(message) if isinstance(message, str) else ""  # invisible characters count as spaces
        try:
            filters = make_filters(chapters, categories, actors, year_from, year_to)
        except BadFilters as exc:
            yield {self.sources: sources_panel(turns, catalog=self.catalog, notice=f"Filters: {exc}")}
            return
        backend = backend if backend in self.config.backends else self.config.default_backend
        events = stream_answer(self.assistant, message, history_from_turns(turns), filters=filters, backend=backend)
        try:
            first = next(events)
        except InvalidQuestion as exc:
            yield {self.sources: sources_panel(turns, catalog=self.catalog, notice=f"Question not asked: {exc}.")}
            return
        turn = len(turns) + 1
        chat += [{"role": "user", "content": md_text(" ".join(message.split()))},
                 {"role": "assistant", "content": "…"}]
        draft = ""
        for event in _chain(first, events):
            if isinstance(event, AnswerDelta):
                draft += event.text
                chat[-1] = {"role": "assistant", "content": md_text(draft) + " ▍"}
                yield {self.chat: chat, self.question: ""}
                continue
            answer = event.answer.to_dict()
            chat[-1] = {"role": "assistant", "content": _final_markdown(answer, turn)}
            turns.append({"question": answer["question"], "answer": answer, "filters": describe_filters(filters)})
            asked = [t["question"] for t in turns]
            suggestions = followups(answer, self.catalog, asked)
            yield {self.chat: chat, self.turns: turns, self.question: "",
                   self.sources: sources_panel(turns, catalog=self.catalog),
                   **self._followup_updates(suggestions),
                   self.export: gr.DownloadButton(value=write_export(turns, study=self.study), interactive=True)}

    def _followup_updates(self, suggestions: list[str]) -> dict:
        updates = {self.followup_row: gr.Row(visible=bool(suggestions))}
        for i, button in enumerate(self.followup_buttons):
            text = suggestions[i] if i < len(suggestions) else ""
            updates[button] = gr.Button(value=text or " ", visible=bool(text))
        return updates

    def clear(self):
        """A fresh start: the conversation, its sources and the retrieval settings all reset."""
        f_chapters, f_categories, f_actors, f_from, f_to = self.filters
        return {self.chat: [], self.turns: [], self.question: "", self.sources: EMPTY_PANEL,
                **self._followup_updates([]), self.export: gr.DownloadButton(value=None, interactive=False),
                f_chapters: [], f_categories: [], f_actors: [], f_from: "", f_to: "",
                self.backend: self.config.default_backend, self.note: ""}

    def send_pending(self, pending, chat, turns, backend, *filters):
        """After "Ask about this": the question it wrote is asked at once."""
        yield {self.pending: ""}
        if pending:
            yield from self.submit(pending, chat, turns, backend, *filters)

    def from_example(self, chat, turns, backend, chapters, categories, actors, year_from, year_to, evt: gr.SelectData):
        # Gradio finds ``evt`` by its annotation among named parameters, so the filters are spelled out.
        text = evt.value.get("text", "") if isinstance(evt.value, dict) else str(evt.value)
        yield from self.submit(text, chat, turns, backend, chapters, categories, actors, year_from, year_to)

    def filter_note(self, chapters, categories, actors, year_from, year_to):
        try:
            text = describe_filters(make_filters(chapters, categories, actors, year_from, year_to))
        except BadFilters as exc:
            return f"Filters: {md_text(str(exc))}"
        return f"Retrieval limited to: {md_text(text)}" if text else ""

    # -- timeline, chapters and the shared action handler --------------------------------------
    def timeline(self, selected, categories, actors, year_from, year_to):
        try:
            events = self.catalog.filter_events(categories=categories or (), actors=actors or (),
                                                start=year_from or None, end=year_to or None)
            span = (int(year_from or self.catalog.years[0]), int(year_to or self.catalog.years[1]))
        except BadPeriod as exc:
            return (f'<p class="notice">{esc(exc)}</p>', selection_html(self.catalog, selected), event_list_html([]))
        return (chart_svg(self.catalog, events, selected, span=span), selection_html(self.catalog, selected),
                event_list_html(events, selected))

    def action(self, selected, categories, actors, year_from, year_to, evt: gr.EventData):
        data = getattr(evt, "_data", None) or {}
        action, ident = str(data.get("action", "")), str(data.get("id", ""))
        selected = list(selected or [])
        if action in ("select-event", "deselect-event") and ident in self.catalog.events_by_id:
            return self._toggle(action, ident, selected, categories, actors, year_from, year_to)
        if action == "ask-event" and ident in self.catalog.events_by_id:
            return self._ask_about(selected, event_question(self.catalog.events_by_id[ident]))
        if action == "ask-chapter" and ident in self.catalog.chapters_by_id:
            return self._ask_about(selected, chapter_question(ident, self.catalog.chapter_title(ident), self.catalog.names))
        if action == "open-chapter":
            return self._open_chapter(selected, *ident.partition("#")[::2])
        return {self.selected: selected}

    def _toggle(self, action, ident, selected, categories, actors, year_from, year_to) -> dict:
        if ident in selected:
            selected.remove(ident)
        elif action == "select-event":
            selected.insert(0, ident)
        chart, cards, listing = self.timeline(selected, categories, actors, year_from, year_to)
        return {self.selected: selected, self.chart: chart, self.selection: cards, self.event_list: listing}

    def _ask_about(self, selected, question: str) -> dict:
        return {self.selected: selected, self.question: question, self.pending: question,
                self.tabs: gr.Tabs(selected="chat")}

    def _open_chapter(self, selected, ident: str, section: str) -> dict:
        """A chapter by id (a bare "4" opens 4.1); ``section`` ("sec-4.3-2") is scrolled to and marked."""
        view_id = ident if ident in self.catalog.chapters_by_id else next(
            (c.id for c in self.catalog.chapters if c.id.startswith(ident + ".")), None)
        if not view_id:
            return {self.selected: selected}
        view = self.catalog.chapters_by_id[view_id]
        focus = section if section.startswith(f"sec-{view_id}-") else None
        return {self.selected: selected, self.chapter_pick: view_id, self.tabs: gr.Tabs(selected="chapters"),
                self.chapter_view: chapter_html(view, self.catalog, focus=focus)}

    def api_ask(self, question: str, history: list | None = None, filters: dict | None = None,
                backend: str | None = None) -> dict:
        """Answer one question (the JSON contract). history: [{"role", "content"}]; filters: {"chapter",
        "category", "actor", "year_from", "year_to"}; backend: extractive, llamacpp or openai. The same
        validation, limits and messages as POST /api/ask (web.api.validate_ask)."""
        payload = {"question": question, "history": history, "filters": filters, "backend": backend}
        # Arguments a caller left out arrive as Gradio's placeholder components, not values.
        payload = {k: v for k, v in payload.items() if v is not None and not isinstance(v, gr.components.Component)}
        try:
            prepared = validate_ask(payload, self.config)
            return ask_once(self.assistant, prepared.question, prepared.history, filters=prepared.filters,
                            backend=prepared.backend)
        except AskInvalid as exc:
            raise gr.Error(str(exc)) from exc
        except InvalidQuestion as exc:
            raise gr.Error(f"question: {exc}") from exc

    # -- layout ----------------------------------------------------------------------------
    def build(self) -> gr.Blocks:
        years = [("any", "")] + [(str(y), str(y)) for y in range(self.catalog.years[0], self.catalog.years[1] + 1)]
        chapter_choices = [(f"§{c.id} {c.title}", c.id) for c in self.catalog.chapters]
        with gr.Blocks(title="Study Assistant", analytics_enabled=False, delete_cache=(3600, 3600)) as ui:
            self.turns, self.selected, self.pending = gr.State([]), gr.State([]), gr.State("")
            gr.HTML(HEADER, js_on_load=None)
            with gr.Tabs(selected="chat", elem_id="tabs") as self.tabs:
                with gr.Tab("Chat", id="chat", elem_id="tab-chat"):
                    with gr.Row(equal_height=False):
                        with gr.Column(scale=3, min_width=340):
                            self._chat_column()
                        with gr.Column(scale=2, min_width=300, elem_id="sources-col"):
                            self._settings(years, chapter_choices)
                            self.sources = gr.HTML(EMPTY_PANEL, elem_id="sources", js_on_load=ACTION_JS, label="Sources")
                with gr.Tab("Timeline", id="timeline", elem_id="tab-timeline"):
                    self._timeline_tab(years)
                with gr.Tab("Chapters", id="chapters", elem_id="tab-chapters"):
                    self._chapters_tab(chapter_choices)
            self._wire_chat()
            self._wire_views()
            gr.api(self.api_ask, api_name="ask")
        ui.queue(default_concurrency_limit=self.config.ui_concurrency)
        return ui

    def _chat_column(self) -> None:
        self.chat = gr.Chatbot(
            label="Chat", show_label=False, elem_id="chat", height="56vh", min_height=340, buttons=["copy", "copy_all"],
            latex_delimiters=[], allow_tags=False, sanitize_html=True, feedback_options=None,
            examples=[{"text": q} for q in STARTER_QUESTIONS],
            placeholder="**Ask about the study.** Try a starter question:")
        with gr.Row(visible=False, elem_classes="followups", elem_id="followups") as self.followup_row:
            self.followup_buttons = [gr.Button(" ", size="sm", visible=False, elem_classes="followup",
                                               elem_id=f"followup-{i}") for i in range(3)]
        self.question = gr.Textbox(label="Question", placeholder="Ask about the study…", lines=1, max_lines=4,
                                   max_length=MAX_QUESTION_CHARS, elem_id="question")
        with gr.Row(elem_id="chat-buttons"):
            self.ask = gr.Button("Ask", variant="primary", elem_id="ask", min_width=80)
            self.clear_button = gr.Button("Clear", elem_id="clear", min_width=80)
            self.export = gr.DownloadButton("Export Markdown", interactive=False, elem_id="export", min_width=120)
        self.note = gr.Markdown("", elem_id="filter-note")

    def _settings(self, years, chapter_choices) -> None:
        """At the top of the sources column, so it is on screen beside the chat, not below it."""
        cat = self.catalog
        choices = backend_choices(self.config, self.assistant.settings)
        with gr.Accordion("Settings: backend and retrieval filters", open=False, elem_id="settings"):
            self.backend = gr.Radio(choices, value=self.config.default_backend, label="Backend", elem_id="backend",
                                    info=BACKEND_NOTE, visible=len(choices) > 1)
            self.filters = [
                gr.Dropdown(chapter_choices, multiselect=True, label="Chapter", elem_id="filter-chapter"),
                gr.Dropdown(cat.categories, multiselect=True, label="Category", elem_id="filter-category"),
                gr.Dropdown(cat.actors, multiselect=True, label="Actor", elem_id="filter-actor")]
            with gr.Row():
                self.filters += [gr.Dropdown(years, value="", label="From year", elem_id="filter-from"),
                                 gr.Dropdown(years, value="", label="To year", elem_id="filter-to")]

    def _timeline_tab(self, years) -> None:
        cat = self.catalog
        with gr.Row():
            self.t_filters = [
                gr.Dropdown(cat.categories, multiselect=True, label="Category", elem_id="timeline-category", min_width=200),
                gr.Dropdown(cat.actors, multiselect=True, label="Actor", elem_id="timeline-actor", min_width=200),
                gr.Dropdown(years, value="", label="From", elem_id="timeline-from", min_width=100),
                gr.Dropdown(years, value="", label="To", elem_id="timeline-to", min_width=100)]
        chart, cards, listing = self.timeline([], [], [], "", "")
        self.chart = gr.HTML(chart, elem_id="timeline-chart", js_on_load=ACTION_JS + CHART_JS)
        self.selection = gr.HTML(cards, elem_id="timeline-selection", js_on_load=ACTION_JS)
        with gr.Accordion("Events shown, as a list", open=False):
            self.event_list = gr.HTML(listing, elem_id="timeline-list", js_on_load=ACTION_JS)

    def _chapters_tab(self, chapter_choices) -> None:
        first = self.catalog.chapters[0].id if self.catalog.chapters else None
        self.chapter_pick = gr.Dropdown(chapter_choices, value=first, label="Chapter", elem_id="chapter-pick")
        self.chapter_view = gr.HTML(chapter_html(self.catalog.chapters_by_id.get(first), self.catalog),
                                    elem_id="chapter-view", js_on_load=ACTION_JS)

    def _chat_outputs(self) -> list:
        return [self.chat, self.turns, self.question, self.sources, self.followup_row, *self.followup_buttons,
                self.export]

    def _wire_chat(self) -> None:
        chat_in, chat_out = [self.chat, self.turns, self.backend, *self.filters], self._chat_outputs()
        for trigger in (self.question.submit, self.ask.click):
            trigger(self.submit, [self.question, *chat_in], chat_out, **PRIVATE)
        for button in self.followup_buttons:
            button.click(self.submit, [button, *chat_in], chat_out, **PRIVATE)
        self.chat.example_select(self.from_example, chat_in, chat_out, **PRIVATE)
        cleared = chat_out + [*self.filters, self.backend, self.note]
        self.clear_button.click(self.clear, None, cleared, **PRIVATE)
        self.chat.clear(self.clear, None, cleared, **PRIVATE)
        for f in self.filters:
            f.change(self.filter_note, self.filters, self.note, **PRIVATE)

    def _wire_views(self) -> None:
        cat = self.catalog
        for f in self.t_filters:
            f.change(self.timeline, [self.selected, *self.t_filters], [self.chart, self.selection, self.event_list],
                     **PRIVATE)
        action_out = [self.selected, self.chart, self.selection, self.event_list, self.question, self.pending,
                      self.tabs, self.chapter_pick, self.chapter_view]
        pending_in = [self.pending, self.chat, self.turns, self.backend, *self.filters]
        for html in (self.sources, self.chart, self.selection, self.event_list, self.chapter_view):
            acted = html.click(self.action, [self.selected, *self.t_filters], action_out, **PRIVATE)
            acted.then(self.send_pending, pending_in, self._chat_outputs() + [self.pending], **PRIVATE)
            acted.then(None, None, None, js=FOCUS_JS, **PRIVATE)
        self.chapter_pick.input(lambda c: chapter_html(cat.chapters_by_id.get(c), cat), self.chapter_pick,
                                 self.chapter_view, **PRIVATE)


def _chain(first, rest):
    yield first
    yield from rest


def build_ui(assistant: Assistant, catalog: Catalog, config: WebConfig) -> gr.Blocks:
    return ChatUI(assistant, catalog, config).build()
