"""Bad inputs against a live local server, as a Markdown table (input -> status -> behaviour).

    python bench/bad_inputs.py                 # starts the app here, with an API key, on a loopback port
    python bench/bad_inputs.py --url http://127.0.0.1:7860 --api-key KEY

Covers every public route: the access gate (no key, wrong key, login form), POST /api/ask, the other
/api/* routes, /docs, and Gradio's routes (/, /config, every route that calls /ask: call, call/v2, run
and api; queue/join; file=; CORS). Exits 1 if any row's status is not the expected one, or any answer is a 5xx. The table in
docs/security.md is this script's output.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.load_test import loopback_target  # noqa: E402

ZW = "\u200b\u200c\u2060\ufeff"
RAA_Q = "When was the Reciprocal Access Agreement signed?"


def _gate_cases(add, k: dict) -> None:
    """The access gate: no key, wrong key, login form."""
    add("GET /", "browser, no key", "GET", "/", 303, headers={"Accept": "text/html"})
    add("GET /", "API client, no key", "GET", "/", 401)
    add("GET /config", "no key", "GET", "/config", 401)
    add("GET /gradio_api/info", "no key", "GET", "/gradio_api/info", 401)
    add("POST /gradio_api/call/ask", f'no key, `{{"data": ["{RAA_Q[:20]}…"]}}`', "POST", "/gradio_api/call/ask", 401,
        json_body={"data": [RAA_Q]})
    add("GET /docs", "no key", "GET", "/docs", 401)
    add("GET /openapi.json", "no key", "GET", "/openapi.json", 401)
    add("POST /api/ask", "no key", "POST", "/api/ask", 401, json_body={"question": RAA_Q})
    add("POST /api/ask", "wrong key", "POST", "/api/ask", 401, headers={"X-API-Key": "guess"},
        json_body={"question": RAA_Q})
    add("POST /api/ask", "no key, invalid JSON", "POST", "/api/ask", 401, content=b'{"question": ')
    add("POST /api/ask", "no key, 2 MB body", "POST", "/api/ask", 401, content=b"x" * 2_000_000)
    add("GET /api/events", "empty X-API-Key", "GET", "/api/events", 401, headers={"X-API-Key": ""})
    add("GET /api/health", "no key", "GET", "/api/health", 200)
    add("POST /login", "wrong key", "POST", "/login", 401, form={"key": "guess"})
    add("POST /login", "right key, `next=//evil.example/`", "POST", "/login", 303,
        form={"key": k["X-API-Key"], "next": "//evil.example/"})
    add("PUT /login", "wrong method", "PUT", "/login", 405)
    add("POST /login", "10 KB form", "POST", "/login", 413, content=b"key=" + b"x" * 10_000,
        headers={"Content-Type": "application/x-www-form-urlencoded"})
    add("GET /gradio_api/call/ask/x", "event stream, no key", "GET", "/gradio_api/call/ask/abc", 401)


def _ask_cases(add, k: dict) -> None:
    """POST /api/ask, with the key."""
    for shown, body, expect in [
        ("`{}`", {}, 422),
        ('`{"question": 42}`', {"question": 42}, 422),
        ('`{"question": ""}`', {"question": ""}, 422),
        ('`{"question": "   "}`', {"question": "   "}, 422),
        ("question of zero-width characters only", {"question": ZW}, 422),
        ("question of 2,001 characters", {"question": "x" * 2001}, 422),
        ('`"history": "no"`', {"question": "hi", "history": "no"}, 422),
        ('`"history": ["hello"]`', {"question": "hi", "history": ["hello"]}, 422),
        ('history role `system`', {"question": "hi", "history": [{"role": "system", "content": "x"}]}, 422),
        ("51 history messages", {"question": "hi", "history": [{"role": "user", "content": "x"}] * 51}, 422),
        ('`"stream": "yes"`', {"question": "hi", "stream": "yes"}, 422),
        ('`"filters": {"year_from": "soon"}`', {"question": "hi", "filters": {"year_from": "soon"}}, 422),
        ("year_from after year_to", {"question": "hi", "filters": {"year_from": 2020, "year_to": 2010}}, 422),
        ('`"filters": {"chapter": "9.9"}`', {"question": "hi", "filters": {"chapter": "9.9"}}, 422),
        ('`"filters": {"category": "bogus"}`', {"question": "hi", "filters": {"category": "bogus"}}, 422),
        ('`"filters": {"colour": "red"}`', {"question": "hi", "filters": {"colour": "red"}}, 422),
        ('`"backend": "gpt-9"`', {"question": "hi", "backend": "gpt-9"}, 422),
        ('`"temperature": 2`', {"question": "hi", "temperature": 2}, 422),
        ('`["not", "an", "object"]`', ["not", "an", "object"], 422),
    ]:
        add("POST /api/ask", shown, "POST", "/api/ask", expect, headers=k, json_body=body)
    add("POST /api/ask", "invalid JSON", "POST", "/api/ask", 422, headers=k, content=b'{"question": ')
    add("POST /api/ask", "300 KB body", "POST", "/api/ask", 413, headers=k,
        content=b'{"question": "' + b"x" * 300_000 + b'"}')
    for method in ("GET", "PUT", "DELETE"):
        add(f"{method} /api/ask", "wrong method", method, "/api/ask", 405, headers=k)
    add("POST /api/health", "wrong method", "POST", "/api/health", 405, headers=k)


def _api_cases(add, k: dict) -> None:
    """The other /api/* routes."""
    for shown, query in [("`category=battle`", "category=battle"), ("`from=2016-13`", "from=2016-13"),
                         ("`from=last year`", "from=last%20year"), ("`from=2020&to=2019`", "from=2020&to=2019")]:
        add("GET /api/events", shown, "GET", f"/api/events?{query}", 422, headers=k)
    add("GET /api/chapters/{id}", "`9.9`", "GET", "/api/chapters/9.9", 404, headers=k)
    add("GET /api/chapters/{id}", "`..%2F..%2Fetc%2Fpasswd`", "GET", "/api/chapters/..%2F..%2Fetc%2Fpasswd", 404,
        headers=k)
    add("GET /api/chapters/{id}", "id of 5,000 characters", "GET", "/api/chapters/" + "9" * 5000, 404, headers=k)
    add("GET /api/nothing", "unknown API path", "GET", "/api/nothing", 404, headers=k)


def _gradio_cases(add, k: dict) -> None:
    """Gradio's /ask (POST /gradio_api/call/ask, then its event stream)."""
    for shown, data in [("`[]` (no arguments)", []), ("`[42]`", [42]), ('`["   "]`', ["   "]),
                        ("zero-width characters only", [ZW]), ('`["hi", "hello"]` (history)', ["hi", "hello"]),
                        ('`["hi", ["hello"]]`', ["hi", ["hello"]]),
                        ("51 history messages", ["hi", [{"role": "user", "content": "x"}] * 51]),
                        ('`["hi", [], {"category": "bogus"}]`', ["hi", [], {"category": "bogus"}]),
                        ('`["hi", [], "no"]` (filters)', ["hi", [], "no"]),
                        ('`["hi", [], null, "gpt-9"]`', ["hi", [], None, "gpt-9"])]:
        add("POST /gradio_api/call/ask", shown, "POST", "/gradio_api/call/ask", 200, headers=k,
            json_body={"data": data}, gradio=True)
    add("POST /gradio_api/call/ask", "5 arguments", "POST", "/gradio_api/call/ask", 422, headers=k,
        json_body={"data": ["hi", [], None, None, "x"]})
    add("POST /gradio_api/call/v2/ask", "`{}` (keyword arguments)", "POST", "/gradio_api/call/v2/ask", 200,
        headers=k, json_body={}, gradio=True)
    add("POST /gradio_api/call/v2/ask", '`{"q": 1}`', "POST", "/gradio_api/call/v2/ask", 422, headers=k,
        json_body={"q": 1})
    for route in ("run", "api"):
        add(f"POST /gradio_api/{route}/ask", "`[]`", "POST", f"/gradio_api/{route}/ask", 422, headers=k,
            json_body={"data": []})
        add(f"POST /gradio_api/{route}/ask", '`["hi", "hello"]`', "POST", f"/gradio_api/{route}/ask", 422,
            headers=k, json_body={"data": ["hi", "hello"]})
    add("POST /gradio_api/run/ask", "300 KB body", "POST", "/gradio_api/run/ask", 413, headers=k,
        content=b'{"data": ["' + b"x" * 300_000 + b'"]}')
    add("POST /gradio_api/call/ask", "300 KB body", "POST", "/gradio_api/call/ask", 413, headers=k,
        content=b'{"data": ["' + b"x" * 300_000 + b'"]}')
    add("POST /gradio_api/call/ask", "25,000 history items", "POST", "/gradio_api/call/ask", 413, headers=k,
        json_body={"data": [RAA_Q, [{"role": "user", "content": "hello"}] * 25_000]})
    add("POST /gradio_api/call/ask", "invalid JSON", "POST", "/gradio_api/call/ask", 422, headers=k,
        content=b'{"data": [')
    add("POST /gradio_api/call/ask", '`{"data": "x"}`', "POST", "/gradio_api/call/ask", 422, headers=k,
        json_body={"data": "x"})
    add("POST /gradio_api/queue/join", "2 MB body", "POST", "/gradio_api/queue/join", 413, headers=k,
        content=b"x" * 2_000_000)
    add("GET /gradio_api/file=…", "`/etc/passwd`", "GET", "/gradio_api/file=/etc/passwd", 403, headers=k)


def _cors_cases(add, k: dict) -> None:
    """CORS (no allowlist configured) and docs."""
    add("OPTIONS /gradio_api/call/ask", "preflight from `http://localhost:5173`", "OPTIONS", "/gradio_api/call/ask",
        400, headers={"Origin": "http://localhost:5173", "Access-Control-Request-Method": "POST"})
    add("GET /config", "`Origin: http://localhost:1234`, with key", "GET", "/config", 200,
        headers={**k, "Origin": "http://localhost:1234"})
    add("GET /redoc", "ReDoc (off)", "GET", "/redoc", 404, headers=k)
    add("GET /docs-assets/…", "`../web/server.py`", "GET", "/docs-assets/..%2F..%2Fweb%2Fserver.py", 404, headers=k)


def cases(key: str) -> list[dict]:
    """Each case: route, input (as shown), the request, the status expected."""
    k = {"X-API-Key": key}
    out: list[dict] = []

    def add(route, shown, method, path, expect, *, headers=None, json_body=None, content=None, form=None,
            gradio=False):
        out.append(dict(route=route, shown=shown, method=method, path=path, expect=expect, headers=headers or {},
                        json=json_body, content=content, form=form, gradio=gradio))
    for section in (_gate_cases, _ask_cases, _api_cases, _gradio_cases, _cors_cases):
        section(add, k)
    return out


def _gradio_outcome(http, response, path: str, headers: dict) -> str:
    event_id = response.json()["event_id"]
    text = http.get(f"{path}/{event_id}", headers=headers).text
    blocks = [b for b in text.strip().split("\n\n") if "event:" in b and "heartbeat" not in b]
    fields = dict(line.split(": ", 1) for line in blocks[-1].splitlines() if ": " in line)
    data = json.loads(fields["data"])
    if fields["event"] == "error":
        message = data.get("error") if isinstance(data, dict) else data
        return f"event: error — {message}"
    return f"event: {fields['event']}"


def behaviour(http, case: dict, response) -> str:
    h = response.headers
    if case["gradio"] and response.status_code == 200:
        return _gradio_outcome(http, response, case["path"], case["headers"])
    if response.status_code in (301, 302, 303, 307):
        extra = " (session cookie set)" if "set-cookie" in h else ""
        return f"redirect to `{h['location']}`{extra}"
    if case["method"] == "OPTIONS":
        return "no Access-Control-Allow-Origin" if "access-control-allow-origin" not in h else \
            f"allowed: {h['access-control-allow-origin']}"
    if "origin" in {k.lower() for k in case["headers"]}:
        return "answered; no Access-Control-Allow-Origin" if "access-control-allow-origin" not in h else \
            f"Access-Control-Allow-Origin: {h['access-control-allow-origin']}"
    if h.get("content-type", "").startswith("application/json"):
        data = response.json()
        if isinstance(data, dict) and "detail" in data:
            detail = data["detail"] if isinstance(data["detail"], str) else json.dumps(data["detail"])
            extra = f" (Allow: {h['allow']})" if "allow" in h else ""
            return detail[:110] + ("…" if len(detail) > 110 else "") + extra
        return "`" + json.dumps(data)[:60] + "`"
    if h.get("content-type", "").startswith("text/html"):
        return "HTML: " + ("login form" if "sign in" in response.text.lower() else "page") + \
            (", “did not match”" if "did not match" in response.text else "")
    return response.text[:80] or "(empty)"


def run(url: str, key: str) -> tuple[list[dict], int]:
    import httpx

    rows, failures = [], 0
    with httpx.Client(base_url=url, timeout=60, follow_redirects=False) as http:
        for case in cases(key):
            kwargs = {"headers": case["headers"]}
            if case["json"] is not None:
                kwargs["json"] = case["json"]
            elif case["content"] is not None:
                kwargs["content"] = case["content"]
                kwargs["headers"] = {"Content-Type": "application/json", **case["headers"]}
            elif case["form"] is not None:
                kwargs["data"] = case["form"]
            response = http.request(case["method"], case["path"], **kwargs)
            http.cookies.clear()
            outcome = behaviour(http, case, response)
            ok = response.status_code == case["expect"] and response.status_code < 500
            if case["gradio"]:
                ok = ok and outcome.startswith("event: error")
            failures += not ok
            rows.append({"route": case["route"], "input": case["shown"], "status": response.status_code,
                         "behaviour": outcome, "ok": ok,
                         "headers": all(k in response.headers for k in ("x-content-type-options",
                                                                         "content-security-policy"))})
    return rows, failures


def markdown(rows: list[dict]) -> str:
    lines = ["| # | route | input | status | behaviour |", "| --- | --- | --- | --- | --- |"]
    for i, r in enumerate(rows, start=1):
        text = r["behaviour"].replace("|", "\\|").replace("\n", " ")
        lines.append(f"| {i} | `{r['route']}` | {r['input']} | {r['status']} | {text}"
                     f"{'' if r['ok'] else ' **(unexpected)**'} |")
    return "\n".join(lines)


def start_local_server(key: str):
    from core import offline as _offline  # noqa: F401

    from assistant.service import Assistant
    from core.settings import get_settings
    from web.config import WebConfig
    from web.server import ServerThread, create_app

    settings = get_settings()
    config = WebConfig.from_settings(settings, api_key=key, cors_origins=[])
    return ServerThread(create_app(settings, Assistant(settings), config)).start()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a running server with an API key (loopback only); default: start one here")
    parser.add_argument("--api-key", default="bad-inputs-key", help="its key (default: the one used when started here)")
    args = parser.parse_args(argv)
    with loopback_target(parser, args.url, lambda: start_local_server(args.api_key)) as url:
        rows, failures = run(url, args.api_key)
    print(markdown(rows))
    missing = sum(not r["headers"] for r in rows)
    print(f"\n{len(rows)} inputs, {len(rows) - failures} as expected, {failures} unexpected; "
          f"security headers on {len(rows) - missing} of {len(rows)} responses.")
    return 0 if failures == 0 and missing == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
