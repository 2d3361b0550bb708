"""Issue 13, "Lock the doors", over HTTP: one access model for every route, one validation path for
both ask routes, security headers, offline API docs, consistent 4xx/405, an inert export, and Gradio's
CORS under the allowlist. The browser checks (CSP, /docs offline, export, key mode) are in
tests/test_browser.py."""

from __future__ import annotations

import json
import re

import httpx
import pytest
from fastapi.testclient import TestClient

from web.chat import conversation_markdown
from web.config import WebConfig, frame_ancestors
from web.security import SESSION_COOKIE, SESSION_MAX_AGE_S, new_session, valid_session
from web.server import create_app
from tests.conftest import serving

KEY = "s3cret-key"
RAA_Q = "When was the Reciprocal Access Agreement signed?"
RAA = "2024-07-08-raa-signed"
PORTAL = "http://portal.example"
HEADERS = {"X-API-Key": KEY}
# Every route that serves data; with a key set, none of them answers without it.
PRIVATE = [("GET", "/"), ("GET", "/config"), ("GET", "/gradio_api/info"), ("GET", "/docs"), ("GET", "/openapi.json"),
           ("GET", "/api/events"), ("GET", "/api/chapters"), ("GET", "/api/chapters/4.3"),
           ("GET", "/docs-assets/swagger-ui.css"), ("GET", "/theme.css"), ("GET", "/gradio_api/api_info"),
           ("POST", "/api/ask"), ("POST", "/gradio_api/call/ask"), ("POST", "/gradio_api/queue/join")]


@pytest.fixture(scope="module")
def open_config(settings) -> WebConfig:
    return WebConfig.from_settings(settings, cors_origins=[PORTAL])


@pytest.fixture(scope="module")
def key_config(settings) -> WebConfig:
    return WebConfig.from_settings(settings, cors_origins=[PORTAL], api_key=KEY)


@pytest.fixture(scope="module")
def client(settings, assistant, open_config):
    return TestClient(create_app(settings, assistant, open_config))


@pytest.fixture(scope="module")
def locked(settings, assistant, key_config):
    return TestClient(create_app(settings, assistant, key_config), follow_redirects=False)


@pytest.fixture(scope="module")
def server(settings, assistant, open_config):
    with serving(create_app(settings, assistant, open_config)) as running:
        yield running


@pytest.fixture(scope="module")
def locked_server(settings, assistant, key_config):
    with serving(create_app(settings, assistant, key_config)) as running:
        yield running


def gradio_call(base: str, data, headers: dict | None = None) -> tuple[int, str, object]:
    """POST /gradio_api/call/ask, then read its event stream: (POST status, last event, its data)."""
    with httpx.Client(base_url=base, timeout=60, headers=headers or {}) as http:
        posted = http.post("/gradio_api/call/ask", json={"data": data})
        if posted.status_code != 200:
            return posted.status_code, "", posted.json()
        event_id = posted.json()["event_id"]
        text = http.get(f"/gradio_api/call/ask/{event_id}").text
    blocks = [b for b in text.strip().split("\n\n") if "event:" in b and "heartbeat" not in b]
    fields = dict(line.split(": ", 1) for line in blocks[-1].splitlines() if ": " in line)
    return posted.status_code, fields["event"], json.loads(fields["data"])


# --- 1. one access model ------------------------------------------------------------------------------


@pytest.mark.parametrize("method, path", PRIVATE)
def test_every_data_route_needs_the_key(locked, method, path):
    response = locked.request(method, path, json={} if method == "POST" else None)
    assert response.status_code == 401, (path, response.status_code, response.text[:200])
    assert "X-API-Key" in response.json()["detail"] and response.headers["www-authenticate"] == "X-API-Key"
    wrong = locked.request(method, path, headers={"X-API-Key": "guess"}, json={} if method == "POST" else None)
    assert wrong.status_code == 401 and "invalid API key" in wrong.json()["detail"]


@pytest.mark.parametrize("path", ["/", "/config", "/gradio_api/info", "/docs", "/openapi.json", "/api/events",
                                  "/api/chapters/4.3", "/docs-assets/swagger-ui-bundle.js"])
