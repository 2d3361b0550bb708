"""The portal API: ``POST /api/ask`` (JSON, or server-sent events with ``stream: true``),
``GET /api/events``, ``GET /api/chapters``, ``GET /api/chapters/{id}``, ``GET /api/health``.

The answer JSON is exactly ``Answer.to_dict()`` (the contract in README.md). Every 4xx carries a
one-line ``detail`` a person can act on."""

from __future__ import annotations

import json
import secrets
from typing import Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Security
from fastapi.responses import JSONResponse, StreamingResponse
from fastapi.security import APIKeyHeader
from pydantic import AliasChoices, BaseModel, ConfigDict, Field, StrictBool, StrictStr

from assistant.service import MAX_QUESTION_CHARS, Assistant, InvalidQuestion
from assistant.types import Turn
from index.records import EVENT_CATEGORIES
from web.catalog import BadPeriod, Catalog
from web.chat import BadFilters, ask_once, make_filters, stream_answer
from web.config import WebConfig

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
    backend: StrictStr | None = Field(default=None, description="extractive, llamacpp or openai (when available)")
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
    standalone_question: str | None = None
    citations: list[CitationOut]
    retrieved: list[CitationOut]
    timings_ms: dict[str, float]


class ErrorOut(BaseModel):
    detail: str


def _error_responses(*codes: int) -> dict:
    return {code: {"model": ErrorOut} for code in codes}


# --- the router ---------------------------------------------------------------------------------


def api_router(assistant: Assistant, catalog: Catalog, config: WebConfig) -> APIRouter:
    key_header = APIKeyHeader(name="X-API-Key", auto_error=False,
                              description="Required when the server is configured with an API key.")

    def require_key(key: str | None = Security(key_header)) -> None:
        if not key:
            raise HTTPException(401, "missing API key: send it in the X-API-Key header",
                                headers={"WWW-Authenticate": "X-API-Key"})
        if not secrets.compare_digest(key.encode(), (config.api_key or "").encode()):
            raise HTTPException(401, "invalid API key (X-API-Key header)", headers={"WWW-Authenticate": "X-API-Key"})

    router = APIRouter(prefix="/api", tags=["portal"],
                       dependencies=[Depends(require_key)] if config.api_key else [],
                       responses=_error_responses(401) if config.api_key else {})

    @router.get("/health", summary="Liveness and index build")
    def health() -> dict:
        m = assistant.manifest
        return {"status": "ok", "build": m.build_id, "study": m.study, "counts": m.counts,
                "events": len(catalog.events), "chapters": len(catalog.chapters),
                "backends": list(config.backends), "default_backend": config.default_backend}

    @router.post("/ask", summary="Ask a question; cited, verified answer",
                 responses={200: {"model": AnswerOut, "content": {"text/event-stream": {
                     "example": 'event: delta\ndata: {"text": "8 July 2024: "}\n\n'
                                'event: answer\ndata: {"question": "...", "answer": "...", "citations": []}\n\n'}}},
                            **_error_responses(400, 413, 422)})
    def ask(request: AskRequest):
        backend = request.backend or None
        if backend is not None and backend not in config.backends:
            raise HTTPException(422, f"backend {backend!r} is unknown or not available here; available: "
                                     f"{', '.join(config.backends)}")
        try:
            filters = make_filters(**_filter_args(request.filters)) if request.filters else None
        except BadFilters as exc:
            raise HTTPException(422, f"filters: {exc}") from exc
        history = [Turn(m.role, m.content) for m in request.history]
        kwargs = dict(filters=filters, backend=backend)
        if not request.stream:
            try:
                return JSONResponse(ask_once(assistant, request.question, history, **kwargs))
            except InvalidQuestion as exc:
                raise HTTPException(422, f"question: {exc}") from exc
        events = stream_answer(assistant, request.question, history, **kwargs)
        try:
            first = next(events)  # an invalid question fails here, before any byte is sent
        except InvalidQuestion as exc:
            raise HTTPException(422, f"question: {exc}") from exc
        return StreamingResponse(_sse(first, events), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

    @router.get("/events", summary="Timeline events, filtered")
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

    @router.get("/chapters", summary="The digest's chapters")
    def chapters() -> dict:
        return {"chapters": [c.summary_dict() for c in catalog.chapters]}

    @router.get("/chapters/{chapter_id}", summary="One chapter: sections, paragraphs and its events",
                responses=_error_responses(404))
    def chapter(chapter_id: str) -> dict:
        view = catalog.chapters_by_id.get(chapter_id)
        if view is None:
            raise HTTPException(404, f"unknown chapter {chapter_id[:40]!r}; known: "
                                     f"{', '.join(c.id for c in catalog.chapters)}")
        return view.to_dict(catalog)

    return router


def _filter_args(filters: AskFilters) -> dict:
    return {"chapters": filters.chapter or (), "categories": filters.category or (), "actors": filters.actor or (),
            "year_from": filters.year_from, "year_to": filters.year_to}


def _sse(first: dict, events):
    def frame(event: dict) -> str:
        if event["type"] == "delta":
            return f"event: delta\ndata: {json.dumps({'text': event['text']}, ensure_ascii=False)}\n\n"
        return f"event: answer\ndata: {json.dumps(event['answer'], ensure_ascii=False)}\n\n"

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
        elif kind == "model_attributes_type" or (kind == "dict_type" and not loc):
            messages.append("the request body must be a JSON object")
        else:
            messages.append(f"{where}: {error.get('msg')}" if where else str(error.get("msg")))
    return "; ".join(messages) or "invalid request"


def validation_response(errors: list[dict]) -> JSONResponse:
    safe = [{k: v for k, v in e.items() if k in ("loc", "msg", "type")} for e in errors[:20]]
    return JSONResponse({"detail": validation_detail(errors), "errors": safe}, status_code=422)
