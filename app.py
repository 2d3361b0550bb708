"""The web face: a Gradio chat mounted in a FastAPI app that also serves the portal API.

Run with ``make run`` (or ``python app.py``); it binds 127.0.0.1:7860 unless settings say otherwise.
"""

from __future__ import annotations

import html
import sys

from index import offline as _offline  # noqa: F401  (before gradio/chroma/HF imports)

import gradio as gr
import uvicorn
from fastapi import FastAPI, HTTPException
from pydantic import BaseModel, Field

from assistant.service import MAX_QUESTION_CHARS, Assistant, InvalidQuestion
from assistant.types import Answer, Turn
from index.settings import Settings, get_settings
from index.store import IndexMissing

STARTER_QUESTIONS = [
    "When was the Reciprocal Access Agreement signed?",
    "Which equipment has Japan transferred to the Philippines?",
    "How does the study define a quasi-alliance?",
    "What are the five factors driving the cooperation?",
    "What happened in 2016?",
]


# --- rendering (everything from the corpus or the user is escaped: nothing is executed) ---


def _source_card(marker: str, source, verified: bool | None) -> str:
    if source.kind == "event":
        where = f"{html.escape(source.date or '')} · event <code>{html.escape(source.ref)}</code>"
    else:
        page = f", p. {source.page}" if source.page else ""
        where = f"§{html.escape(source.chapter or '')}{html.escape(page)}"
    flag = "" if verified in (None, True) else ' <span class="unverified">unverified</span>'
    links = "".join(
        f'<li><a href="{html.escape(u, quote=True)}" target="_blank" rel="noopener noreferrer">{html.escape(u)}</a></li>'
        for u in source.urls
    )
    return (
        f'<details class="source-card"{" open" if marker else ""}><summary><b>{html.escape(marker)}</b> '
        f"{where}: {html.escape(source.title)}{flag}</summary>"
        f"<p>{html.escape(source.text)}</p>"
        + (f"<p>Actors: {html.escape(', '.join(source.actors))}</p>" if source.actors else "")
        + (f"<ul>{links}</ul>" if links else "")
        + "</details>"
    )


def sources_html(answer: Answer) -> str:
    cited = {c.source.doc_id for c in answer.citations}
    parts = []
    if answer.notice:
        parts.append(f'<p class="notice">{html.escape(answer.notice)}</p>')
    if answer.citations:
        parts.append("<h4>Cited</h4>")
        parts += [_source_card(c.marker, c.source, c.verified) for c in answer.citations]
    also = [s for s in answer.retrieved if s.doc_id not in cited]
    if also:
        parts.append("<h4>Also retrieved</h4>" if answer.citations else "<h4>Nearest material</h4>")
        parts += [_source_card("", s, None) for s in also]
    return "\n".join(parts) or "<p>No sources.</p>"


def answer_markdown(answer: Answer) -> str:
    text = html.escape(answer.answer, quote=False)
    if answer.notice:
        text = f"*{html.escape(answer.notice, quote=False)}*\n\n{text}"
    return text


# --- the chat handler (plain function: the UI and the tests call the same thing) -----------


def respond(assistant: Assistant, message: str, history: list[dict]) -> tuple[list[dict], str, str]:
    """Append the user's message and the cited answer to ``history``; return the sources panel."""
    history = list(history or [])
    turns = [Turn(m["role"], _text_of(m["content"])) for m in history if m.get("role") in ("user", "assistant")]
    try:
        answer = assistant.ask(message, turns)
    except InvalidQuestion as exc:
        return history, f"<p class='notice'>{html.escape(str(exc))}</p>", ""
    history += [
        {"role": "user", "content": html.escape(" ".join(message.split()), quote=False)},
        {"role": "assistant", "content": answer_markdown(answer)},
    ]
    return history, sources_html(answer), ""


def _text_of(content) -> str:
    if isinstance(content, str):
        return html.unescape(content)
    if isinstance(content, list):  # Gradio 6 may hand back [{"type": "text", "text": ...}]
        return " ".join(html.unescape(c.get("text", "")) for c in content if isinstance(c, dict))
    return str(content)


CSS = """
.source-card { border: 1px solid #ddd; border-radius: 6px; padding: 4px 8px; margin: 4px 0; }
.unverified { color: #a15c00; font-weight: bold; }
.notice { color: #a15c00; }
"""


def build_ui(assistant: Assistant) -> gr.Blocks:
    with gr.Blocks(title="Study Assistant", analytics_enabled=False) as ui:
        gr.Markdown(
            "## Study Assistant\nAsk about *Japan-Philippines Defense Cooperation under the Free and Open "
            "Indo-Pacific Initiative* (2025). Every sentence cites a chapter of our digest or a dated event."
        )
        with gr.Row():
            with gr.Column(scale=3):
                chat = gr.Chatbot(label="Chat", height=520, buttons=["copy", "copy_all"], elem_id="chat")
                question = gr.Textbox(label="Question", placeholder="Ask about the study…", elem_id="question",
                                      max_length=MAX_QUESTION_CHARS)
                with gr.Row():
                    ask = gr.Button("Ask", variant="primary", elem_id="ask")
                    clear = gr.Button("Clear")
                gr.Examples(STARTER_QUESTIONS, inputs=question, label="Try")
            with gr.Column(scale=2):
                sources = gr.HTML("<p>Sources appear here.</p>", elem_id="sources", label="Sources")

        def _respond(message, history):
            return respond(assistant, message, history)

        for trigger in (question.submit, ask.click):
            trigger(_respond, [question, chat], [chat, sources, question], api_name=False)
        clear.click(lambda: ([], "<p>Sources appear here.</p>", ""), None, [chat, sources, question], api_name=False)
    return ui


# --- the portal API ---------------------------------------------------------------------------


class AskRequest(BaseModel):
    question: str = Field(min_length=1, max_length=MAX_QUESTION_CHARS)
    history: list[dict] = Field(default_factory=list, max_length=50)


def create_app(settings: Settings, assistant: Assistant) -> FastAPI:
    api = FastAPI(title="Study Assistant API", docs_url="/docs", openapi_url="/openapi.json")

    @api.get("/api/health")
    def health() -> dict:
        m = assistant.manifest
        return {"status": "ok", "build": m.build_id, "study": m.study, "counts": m.counts}

    @api.post("/api/ask")
    def ask(request: AskRequest) -> dict:
        try:
            turns = [Turn(t["role"], str(t["content"])) for t in request.history if t.get("role") in ("user", "assistant")]
            return assistant.ask(request.question, turns).to_dict()
        except InvalidQuestion as exc:
            raise HTTPException(status_code=422, detail=str(exc)) from exc

    return gr.mount_gradio_app(api, build_ui(assistant), path="/", css=CSS, footer_links=[])


def main() -> int:
    settings = get_settings()
    try:
        assistant = Assistant(settings)
    except IndexMissing as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    app = create_app(settings, assistant)
    print(f"Study Assistant: http://{settings.host}:{settings.port}/  (API docs at /docs; Ctrl-C stops)", flush=True)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning")
    return 0


if __name__ == "__main__":
    sys.exit(main())
