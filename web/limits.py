"""Request bodies at the door: the size limit on /api/* and Gradio's routes, and Gradio's /ask with
its arguments padded so a short call gets the same validation error as /api/ask (web/security.py
holds the access gate and the headers)."""

from __future__ import annotations

import json

from web.security import _headers, app_path, read_body, send_json


# --- request-size limit -----------------------------------------------------------------------------


class BodyLimit:
    """413 for request bodies over the limit, declared or streamed (the body is read up to the limit
    before the app sees it). ``limits`` maps a path prefix to its limit, first match wins; ``default``
    covers every other path."""

    def __init__(self, app, limits: list[tuple[str, int]], default: int):
        self.app, self.limits, self.default = app, limits, default

    def limit_for(self, path: str) -> int:
        for prefix, limit in self.limits:
            if path == prefix or path.startswith(prefix):
                return limit
        return self.default

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope.get("method") not in ("POST", "PUT", "PATCH", "DELETE"):
            return await self.app(scope, receive, send)
        limit = self.limit_for(app_path(scope))
        declared = _headers(scope).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            return await self._too_large(send, limit)
        body, other = await read_body(receive, limit)
        if other is not None:
            return await self.app(scope, _replay([other], receive), send)
        if body is None:
            return await self._too_large(send, limit)
        return await self.app(scope, _replay([{"type": "http.request", "body": body, "more_body": False}], receive), send)

    @staticmethod
    async def _too_large(send, limit: int):
        await send_json(send, 413, {"detail": f"request body too large: the limit is {limit // 1024} KiB"})


def _with_length(scope, length: int) -> dict:
    headers = [(k, v) for k, v in scope.get("headers", []) if k.lower() != b"content-length"]
    return dict(scope, headers=headers + [(b"content-length", str(length).encode())])


def _replay(messages, receive):
    pending = list(messages)

    async def replayed():
        return pending.pop(0) if pending else await receive()

    return replayed


# --- Gradio's /ask: arguments left out are nulls ---------------------------------------------------------


class PadArguments:
    """A call of Gradio's /ask (``/gradio_api/call/ask``, ``run/ask``, ``api/ask``: ``{"data": [...]}``;
    ``call/v2/ask``: keyword arguments) with fewer arguments than the endpoint takes: Gradio itself would
    refuse with a dump of its component objects (or a 500); padded with nulls, the call reaches the
    shared validation, which names the missing field ("question: Field required"). More arguments than
    it takes, or an unknown keyword, is a 422 that says so. Runs inside :class:`BodyLimit`, so the body
    is bounded."""

    def __init__(self, app, paths: tuple[str, ...], names: tuple[str, ...]):
        self.app, self.paths, self.names = app, paths, names

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope.get("method") != "POST" or app_path(scope).rstrip("/") not in self.paths:
            return await self.app(scope, receive, send)
        body, other = await read_body(receive)
        if other is not None:
            return await self.app(scope, _replay([other], receive), send)
        try:
            payload = json.loads(body)
        except ValueError:
            payload = None
        if "/v2/" in app_path(scope) and isinstance(payload, dict):  # keyword arguments
            unknown = [k for k in payload if k not in self.names and k != "oauth_token"]
            if unknown:
                return await send_json(send, 422, {"detail": f"/ask has no argument {unknown[0][:40]!r}; it takes "
                                                             f"{', '.join(self.names)}"})
            if any(name not in payload for name in self.names):
                payload = {**{name: None for name in self.names}, **payload}
                body = json.dumps(payload).encode()
                scope = _with_length(scope, len(body))
        elif isinstance(payload, dict) and isinstance(payload.get("data"), list):
            data = payload["data"]
            if len(data) > len(self.names):
                return await send_json(send, 422, {"detail": f"/ask takes at most {len(self.names)} arguments "
                                                             f"({', '.join(self.names)}); got {len(data)}"})
            if len(data) < len(self.names):
                payload["data"] = data + [None] * (len(self.names) - len(data))
                body = json.dumps(payload).encode()
                scope = _with_length(scope, len(body))
        replay = _replay([{"type": "http.request", "body": body, "more_body": False}], receive)
        if "/call/" in app_path(scope):
            return await self.app(scope, replay, send)
        return await self.app(scope, replay, _errors_as_422(send))


def _errors_as_422(send):
    """Gradio's direct routes (run/ask, api/ask) answer a gr.Error, i.e. invalid input, with a 500
    ``{"error": ...}``; here that is the 422 ``{"detail": ...}`` that /api/ask gives."""
    state: dict = {}

    async def wrapped(message):
        if message["type"] == "http.response.start" and message["status"] == 500:
            state["start"], state["body"] = message, b""
            return
        if "start" not in state:
            return await send(message)
        state["body"] += message.get("body", b"")
        if message.get("more_body"):
            return
        try:
            data = json.loads(state["body"])
        except ValueError:
            data = None
        if isinstance(data, dict) and data.get("title") == "Error" and isinstance(data.get("error"), str):
            return await send_json(send, 422, {"detail": data["error"]})
        await send(state["start"])
        await send({"type": "http.response.body", "body": state["body"]})

    return wrapped
