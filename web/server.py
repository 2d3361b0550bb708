"""Compose the web face: the portal API (FastAPI) with the Gradio UI mounted at "/", plus the
request-size limit, the CORS allowlist for /api/*, validation errors as one clear line, and the
optional UI login. ``serve`` runs it with uvicorn on the configured loopback host and port."""

from __future__ import annotations

import json

import gradio as gr
import uvicorn
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.middleware.cors import CORSMiddleware

from assistant.service import Assistant
from index.settings import Settings
from web.api import api_router, validation_response
from web.assets import CSS, HEAD_JS
from web.catalog import Catalog
from web.config import WebConfig
from web.ui import build_ui

API_PREFIX = "/api/"
# System fonts: nothing fetched, and no synthesized bold from a two-weight bundled face.
THEME = gr.themes.Default(font=["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial",
                                "Liberation Sans", "sans-serif"],
                          font_mono=["ui-monospace", "SFMono-Regular", "Consolas", "Liberation Mono", "monospace"])


def _api_path(scope) -> bool:
    path = scope.get("path", "")
    root = scope.get("root_path", "") or ""
    if root and path.startswith(root):
        path = path[len(root):]
    return path.startswith(API_PREFIX)


class BodyLimit:
    """413 for /api/* request bodies over ``limit`` bytes, declared or streamed (the body is read
    up to the limit before the app sees it)."""

    def __init__(self, app, limit: int):
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope.get("method") not in ("POST", "PUT", "PATCH") or not _api_path(scope):
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            return await self._too_large(send)
        body, more = b"", True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return await self.app(scope, _replay([message], receive), send)
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > self.limit:
                return await self._too_large(send)
        return await self.app(scope, _replay([{"type": "http.request", "body": body, "more_body": False}], receive), send)

    async def _too_large(self, send):
        payload = json.dumps({"detail": f"request body too large: the limit is {self.limit // 1024} KiB"}).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]})
        await send({"type": "http.response.body", "body": payload})


def _replay(messages, receive):
    pending = list(messages)

    async def replayed():
        return pending.pop(0) if pending else await receive()

    return replayed


class ApiCORS:
    """CORS for /api/* only (Gradio handles its own routes)."""

    def __init__(self, app, origins: tuple[str, ...]):
        self.app = app
        self.cors = CORSMiddleware(app, allow_origins=list(origins), allow_methods=["GET", "POST", "OPTIONS"],
                                   allow_headers=["Content-Type", "X-API-Key", "Accept"], max_age=600)

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and _api_path(scope):
            return await self.cors(scope, receive, send)
        return await self.app(scope, receive, send)


def create_app(settings: Settings, assistant: Assistant, config: WebConfig | None = None,
               catalog: Catalog | None = None) -> FastAPI:
    config = config or WebConfig.from_settings(settings)
    catalog = catalog or Catalog.build(assistant.table, settings.corpus_dir)
    app = FastAPI(title="Study Assistant API", version="1.0",
                  description="Cited, checkable answers about one research study. The answer JSON is the contract "
                              "in README.md; `stream: true` on POST /api/ask sends server-sent events.",
                  docs_url="/docs", openapi_url="/openapi.json", redoc_url=None)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        return validation_response(list(exc.errors()))

    app.include_router(api_router(assistant, catalog, config))
    if config.cors_origins:
        app.add_middleware(ApiCORS, origins=config.cors_origins)
    app.add_middleware(BodyLimit, limit=config.max_body_bytes)
    ui = build_ui(assistant, catalog, config)
    app = gr.mount_gradio_app(app, ui, path="/", css=CSS, head=HEAD_JS, theme=THEME, footer_links=[], auth=config.ui_auth,
                              auth_message="Study Assistant: sign in to use the chat." if config.ui_auth else None,
                              root_path=config.root_path or None, show_error=True, mcp_server=False)
    app.state.web_config = config
    app.state.catalog = catalog
    return app


def serve(settings: Settings, assistant: Assistant, config: WebConfig | None = None) -> None:
    config = config or WebConfig.from_settings(settings)
    app = create_app(settings, assistant, config)
    where = f"http://{config.host}:{config.port}{config.root_path}/"
    print(f"Study Assistant: {where}  (API docs at {where}docs; Ctrl-C stops)", flush=True)
    uvicorn.run(app, host=config.host, port=config.port, root_path=config.root_path, log_level="warning",
                proxy_headers=False)


class ServerThread:
    """Run an app with uvicorn in a daemon thread on a loopback port (0: any free port); for tests,
    the load test and local tools. ``with ServerThread(app) as server: server.url``."""

    def __init__(self, app, host: str = "127.0.0.1", port: int = 0, *, log_level: str = "warning", root_path: str = ""):
        import socket

        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((host, port))
        self.host, self.port = host, self.sock.getsockname()[1]
        self.server = uvicorn.Server(uvicorn.Config(app, log_level=log_level, timeout_keep_alive=30,
                                                   root_path=root_path))
        self.thread = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self, timeout: float = 60.0) -> "ServerThread":
        import threading
        import time

        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True,
                                       name=f"uvicorn-{self.port}")
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the server on {self.url} did not start")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        if self.thread:
            self.thread.join(timeout=15)
        self.sock.close()

    def __enter__(self) -> "ServerThread":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