def test_the_key_opens_every_route(locked, path):
    assert locked.get(path, headers=HEADERS).status_code == 200


def test_a_browser_is_sent_to_the_login_form(locked):
    page = locked.get("/", headers={"Accept": "text/html"})
    assert page.status_code == 303 and page.headers["location"] == "/login?next=/"
    form = locked.get("/login?next=/")
    assert form.status_code == 200 and 'name="key"' in form.text and 'action="/login"' in form.text


def test_what_stays_public(locked, assistant):
    assert locked.get("/api/health").json() == {"status": "ok"}  # liveness only
    full = locked.get("/api/health", headers=HEADERS).json()
    assert full["events"] == len(assistant.table.events()) and "backends" in full
    assert locked.get("/login").status_code == 200
    assert locked.get("/logout").status_code == 303


def test_login_sets_a_session_that_opens_every_route(settings, assistant, key_config):
    c = TestClient(create_app(settings, assistant, key_config), follow_redirects=False)
    bad = c.post("/login", data={"key": "guess", "next": "/"})
    assert bad.status_code == 401 and "did not match" in bad.text and SESSION_COOKIE not in bad.headers.get("set-cookie", "")
    ok = c.post("/login", data={"key": KEY, "next": "/?x=1"})
    assert ok.status_code == 303 and ok.headers["location"] == "/?x=1"
    cookie = ok.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and f"Max-Age={SESSION_MAX_AGE_S}" in cookie
    assert KEY not in cookie  # the cookie is a signed session, not the key
    for path in ("/", "/config", "/gradio_api/info", "/docs", "/openapi.json", "/api/events"):
        assert c.get(path).status_code == 200, path
    assert c.post("/api/ask", json={"question": RAA_Q}).json()["citations"][0]["ref"] == RAA
    assert c.get("/logout").status_code == 303
    c.cookies.clear()
    assert c.get("/config").status_code == 401


def test_login_refuses_open_redirects_and_asks_for_the_ui_login_when_set(settings, assistant):
    config = WebConfig.from_settings(settings, api_key=KEY, ui_username="reader", ui_password="pw")
    c = TestClient(create_app(settings, assistant, config), follow_redirects=False)
    assert 'name="username"' in c.get("/login").text
    assert c.post("/login", data={"key": KEY}).status_code == 401  # the form asks for the UI login instead
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        response = c.post("/login", data={"username": "reader", "password": "pw", "next": target})
        assert response.status_code == 303 and response.headers["location"] == "/"
    assert c.get("/config").status_code == 200
    assert c.get("/api/events", headers={"X-API-Key": KEY}).status_code == 200


def test_sessions_expire_and_die_with_the_key():
    token = new_session(KEY, now=1_000_000)
    assert valid_session(KEY, token, now=1_000_000 + 60)
    assert not valid_session(KEY, token, now=1_000_000 + SESSION_MAX_AGE_S + 1)
    assert not valid_session("another key", token, now=1_000_000 + 60)
    assert not valid_session(KEY, token[:-1] + ("0" if token[-1] != "0" else "1"), now=1_000_000 + 60)
    assert not valid_session(KEY, "junk", now=0) and not valid_session(KEY, None)


def test_authentication_comes_before_body_checks(locked, locked_server):
    assert locked.post("/api/ask", content=b'{"question": ', headers={"content-type": "application/json"}
                       ).status_code == 401
    assert locked.post("/api/ask", content=b"x" * 2_000_000).status_code == 401
    assert locked.post("/gradio_api/call/ask", content=b"x" * 2_000_000).status_code == 401
    with httpx.Client(base_url=locked_server.url, timeout=30) as http:  # a real socket, 2 MB declared
        response = http.post("/api/ask", content=b"x" * 2_000_000, headers={"content-type": "application/json"})
        assert response.status_code == 401
        assert http.post("/api/ask", json={"question": 42}).status_code == 401
        assert http.post("/api/ask", json={"question": 42}, headers=HEADERS).status_code == 422


