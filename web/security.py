"""The doors: one access gate for every route and the security headers (web/limits.py: body limits).

The gate (:class:`AccessGate`) is on when ``STUDY_API_KEY`` is set. It runs before anything reads a
request body, so a request without a key gets 401 before any 413 or 422. A request is let in when it
carries the key in the ``X-API-Key`` header, or the session cookie that ``POST /login`` sets when the
key (or the UI username and password, if those are configured) is typed into the login form. The
cookie holds no key: it is an HMAC of its issue time under the key, so it expires, and changing the key
ends every session. Public with the gate on: :data:`PUBLIC_PATHS` only (the login form, logout, the
liveness answer of ``/api/health`` and the favicon). See docs/security.md."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import html
import json
import secrets
import time
from urllib.parse import parse_qs, quote

from web.config import WebConfig

SESSION_COOKIE = "study_session"
SESSION_MAX_AGE_S = 12 * 3600
LOGIN_PATH, LOGOUT_PATH = "/login", "/logout"
# Answer without credentials when the gate is on; /api/health then says only {"status": "ok"}.
PUBLIC_PATHS = frozenset({LOGIN_PATH, LOGOUT_PATH, "/api/health", "/favicon.ico"})
LOGIN_BODY_LIMIT = 4096
AUTH_SCOPE_KEY = "study_auth"  # set in the ASGI scope: "key", "session" or absent


def app_path(scope) -> str:
    """The request path without the root path (a reverse proxy's prefix)."""
    path = scope.get("path", "") or ""
    root = scope.get("root_path", "") or ""
    if root and path.startswith(root):
        path = path[len(root):]
    return path or "/"


def _headers(scope) -> dict[bytes, bytes]:
    return {k.lower(): v for k, v in (scope.get("headers") or [])}


async def send_json(send, status: int, payload: dict, headers: list[tuple[bytes, bytes]] = ()) -> None:
    body = json.dumps(payload).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            *headers]})
    await send({"type": "http.response.body", "body": body})


async def send_html(send, status: int, text: str, headers: list[tuple[bytes, bytes]] = ()) -> None:
    body = text.encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/html; charset=utf-8"), (b"content-length", str(len(body)).encode()),
                            (b"cache-control", b"no-store"), *headers]})
    await send({"type": "http.response.body", "body": body})


async def redirect(send, location: str, headers: list[tuple[bytes, bytes]] = ()) -> None:
    await send({"type": "http.response.start", "status": 303,
                "headers": [(b"location", location.encode()), (b"content-length", b"0"), (b"cache-control", b"no-store"),
                            *headers]})
    await send({"type": "http.response.body", "body": b""})


async def read_body(receive, limit: int | None = None) -> tuple[bytes | None, dict | None]:
    """(body, None) once the request body is read whole; (None, message) when something other than
    body arrives first (handed on as it is); (None, None) when the body grows past ``limit``."""
    body, more = b"", True
    while more:
        message = await receive()
        if message["type"] != "http.request":
            return None, message
        body += message.get("body", b"")
        more = message.get("more_body", False)
        if limit is not None and len(body) > limit:
            return None, None
    return body, None


# --- sessions -------------------------------------------------------------------------------------


def _sign(key: str, issued: int) -> str:
    return hmac.new(key.encode(), f"study-assistant-session:{issued}".encode(), hashlib.sha256).hexdigest()


def new_session(key: str, now: float | None = None) -> str:
    issued = int(now if now is not None else time.time())
    return f"{issued}.{_sign(key, issued)}"


def valid_session(key: str, value: str | None, now: float | None = None) -> bool:
    if not value or "." not in value:
        return False
    issued, _, signature = value.partition(".")
    if not issued.isdigit():
        return False
    age = (now if now is not None else time.time()) - int(issued)
    return 0 <= age <= SESSION_MAX_AGE_S and hmac.compare_digest(signature, _sign(key, int(issued)))


