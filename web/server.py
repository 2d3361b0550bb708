"""Compose the web face: the portal API (FastAPI) with the Gradio UI mounted at "/", plus the doors
(web/security.py: the access gate, the request-size limit, the security headers), the CORS allowlist,
validation errors as one clear line, offline API docs and the optional UI login. ``serve`` runs it
with uvicorn on the configured loopback host and port."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import gradio as gr
import uvicorn
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.middleware.cors import CORSMiddleware

from assistant.service import Assistant
from core.settings import Settings
from web.api import ASK_ARGUMENTS, api_router, validation_response
from web.assets import CSS, HEAD_JS
from assistant.catalog import Catalog
from web.config import WebConfig
from web.limits import BodyLimit, PadArguments
from web.security import AccessGate, SecurityHeaders
from web.ui import build_ui

API_PREFIX = "/api/"
DOCS_ASSETS = "/docs-assets"
# Every Gradio route that calls /ask: the API's body limit and argument padding apply to all of them.
GRADIO_ASK_PATHS = ("/gradio_api/call/ask", "/gradio_api/call/v2/ask", "/gradio_api/run/ask", "/gradio_api/api/ask")
# System fonts: nothing fetched, and no synthesized bold from a two-weight bundled face.
THEME = gr.themes.Default(font=["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial",
                                "Liberation Sans", "sans-serif"],
                          font_mono=["ui-monospace", "SFMono-Regular", "Consolas", "Liberation Mono", "monospace"])


def _swagger_assets() -> Path:
    """Swagger UI's script, stylesheet and icon, shipped in the fastapi-offline package: /docs loads
    nothing from a CDN."""
    spec = importlib.util.find_spec("fastapi_offline")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the fastapi-offline package (Swagger UI's assets for /docs) is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "static"


def _add_docs(app: FastAPI) -> None:
    """/docs with Swagger UI served from this server (ReDoc is off)."""
    app.mount(DOCS_ASSETS, StaticFiles(directory=_swagger_assets()), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def docs(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "") or ""
        return get_swagger_ui_html(openapi_url=f"{root}{app.openapi_url}", title=f"{app.title}: API docs",
                                   swagger_js_url=f"{root}{DOCS_ASSETS}/swagger-ui-bundle.js",
                                   swagger_css_url=f"{root}{DOCS_ASSETS}/swagger-ui.css",
                                   swagger_favicon_url=f"{root}{DOCS_ASSETS}/favicon.png",
                                   swagger_ui_parameters={"validatorUrl": None})


def create_app(settings: Settings, assistant: Assistant, config: WebConfig | None = None,
               catalog: Catalog | None = None) -> FastAPI:
    """The middleware, outermost first: security headers on every response; CORS (the allowlist, for
    every route: Gradio then leaves CORS to us); the access gate (the key before anything reads a
    body); the body-size limit; then the API, the docs and the Gradio UI."""
    config = config or WebConfig.from_settings(settings)
    catalog = catalog or assistant.catalog()
    app = FastAPI(title="Study Assistant API", version="1.0",
                  description="Cited, checkable answers about one research study. The answer JSON is the contract "
                              "in README.md; `stream: true` on POST /api/ask sends server-sent events.",
                  docs_url=None, openapi_url="/openapi.json", redoc_url=None)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        return validation_response(list(exc.errors()))

    app.include_router(api_router(assistant, catalog, config))
    _add_docs(app)
    app.add_middleware(PadArguments, paths=GRADIO_ASK_PATHS, names=ASK_ARGUMENTS)
    app.add_middleware(BodyLimit, limits=[*((p, config.max_body_bytes) for p in GRADIO_ASK_PATHS),
                                          (API_PREFIX, config.max_body_bytes)],
                       default=config.max_ui_body_bytes)
    app.add_middleware(AccessGate, config=config)
    # A plain CORSMiddleware on the parent app: Gradio sees it and adds no CORS headers of its own, so
    # this allowlist (empty by default: no cross-origin reads at all) governs /config and /gradio_api/* too.
    app.add_middleware(CORSMiddleware, allow_origins=list(config.cors_origins), allow_methods=["GET", "POST", "OPTIONS"],
                       allow_headers=["Content-Type", "X-API-Key", "Accept"], max_age=600)
    app.add_middleware(SecurityHeaders, config=config)
    ui = build_ui(assistant, catalog, config)
    # With an API key, the gate's login is the one login (it asks for the UI username and password when
    # those are set); without one, the optional UI login is Gradio's own.
    gradio_auth = None if config.api_key else config.ui_auth
    app = gr.mount_gradio_app(app, ui, path="/", css=CSS, head=HEAD_JS, theme=THEME, footer_links=[], auth=gradio_auth,
                              auth_message="Study Assistant: sign in to use the chat." if gradio_auth else None,
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