def test_gradio_client_needs_the_key(locked_server):
    from gradio_client import Client

    with pytest.raises(Exception):
        Client(locked_server.url + "/", verbose=False)
    gc = Client(locked_server.url + "/", verbose=False, headers=HEADERS)
    assert gc.predict(RAA_Q, api_name="/ask")["citations"][0]["ref"] == RAA
    status, event, data = gradio_call(locked_server.url, [RAA_Q], headers=HEADERS)
    assert (status, event) == (200, "complete") and data[0]["citations"][0]["ref"] == RAA
    assert gradio_call(locked_server.url, [RAA_Q])[0] == 401


# --- 2. one validation path for both ask routes ---------------------------------------------------------


@pytest.mark.parametrize("data, message", [
    ([], "question: Field required"),
    ([42], "question: Input should be a valid string"),
    (["   "], "question: the question is empty"),
    (["\u200b\u200c\u2060\ufeff"], "question: the question is empty"),
    (["x" * 2001], "at most 2000 characters"),
    (["hi", "hello"], "history: Input should be a valid list"),
    (["hi", ["hello"]], "history.0: Input should be a JSON object"),
    (["hi", [{"role": "system", "content": "x"}]], "history.0.role"),
    (["hi", [{"role": "user", "content": "x"}] * 51], "history: List should have at most 50"),
    (["hi", [], {"category": "bogus"}], "filters.category: 'bogus' is not one of"),
    (["hi", [], {"colour": "red"}], "filters.colour: unknown field"),
    (["hi", [], "no"], "filters: Input should be a JSON object"),
    (["hi", [], {"year_from": 2020, "year_to": 2010}], "after year_to"),
    (["hi", [], None, "gpt-9"], "backend 'gpt-9' is unknown or not available"),
])
def test_gradio_ask_validates_like_the_api(server, client, data, message):
    status, event, detail = gradio_call(server.url, data)
    assert (status, event) == (200, "error"), detail
    text = json.dumps(detail)
    assert message in text and "object at 0x" not in text
    # the same message from POST /api/ask, as a 422
    body = dict(zip(["question", "history", "filters", "backend"], data))
    body = {k: v for k, v in body.items() if v is not None}
    response = client.post("/api/ask", json=body)
    assert response.status_code == 422 and message in response.json()["detail"]


def test_gradio_routes_have_a_body_limit(server):
    with httpx.Client(base_url=server.url, timeout=60) as http:
        big = http.post("/gradio_api/call/ask", content=b'{"data": ["' + b"x" * 300_000 + b'"]}',
                        headers={"content-type": "application/json"})
        assert big.status_code == 413 and "256 KiB" in big.json()["detail"]
        huge = http.post("/gradio_api/queue/join", content=b"x" * 2_000_000, headers={"content-type": "application/json"})
        assert huge.status_code == 413 and "too large" in huge.json()["detail"]
        history = [{"role": "user", "content": "hello"}] * 25_000  # the 50 MB-style flood, smaller
        assert http.post("/gradio_api/call/ask", json={"data": [RAA_Q, history]}).status_code == 413


def test_gradio_client_calls_have_the_api_size_limit(server):
    from gradio_client import Client

    history = [{"role": "user", "content": "x" * 19_000}] * 14  # 266 KB: under Gradio's 1 MiB, over /api/ask's limit
    with pytest.raises(Exception, match="request body too large: the limit is 256 KiB"):
        Client(server.url + "/", verbose=False).predict("hi", history, None, None, api_name="/ask")


def test_gradio_ask_argument_count(server):
    status, event, detail = gradio_call(server.url, [])
    assert event == "error" and "question: Field required" in json.dumps(detail)
    status, _, detail = gradio_call(server.url, [RAA_Q, [], None, None, "extra"])
    assert status == 422 and "at most 4 arguments" in detail["detail"]


@pytest.mark.parametrize("path", ["/gradio_api/run/ask", "/gradio_api/api/ask"])
def test_gradio_direct_routes_validate_too(client, path):
    for data, message in (([], "question: Field required"), ([42], "question: Input should be a valid string"),
                          (["hi", "hello"], "history: Input should be a valid list"),
                          (["\u200b"], "question: the question is empty"),
                          ([1, 2, 3, 4, 5], "at most 4 arguments")):
        response = client.post(path, json={"data": data})
        assert response.status_code == 422 and message in response.json()["detail"], response.text
    assert client.post(path, content=b'{"data": ["' + b"x" * 300_000 + b'"]}').status_code == 413
    assert client.post(path, json={"data": [RAA_Q]}).json()["data"][0]["citations"][0]["ref"] == RAA