def _cookie(scope, name: str) -> str | None:
    raw = _headers(scope).get(b"cookie", b"").decode("latin-1")
    for part in raw.split(";"):
        k, _, v = part.strip().partition("=")
        if k == name:
            return v
    return None


def _safe_next(value: str | None) -> str:
    """Only a path on this server: no scheme, no host, no protocol-relative ``//``."""
    value = (value or "/").strip()
    if not value.startswith("/") or value.startswith("//") or "\\" in value or any(ord(c) < 32 for c in value):
        return "/"
    return value


def login_page(root: str, next_path: str, *, ask_user: bool, error: str = "") -> str:
    fields = ('<label>Username <input name="username" autocomplete="username" required autofocus></label>'
              '<label>Password <input name="password" type="password" autocomplete="current-password" required>'
              "</label>") if ask_user else (
        '<label>Access key <input name="key" type="password" autocomplete="current-password" required autofocus>'
        "</label>")
    message = f'<p class="error" role="alert">{html.escape(error)}</p>' if error else ""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Study Assistant: sign in</title>
<style>
body {{ font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; background: #f6f7f9; margin: 0; }}
main {{ max-width: 22rem; margin: 12vh auto; background: #fff; border: 1px solid #d0d7de; border-radius: 8px;
        padding: 1.5rem; }}
h1 {{ font-size: 1.3rem; margin: 0 0 .5rem; }} p {{ color: #444; }}
label {{ display: block; margin: .8rem 0; }} input {{ display: block; width: 100%; box-sizing: border-box;
        padding: .5rem; margin-top: .3rem; font: inherit; }}
button {{ padding: .5rem 1.2rem; font: inherit; background: #2563eb; color: #fff; border: 0; border-radius: 6px; }}
.error {{ color: #b42318; }}
</style></head>
<body><main>
<h1>Study Assistant</h1>
<p>This server is private: sign in to use the chat and its API.</p>
{message}
<form method="post" action="{html.escape(root)}{LOGIN_PATH}" id="login">
<input type="hidden" name="next" value="{html.escape(next_path)}">
{fields}
<button type="submit" id="sign-in">Sign in</button>
</form>
</main></body></html>
"""


class AccessGate:
    """ASGI middleware: the API key or a login session, for every route but :data:`PUBLIC_PATHS`."""

    def __init__(self, app, config: WebConfig):
        self.app, self.config = app, config
        self.key = config.api_key or ""
        self.ask_user = config.ui_auth is not None

    def authenticated(self, scope) -> str | None:
        given = _headers(scope).get(b"x-api-key")
        if given is not None:
            return "key" if secrets.compare_digest(given, self.key.encode()) else None
        return "session" if valid_session(self.key, _cookie(scope, SESSION_COOKIE)) else None

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket") or not self.key:
            return await self.app(scope, receive, send)
        path = app_path(scope)
        if scope["type"] == "http" and path == LOGIN_PATH:
            return await self.login(scope, receive, send)
        if scope["type"] == "http" and path == LOGOUT_PATH:
            return await redirect(send, f"{scope.get('root_path', '')}{LOGIN_PATH}", [self._set_cookie(scope, "", 0)])
        how = self.authenticated(scope)
        if how:
            scope.setdefault("state", {})[AUTH_SCOPE_KEY] = how
            return await self.app(scope, receive, send)
        if scope["type"] == "websocket":
            return await send({"type": "websocket.close", "code": 1008})
        if path in PUBLIC_PATHS:
            return await self.app(scope, receive, send)
        return await self.refuse(scope, send)

    async def refuse(self, scope, send):
        headers = _headers(scope)
        root = scope.get("root_path", "") or ""
        if scope.get("method") == "GET" and b"text/html" in headers.get(b"accept", b"") \
                and not app_path(scope).startswith(("/api/", "/gradio_api/")):
            target = app_path(scope) + (("?" + scope["query_string"].decode("latin-1")) if scope.get("query_string") else "")
            return await redirect(send, f"{root}{LOGIN_PATH}?next={quote(target, safe='/')}")
        if b"x-api-key" in headers:
            detail = "invalid API key (X-API-Key header)"
        else:
            detail = f"missing API key: send it in the X-API-Key header, or sign in at {root}{LOGIN_PATH}"
        return await send_json(send, 401, {"detail": detail}, [(b"www-authenticate", b"X-API-Key")])

    def _set_cookie(self, scope, value: str, max_age: int) -> tuple[bytes, bytes]:
        path = scope.get("root_path", "") or "/"
        secure = "; Secure" if scope.get("scheme") in ("https", "wss") else ""
        return (b"set-cookie", f"{SESSION_COOKIE}={value}; Path={path}; Max-Age={max_age}; HttpOnly; "
                               f"SameSite=Lax{secure}".encode())

    async def login(self, scope, receive, send):
        root = scope.get("root_path", "") or ""
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        if scope["method"] in ("GET", "HEAD"):
            next_path = _safe_next((query.get("next") or ["/"])[0])
            return await send_html(send, 200, login_page(root, next_path, ask_user=self.ask_user))
        if scope["method"] != "POST":
            return await send_json(send, 405, {"detail": "method not allowed: GET shows the form, POST signs in"},
                                   [(b"allow", b"GET, HEAD, POST")])
        body, other = await read_body(receive, LOGIN_BODY_LIMIT)
        if other is not None:
            return
        if body is None:
            return await send_json(send, 413, {"detail": "login form too large"})
        form = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}
        next_path = _safe_next(form.get("next"))
        if self.ask_user:
            user, password = self.config.ui_auth
            ok = secrets.compare_digest(form.get("username", "").encode(), user.encode()) & \
                secrets.compare_digest(form.get("password", "").encode(), password.encode())
        else:
            ok = secrets.compare_digest(form.get("key", "").encode(), self.key.encode())
        if not ok:
            await asyncio.sleep(0.5)  # slows guessing; the server is on loopback or behind a proxy anyway
            return await send_html(send, 401, login_page(root, next_path, ask_user=self.ask_user,
                                                         error="That did not match. Try again."))
        return await redirect(send, f"{root}{next_path}", [self._set_cookie(scope, new_session(self.key),
                                                                            SESSION_MAX_AGE_S)])


# --- security headers ---------------------------------------------------------------------------------


def content_security_policy(frame_ancestors: tuple[str, ...]) -> str:
    """The page's CSP. Gradio's page needs inline scripts and styles and ``eval`` (its templates and
    ``js_on_load`` are compiled in the browser), so script-src cannot drop those; what the policy does
    enforce is that nothing loads or connects anywhere but this server (no remote images, fonts,
    scripts or fetches), no plugins, no <base> rewrites, forms post only here, and only the
    configured origins may frame the page."""
    return "; ".join([
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "media-src 'self' data: blob:",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "frame-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        f"frame-ancestors {' '.join(frame_ancestors)}",
    ])


class SecurityHeaders:
    """Adds nosniff, the referrer policy, the CSP (with frame-ancestors) and, for the two simple
    framing policies, the legacy X-Frame-Options, to every HTTP response."""

    def __init__(self, app, config: WebConfig):
        self.app = app
        self.headers = [
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"strict-origin-when-cross-origin"),
            (b"content-security-policy", content_security_policy(config.frame_ancestors).encode()),
        ]
        legacy = {("'self'",): b"SAMEORIGIN", ("'none'",): b"DENY"}.get(tuple(config.frame_ancestors))
        if legacy:
            self.headers.append((b"x-frame-options", legacy))
        self.names = {name for name, _ in self.headers}

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def with_headers(message):
            if message["type"] == "http.response.start":
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in self.names]
                message = {**message, "headers": kept + self.headers}
            await send(message)

        return await self.app(scope, receive, with_headers)
