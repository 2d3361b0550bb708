"""The portal API: ``POST /api/ask`` (JSON, or server-sent events with ``stream: true``),
``GET /api/events``, ``GET /api/chapters``, ``GET /api/chapters/{id}``, ``GET /api/health``.

The answer JSON is exactly ``Answer.to_dict()`` (the contract in README.md). Every 4xx carries a
one-line ``detail`` a person can act on."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Security
from fastapi.responses import JSONResponse, StreamingResponse
from fastapi.security import APIKeyHeader
from pydantic import AliasChoices, BaseModel, ConfigDict, Field, StrictBool, StrictStr, ValidationError

from assistant.catalog import BadPeriod, Catalog
from assistant.llm import BACKENDS
from assistant.retrieval import RetrievalFilters
from assistant.service import MAX_QUESTION_CHARS, Assistant, InvalidQuestion
from core.model import EVENT_CATEGORIES, AnswerDelta, StreamEvent, Turn
from web.chat import BadFilters, ask_once, make_filters, stream_answer
from web.config import WebConfig
from web.security import AUTH_SCOPE_KEY

MAX_HISTORY_MESSAGES = 50
MAX_HISTORY_CHARS = 20_000


# --- request and response models ----------------------------------------------------------------


class HistoryMessage(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: Literal["user", "assistant"]
    content: StrictStr = Field(max_length=MAX_HISTORY_CHARS)


class AskFilters(BaseModel):
    """Narrow retrieval; each of chapter, category and actor takes one value or a list."""

    model_config = ConfigDict(extra="forbid")
    chapter: StrictStr | list[StrictStr] | None = Field(
        default=None, validation_alias=AliasChoices("chapter", "chapters"), examples=["4.3"])
    category: StrictStr | list[StrictStr] | None = Field(
        default=None, validation_alias=AliasChoices("category", "categories"), examples=[["agreement", "summit"]])
    actor: StrictStr | list[StrictStr] | None = Field(
        default=None, validation_alias=AliasChoices("actor", "actors"), examples=["Fumio Kishida"])
    year_from: int | None = Field(default=None, ge=1900, le=2100)
    year_to: int | None = Field(default=None, ge=1900, le=2100)


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={
        "examples": [{"question": "When was the Reciprocal Access Agreement signed?", "history": []}]})
    question: StrictStr = Field(min_length=1, max_length=MAX_QUESTION_CHARS)
    history: list[HistoryMessage] = Field(default_factory=list, max_length=MAX_HISTORY_MESSAGES)
    filters: AskFilters | None = None
    backend: StrictStr | None = Field(default=None, description=f"a registered backend ({', '.join(BACKENDS)}), when available")
    stream: StrictBool = Field(default=False, description="true: answer as server-sent events (delta…, answer)")


class CitationOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    marker: str | None = None
    kind: Literal["chapter", "event"]
    ref: str
    chapter: str | None
    date: str | None
    title: str
    text: str
    section: str | None = None
    page: int | None = None
    urls: list[str] = []
    verified: bool | None = None


class AnswerOut(BaseModel):
    """The JSON contract (documentation only: responses are ``Answer.to_dict()`` unchanged)."""

    model_config = ConfigDict(extra="allow")
    question: str
    answer: str
    refused: bool
    backend: str
    notice: str | None
    standalone_question: str | None = Field(default=None, description="how a follow-up was understood, if it was rewritten")
    answer_type: str = Field(default="fact", description="the kind of answer the question asked for")
    citations: list[CitationOut]
    retrieved: list[CitationOut]
    timings_ms: dict[str, float]


class ErrorOut(BaseModel):
    detail: str


def _error_responses(*codes: int) -> dict:
    return {code: {"model": ErrorOut} for code in codes}


# --- one validation path for both ask routes (POST /api/ask and Gradio's /ask) --------------------------


ASK_ARGUMENTS = ("question", "history", "filters", "backend")  # Gradio's /ask, in this order


class AskInvalid(ValueError):
    """A request to ask that cannot be answered; ``str(exc)`` is the one-line detail (a 422 on /api/ask,
    a gr.Error on Gradio's /ask)."""


@dataclass(frozen=True)
class PreparedAsk:
    question: str
    history: list[Turn]
    filters: RetrievalFilters | None
    backend: str | None
    stream: bool


# Characters that show nothing: format characters (zero-width space and joiners, BOM, bidi marks, soft
# hyphen...), controls, and the blank "letters" (Hangul fillers, braille blank). They count as whitespace.
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
_SPACES = re.compile(r"\s+")


def visible_text(text: str) -> str:
    """``text`` with every invisible character turned into a space (tabs and newlines are kept)."""
    return "".join(" " if (unicodedata.category(c) in ("Cf", "Cc", "Co", "Cn") and c not in "\t\n\r")
                   or c in _BLANK_LETTERS else c for c in text)


def prepare_ask(request: AskRequest, config: WebConfig) -> PreparedAsk:
    """The checks after the model's own (types, sizes, unknown fields): backend, filters, and a
    question that has something visible in it. Raises :class:`AskInvalid`."""
    backend = request.backend or None
    if backend is not None and backend not in config.backends:
        raise AskInvalid(f"backend {backend!r} is unknown or not available here; available: "
                         f"{', '.join(config.backends)}")
    filters = None
    if request.filters:
        args = _filter_args(request.filters)
        unknown = [c for c in _listed(args["categories"]) if c not in EVENT_CATEGORIES]
        if unknown:
            raise AskInvalid(f"filters.category: {unknown[0][:40]!r} is not one of {', '.join(EVENT_CATEGORIES)}")
        try:
            filters = make_filters(**args)
        except BadFilters as exc:
            raise AskInvalid(f"filters: {exc}") from exc
    question = visible_text(request.question)
    if not question.strip():
        raise AskInvalid("question: the question is empty")
    history = [Turn(m.role, m.content) for m in request.history]
    return PreparedAsk(question, history, filters, backend, request.stream)


def validate_ask(payload: dict, config: WebConfig) -> PreparedAsk:
    """The same model, limits and messages as POST /api/ask, for a payload that did not come through
    FastAPI (Gradio's /ask). Raises :class:`AskInvalid`."""
    size = len(json.dumps(payload, ensure_ascii=False, default=str).encode())
    if size > config.max_body_bytes:
        raise AskInvalid(f"request body too large: the limit is {config.max_body_bytes // 1024} KiB")
    try:
        request = AskRequest.model_validate(payload)
    except ValidationError as exc:
        raise AskInvalid(validation_detail(list(exc.errors()))) from None
    return prepare_ask(request, config)


def _listed(value) -> list[str]:
    return [value] if isinstance(value, str) else list(value or ())


# --- the router ---------------------------------------------------------------------------------


def api_router(assistant: Assistant, catalog: Catalog, config: WebConfig) -> APIRouter:
    """The portal API. With an API key configured, the access gate (web/security.py) has already let the
    request in, by the X-API-Key header or a login session; the dependency here documents the scheme in
    OpenAPI and refuses anything the gate did not mark as authenticated."""
    router = APIRouter(prefix="/api", tags=["portal"])
    deps, auth_errors = _key_dependency(config)
    _add_health_and_ask(router, assistant, catalog, config, deps, auth_errors)
    _add_catalog_routes(router, catalog, deps, auth_errors)
    _add_method_or_404(router)
    return router


def _key_dependency(config: WebConfig) -> tuple[list, dict]:
    """(dependencies, OpenAPI error responses) that require the API key, when one is configured."""
    key_header = APIKeyHeader(name="X-API-Key", auto_error=False,
                              description="Required when the server is configured with an API key "
                                          "(a session from the /login form works too).")

    def require_key(request: Request, key: str | None = Security(key_header)) -> None:
        if not request.scope.get("state", {}).get(AUTH_SCOPE_KEY):
            raise HTTPException(401, "missing API key: send it in the X-API-Key header"
                                if not key else "invalid API key (X-API-Key header)",
                                headers={"WWW-Authenticate": "X-API-Key"})

    if not config.api_key:
        return [], {}
    return [Depends(require_key)], _error_responses(401)


def _add_health_and_ask(router: APIRouter, assistant: Assistant, catalog: Catalog, config: WebConfig,
                        deps: list, auth_errors: dict) -> None:
    @router.get("/health", summary="Liveness and index build",
                description="Public, even with an API key configured: without the key it answers only "
                            '`{"status": "ok"}`; with it, the index build, counts and backends too.')
    def health(request: Request) -> dict:
        if config.api_key and not request.scope.get("state", {}).get(AUTH_SCOPE_KEY):
            return {"status": "ok"}
        m = assistant.manifest
        return {"status": "ok", "build": m.build_id, "study": m.study, "counts": m.counts,
                "events": len(catalog.events), "chapters": len(catalog.chapters),
                "backends": list(config.backends), "default_backend": config.default_backend}

    @router.post("/ask", summary="Ask a question; cited, verified answer",
                 responses={200: {"model": AnswerOut, "content": {"text/event-stream": {
                     "example": 'event: delta\ndata: {"text": "8 July 2024: "}\n\n'
                                'event: answer\ndata: {"question": "...", "answer": "...", "citations": []}\n\n'}}},
                            **_error_responses(400, 413, 422), **auth_errors}, dependencies=deps)
    def ask(request: AskRequest):
        return answer_response(assistant, config, request)


def _add_catalog_routes(router: APIRouter, catalog: Catalog, deps: list, auth_errors: dict) -> None:
    @router.get("/events", summary="Timeline events, filtered", dependencies=deps,
                responses={**_error_responses(422), **auth_errors})
    def events(
        category: list[str] = Query(default=[], description=f"repeatable; one of {', '.join(EVENT_CATEGORIES)}"),
        actor: list[str] = Query(default=[], description="repeatable; case-insensitive, matches part of a name"),
        from_: str | None = Query(default=None, alias="from", description="YYYY, YYYY-MM or YYYY-MM-DD (inclusive)"),
        to: str | None = Query(default=None, description="YYYY, YYYY-MM or YYYY-MM-DD (inclusive)"),
    ) -> dict:
        unknown = [c for c in category if c not in EVENT_CATEGORIES]
        if unknown:
            raise HTTPException(422, f"category: {unknown[0][:40]!r} is not one of {', '.join(EVENT_CATEGORIES)}")
        try:
            found = catalog.filter_events(categories=category, actors=actor, start=from_, end=to)
        except BadPeriod as exc:
            raise HTTPException(422, str(exc)) from exc
        return {"count": len(found), "filters": {"category": category, "actor": actor, "from": from_, "to": to},
                "events": [e.to_dict() for e in found]}

    @router.get("/chapters", summary="The digest's chapters", dependencies=deps, responses=auth_errors)
    def chapters() -> dict:
        return {"chapters": [c.summary_dict() for c in catalog.chapters]}

    @router.get("/chapters/{chapter_id}", summary="One chapter: sections, paragraphs and its events",
                dependencies=deps, responses={**_error_responses(404), **auth_errors})
    def chapter(chapter_id: str) -> dict:
        view = catalog.chapters_by_id.get(chapter_id)
        if view is None:
            raise HTTPException(404, f"unknown chapter {chapter_id[:40]!r}; known: "
                                     f"{', '.join(c.id for c in catalog.chapters)}")
        return view.to_dict(catalog)


def answer_response(assistant: Assistant, config: WebConfig, request: AskRequest):
    """The answer as JSON, or as server-sent events with ``stream: true``; a bad request is a 422 before
    any byte of a stream is sent."""
    try:
        prepared = prepare_ask(request, config)
    except AskInvalid as exc:
        raise HTTPException(422, str(exc)) from exc
    kwargs = dict(filters=prepared.filters, backend=prepared.backend)
    if not prepared.stream:
        try:
            return JSONResponse(ask_once(assistant, prepared.question, prepared.history, **kwargs))
        except InvalidQuestion as exc:
            raise HTTPException(422, f"question: {exc}") from exc
    events = stream_answer(assistant, prepared.question, prepared.history, **kwargs)
    try:
        first = next(events)  # an invalid question fails here, before any byte is sent
    except InvalidQuestion as exc:
        raise HTTPException(422, f"question: {exc}") from exc
    return StreamingResponse(_sse(first, events), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


def _add_method_or_404(router: APIRouter) -> None:
    """The catch-all under /api/: a known path with another method is 405 (with Allow); anything else is
    a JSON 404, not the UI's page. Added last, so every real route matches first."""

    @router.api_route("/{rest:path}", methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
                      include_in_schema=False)
    def not_here(request: Request, rest: str):
        path = "/api/" + rest
        allowed = sorted({m for r in router.routes if r.endpoint is not not_here and r.path_regex.match(path)
                          for m in (r.methods or ())})
        if allowed:
            raise HTTPException(405, f"method {request.method} is not allowed on {path}; use {', '.join(allowed)}",
                                headers={"Allow": ", ".join(allowed)})
        raise HTTPException(404, f"unknown API path {path[:80]!r}; see /docs")


def _filter_args(filters: AskFilters) -> dict:
    return {"chapters": filters.chapter or (), "categories": filters.category or (), "actors": filters.actor or (),
            "year_from": filters.year_from, "year_to": filters.year_to}


def _sse(first: StreamEvent, events):
    def frame(event: StreamEvent) -> str:
        if isinstance(event, AnswerDelta):
            return f"event: delta\ndata: {json.dumps({'text': event.text}, ensure_ascii=False)}\n\n"
        return f"event: answer\ndata: {event.answer.to_json()}\n\n"

    try:
        yield frame(first)
        for event in events:
            yield frame(event)
    except Exception as exc:  # the headers are gone: report in-band, then end the stream
        yield f"event: error\ndata: {json.dumps({'detail': f'{exc.__class__.__name__}: {exc}'})}\n\n"
    finally:
        events.close()


# --- validation errors as one clear line ---------------------------------------------------------


def validation_detail(errors: list[dict]) -> str:
    messages = []
    for error in errors[:5]:
        loc = [str(p) for p in error.get("loc", ()) if p not in ("body", "query", "path")]
        where = ".".join(loc)
        kind = error.get("type", "")
        if kind == "json_invalid":
            messages.append(f"the request body is not valid JSON ({error.get('ctx', {}).get('error', 'parse error')})")
        elif kind == "missing" and not loc:
            messages.append("a JSON request body is required")
        elif kind == "extra_forbidden":
            messages.append(f"{where}: unknown field")
        elif kind in ("model_attributes_type", "model_type", "dict_type"):
            messages.append(f"{where}: Input should be a JSON object" if where else "the request body must be a JSON object")
        else:
            messages.append(f"{where}: {error.get('msg')}" if where else str(error.get("msg")))
    return "; ".join(messages) or "invalid request"


def validation_response(errors: list[dict]) -> JSONResponse:
    safe = [{k: v for k, v in e.items() if k in ("loc", "msg", "type")} for e in errors[:20]]
    return JSONResponse({"detail": validation_detail(errors), "errors": safe}, status_code=422)