def test_gradio_keyword_route_validates_too(server, client):
    assert client.post("/gradio_api/call/v2/ask", json={"q": 1}).status_code == 422
    with httpx.Client(base_url=server.url, timeout=60) as http:
        for body, message in (({}, "question: Field required"), ({"question": 42}, "valid string")):
            event_id = http.post("/gradio_api/call/v2/ask", json=body).json()["event_id"]
            text = http.get(f"/gradio_api/call/v2/ask/{event_id}").text
            assert "event: error" in text and message in text


def test_gradio_ask_still_answers(server):
    status, event, data = gradio_call(server.url, [RAA_Q, [], {"category": ["agreement"]}, "extractive"])
    assert (status, event) == (200, "complete") and data[0]["citations"][0]["ref"] == RAA


# --- 3. security headers -------------------------------------------------------------------------------


def _check_headers(response, ancestors="'self'"):
    h = response.headers
    assert h["x-content-type-options"] == "nosniff"
    assert h["referrer-policy"] == "strict-origin-when-cross-origin"
    csp = h["content-security-policy"]
    assert f"frame-ancestors {ancestors}" in csp and "object-src 'none'" in csp and "connect-src 'self'" in csp
    assert "img-src 'self' data: blob:" in csp and "http:" not in csp.replace("frame-ancestors", "")


@pytest.mark.parametrize("method, path", [("GET", "/"), ("GET", "/config"), ("GET", "/api/health"), ("GET", "/docs"),
                                          ("GET", "/openapi.json"), ("POST", "/api/ask"), ("GET", "/api/nope"),
                                          ("GET", "/docs-assets/swagger-ui.css"), ("GET", "/gradio_api/info")])
def test_security_headers_on_every_response(client, method, path):
    response = client.request(method, path, json={} if method == "POST" else None)
    _check_headers(response)
    assert response.headers["x-frame-options"] == "SAMEORIGIN"


def test_security_headers_on_refusals_too(locked):
    for response in (locked.get("/config"), locked.post("/api/ask", content=b"x" * 2_000_000), locked.get("/login")):
        _check_headers(response)


def test_frame_ancestors_setting(settings, assistant):
    config = WebConfig.from_settings(settings, frame_ancestors="'self' https://portal.example.org")
    response = TestClient(create_app(settings, assistant, config)).get("/")
    _check_headers(response, "'self' https://portal.example.org")
    assert "x-frame-options" not in response.headers  # CSP decides; the legacy header cannot list origins
    assert frame_ancestors('["https://a.example", "self"]') == ("https://a.example", "'self'")
    assert frame_ancestors("none") == ("'none'",) and frame_ancestors("") == ("'self'",)
    for bad in ("https://a.example; script-src *", "*", "javascript:x", "'unsafe-inline'", "'none' https://a.example"):
        with pytest.raises(ValueError, match="STUDY_FRAME_ANCESTORS"):
            frame_ancestors(bad)


# --- 4. /docs offline -------------------------------------------------------------------------------------


def test_docs_load_nothing_from_elsewhere(client):
    page = client.get("/docs").text
    assert not re.search(r"(src|href)=['\"]https?://", page) and "cdn" not in page.lower()
    for asset in re.findall(r"(?:src|href)=['\"](/docs-assets/[^'\"]+)", page):
        assert client.get(asset).status_code == 200
    assert "swagger-ui-bundle.js" in page and client.get("/redoc").status_code == 404


# --- 5. consistency -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("body, message", [
    ({"question": "hi", "filters": {"category": "bogus"}}, "filters.category: 'bogus' is not one of"),
    ({"question": "hi", "filters": {"category": ["agreement", "battle"]}}, "'battle' is not one of"),
    ({"question": "\u200b"}, "question: the question is empty"),
    ({"question": "\u200b\u200d \ufeff\u2060\u00ad"}, "question: the question is empty"),
    ({"question": "\u3164\u2800\u180e"}, "question: the question is empty"),
    ({"question": "\u202e\u2066 \t\n"}, "question: the question is empty"),
])
def test_invisible_questions_and_unknown_categories_are_422(client, body, message):
    response = client.post("/api/ask", json=body)
    assert response.status_code == 422 and message in response.json()["detail"]


def test_invisible_characters_inside_a_question_are_spaces(client):
    data = client.post("/api/ask", json={"question": "When was the Reciprocal\u200bAccess Agreement signed?"}).json()
    assert data["citations"][0]["ref"] == RAA


@pytest.mark.parametrize("method, path, allow", [
    ("GET", "/api/ask", "POST"), ("PUT", "/api/ask", "POST"), ("DELETE", "/api/ask", "POST"),
    ("PATCH", "/api/ask", "POST"), ("POST", "/api/health", "GET"), ("DELETE", "/api/events", "GET"),
    ("POST", "/api/chapters/4.3", "GET"),
])
def test_wrong_methods_are_405(client, method, path, allow):
    response = client.request(method, path)
    assert response.status_code == 405 and response.headers["allow"] == allow
    assert f"use {allow}" in response.json()["detail"]


def test_unknown_api_paths_are_a_json_404(client):
    response = client.get("/api/nothing/here")
    assert response.status_code == 404 and "unknown API path" in response.json()["detail"]


# --- 6. the export is inert -----------------------------------------------------------------------------------


def test_export_neutralises_images_and_links_from_user_text(assistant):
    from markdown_it import MarkdownIt

    hostile = ("![x](http://host/track.png) [click](https://evil.example/x) <https://evil.example> "
               "www.evil.example evil.example/p mail@evil.example [ref]: http://host/r \\![y](//host/z.png)")
    answer = assistant.ask(RAA_Q).to_dict()
    answer = dict(answer, question=hostile, standalone_question=hostile, notice=hostile)
    text = conversation_markdown([{"question": hostile, "answer": answer, "filters": hostile}])
    body = text.split("## References")[0]
    assert "![" not in body.replace("!\\[", "") and "](" not in body.replace("]\\(", "")
    assert "http://" not in body and "https://" not in body and "www.evil" not in body
    html = MarkdownIt("gfm-like", {"linkify": False}).render(body)
    assert "<img" not in html and "<a " not in html
    assert "[1]" in body  # citation markers still read as markers
    assert "## References" in text and "https://" in text.split("## References")[1]  # the sources' links stay


# --- 7. Gradio's CORS follows the allowlist ------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/config", "/gradio_api/info", "/api/health"])
def test_cors_allowlist_covers_gradio_routes(client, path):
    for origin in ("http://localhost:1234", "http://127.0.0.1:9", "null", "http://evil.example"):
        response = client.get(path, headers={"Origin": origin})
        assert "access-control-allow-origin" not in response.headers, origin
        assert "access-control-allow-credentials" not in response.headers
    assert client.get(path, headers={"Origin": PORTAL}).headers["access-control-allow-origin"] == PORTAL
    preflight = {"Origin": "http://localhost:5173", "Access-Control-Request-Method": "POST"}
    refused = client.options("/gradio_api/call/ask", headers=preflight)
    assert refused.status_code == 400 and "access-control-allow-origin" not in refused.headers


def test_key_mode_behind_a_path_prefix(settings, assistant):
    config = WebConfig.from_settings(settings, api_key=KEY, root_path="/study")
    c = TestClient(create_app(settings, assistant, config), root_path="/study", follow_redirects=False)
    assert c.get("/", headers={"Accept": "text/html"}).headers["location"] == "/study/login?next=/"
    assert 'action="/study/login"' in c.get("/login").text
    ok = c.post("/login", data={"key": KEY, "next": "/"})
    assert ok.headers["location"] == "/study/" and "Path=/study;" in ok.headers["set-cookie"]
    session = {"Cookie": ok.headers["set-cookie"].split(";")[0]}
    c.cookies.clear()
    assert c.get("/config", headers=session).status_code == 200
    docs = c.get("/docs", headers=session).text
    assert "/study/docs-assets/swagger-ui-bundle.js" in docs and "/study/openapi.json" in docs
