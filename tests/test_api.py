"""The portal API over HTTP: FastAPI's TestClient, a real uvicorn server on a loopback port (one per
module), server-sent events, filters, every 4xx, the API key, CORS, and gradio_client."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from fastapi.testclient import TestClient

from web.config import WebConfig
from web.server import create_app
from tests.conftest import serving

RAA_Q = "When was the Reciprocal Access Agreement signed?"
RAA = "2024-07-08-raa-signed"
PORTAL = "http://portal.example"
CONTRACT = {"question", "answer", "refused", "backend", "notice", "standalone_question", "answer_type", "citations", "retrieved",
            "timings_ms"}


@pytest.fixture(scope="module")
def config(settings) -> WebConfig:
    return WebConfig.from_settings(settings, cors_origins=[PORTAL])


@pytest.fixture(scope="module")
def client(settings, assistant, config):
    return TestClient(create_app(settings, assistant, config))


@pytest.fixture(scope="module")
def server(settings, assistant, config):
    with serving(create_app(settings, assistant, config)) as running:
        yield running


@pytest.fixture(scope="module")
def http(server):
    with httpx.Client(base_url=server.url, timeout=60) as c:
        yield c


def sse_events(text: str) -> list[tuple[str, dict]]:
    events = []
    for block in text.strip().split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
        events.append((fields["event"], json.loads(fields["data"])))
    return events


# --- over a real server ----------------------------------------------------------------------------


def test_health_over_http(http):
    data = http.get("/api/health").json()
    assert data["status"] == "ok" and data["events"] == 152 and data["chapters"] == 9
    assert "extractive" in data["backends"]


def test_ask_returns_the_json_contract(http, assistant):
    response = http.post("/api/ask", json={"question": RAA_Q})
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/json")
    data = response.json()
    assert set(data) == CONTRACT and data["citations"][0]["ref"] == RAA and data["citations"][0]["marker"] == "[1]"
    expected = assistant.ask(RAA_Q).to_dict()
    assert data["answer"] == expected["answer"] and data["citations"] == expected["citations"]


def test_ask_with_history_resolves_a_follow_up(http):
    history = [{"role": "user", "content": RAA_Q},
               {"role": "assistant", "content": "8 July 2024: Japan and the Philippines sign the RAA [1]."}]
    data = http.post("/api/ask", json={"question": "And when did it enter into force?", "history": history}).json()
    assert "11 September 2025" in data["answer"] and data["standalone_question"]


def test_streaming_sends_deltas_then_the_answer(http):
    with http.stream("POST", "/api/ask", json={"question": RAA_Q, "stream": True}) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        text = "".join(response.iter_text())
    events = sse_events(text)
    kinds = [k for k, _ in events]
    assert kinds[-1] == "answer" and kinds[:-1] and set(kinds[:-1]) == {"delta"}
    draft = "".join(d["text"] for k, d in events if k == "delta")
    final = events[-1][1]
    assert set(final) == CONTRACT and final["citations"][0]["ref"] == RAA
    assert draft.strip() == final["answer"].strip()


def test_streaming_an_invalid_question_is_a_plain_4xx(http):
    response = http.post("/api/ask", json={"question": "   ", "stream": True})
    assert response.status_code == 422 and "empty" in response.json()["detail"]


def test_filters_narrow_retrieval(http):
    data = http.post("/api/ask", json={"question": "What did the ministers agree?",
                                       "filters": {"category": "ministerial", "year_from": 2022, "year_to": 2023}}).json()
    events = [s for s in data["retrieved"] if s["kind"] == "event"]
    assert events and all(s["category"] == "ministerial" and s["date"][:4] in ("2022", "2023") for s in events)
    data = http.post("/api/ask", json={"question": "What does the study say about radars?",
                                       "filters": {"chapters": ["4.3"]}}).json()
    assert all(s["chapter"] == "4.3" for s in data["retrieved"] if s["kind"] == "chapter")
    data = http.post("/api/ask", json={"question": "Which meetings took place?",
                                       "filters": {"actor": "Fumio Kishida"}}).json()
    assert all("Fumio Kishida" in s["actors"] for s in data["retrieved"] if s["kind"] == "event")


def test_concurrent_requests_all_succeed(server):
    def ask(i):
        with httpx.Client(base_url=server.url, timeout=60) as c:
            return c.post("/api/ask", json={"question": f"What happened in {2014 + i % 10}?"}).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(ask, range(16))) == [200] * 16


def test_gradio_client_calls_the_named_ask_endpoint(server):
    from gradio_client import Client

    gc = Client(server.url + "/", verbose=False)
    assert "/ask" in gc.view_api(print_info=False, return_format="dict")["named_endpoints"]
    data = gc.predict(RAA_Q, api_name="/ask")
    assert data["citations"][0]["ref"] == RAA and "8 July 2024" in data["answer"]
    data = gc.predict("What did the ministers agree?", [], {"category": "ministerial", "year_from": 2022}, "extractive",
                      api_name="/ask")
    assert all(s["category"] == "ministerial" for s in data["retrieved"] if s["kind"] == "event")
    with pytest.raises(Exception, match="empty"):
        gc.predict("   ", api_name="/ask")


# --- events and chapters -----------------------------------------------------------------------------------


def test_events_with_filters(client):
    everything = client.get("/api/events").json()
    assert everything["count"] == len(everything["events"]) == 152
    keys = {"id", "date", "display_date", "title", "category", "summary", "actors", "chapters", "sources", "related",
            "confidence", "note"}
    assert set(everything["events"][0]) == keys
    dates = [e["date"] for e in everything["events"]]
    assert dates == sorted(dates)
    two = client.get("/api/events", params=[("category", "agreement"), ("category", "summit")]).json()
    assert two["count"] and {e["category"] for e in two["events"]} == {"agreement", "summit"}
    marcos = client.get("/api/events", params={"actor": "MARCOS"}).json()
    assert marcos["count"] and all(any("marcos" in a.lower() for a in e["actors"]) for e in marcos["events"])
    period = client.get("/api/events", params={"from": "2016-05", "to": "2016-10-26"}).json()
    assert period["count"] and all("2016-05" <= e["date"] <= "2016-10-26" for e in period["events"])
    assert client.get("/api/events", params={"from": "2019", "to": "2019"}).json()["count"] > 0
    assert client.get("/api/events", params={"category": "agreement", "actor": "nobody at all"}).json()["count"] == 0


@pytest.mark.parametrize("params, message", [
    ({"from": "2016-13"}, "not a valid date"),
    ({"from": "last year"}, "not a year or an ISO date"),
    ({"from": "2020", "to": "2019"}, "after"),
    ({"category": "battle"}, "is not one of"),
])
def test_events_bad_filters_are_422(client, params, message):
    response = client.get("/api/events", params=params)
    assert response.status_code == 422 and message in response.json()["detail"]


def test_chapters(client, settings):
    chapters = client.get("/api/chapters").json()["chapters"]
    assert [c["id"] for c in chapters] == sorted((p.stem for p in (settings.index.corpus_dir / "chapters").glob("*.md")),
                                                  key=lambda i: [int(x) for x in i.split(".")])
    one = client.get("/api/chapters/4.3").json()
    assert one["title"].startswith("Defense equipment") and one["sections"][1]["heading"]
    assert one["events"] and any(p["events"] for s in one["sections"] for p in s["paragraphs"])
    missing = client.get("/api/chapters/9.9")
    assert missing.status_code == 404 and "unknown chapter '9.9'" in missing.json()["detail"]
    assert "4.3" in missing.json()["detail"]


# --- bad requests ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("body, message", [
    ({}, "question: Field required"),
    ({"question": 42}, "question: Input should be a valid string"),
    ({"question": ""}, "question: String should have at least 1 character"),
    ({"question": "   "}, "question: the question is empty"),
    ({"question": "x" * 2001}, "at most 2000 characters"),
    ({"question": "hi", "history": "no"}, "history: Input should be a valid list"),
    ({"question": "hi", "history": [{"role": "system", "content": "x"}]}, "history.0.role"),
    ({"question": "hi", "history": [{"role": "user", "content": "x"}] * 51}, "history: List should have at most 50"),
    ({"question": "hi", "stream": "yes"}, "stream: Input should be a valid boolean"),
    ({"question": "hi", "filters": {"year_from": "soon"}}, "filters.year_from"),
    ({"question": "hi", "filters": {"year_from": 2020, "year_to": 2010}}, "after year_to"),
    ({"question": "hi", "filters": {"chapter": "9.9"}}, "unknown chapter"),
    ({"question": "hi", "filters": {"category": "bogus"}}, "filters.category: 'bogus' is not one of"),
    ({"question": "\u200b\u200b"}, "question: the question is empty"),
    ({"question": "hi", "filters": {"colour": "red"}}, "filters.colour: unknown field"),
    ({"question": "hi", "backend": "gpt-9"}, "backend 'gpt-9' is unknown or not available"),
    ({"question": "hi", "temperature": 2}, "temperature: unknown field"),
    (["not", "an", "object"], "JSON object"),
])
def test_bad_requests_get_a_clear_422(client, body, message):
    response = client.post("/api/ask", json=body)
    assert response.status_code == 422, response.text
    assert message in response.json()["detail"]


def test_malformed_and_oversized_bodies(client):
    response = client.post("/api/ask", content=b'{"question": ', headers={"content-type": "application/json"})
    assert response.status_code == 422 and "not valid JSON" in response.json()["detail"]
    response = client.post("/api/ask", content=b"x" * 300_000, headers={"content-type": "application/json"})
    assert response.status_code == 413 and "too large" in response.json()["detail"]


def test_oversized_body_over_a_real_socket(http):
    response = http.post("/api/ask", content=b'{"question": "' + b"x" * 400_000 + b'"}',
                         headers={"content-type": "application/json"})
    assert response.status_code == 413


# --- API key, CORS, docs, UI login ----------------------------------------------------------------------


def test_api_key_when_configured(settings, assistant):
    c = TestClient(create_app(settings, assistant, WebConfig.from_settings(settings, api_key="s3cret")))
    missing = c.post("/api/ask", json={"question": RAA_Q})
    assert missing.status_code == 401 and "X-API-Key" in missing.json()["detail"]
    assert missing.headers["www-authenticate"] == "X-API-Key"
    wrong = c.get("/api/events", headers={"X-API-Key": "guess"})
    assert wrong.status_code == 401 and "invalid API key" in wrong.json()["detail"]
    assert c.get("/api/health").json() == {"status": "ok"}  # public liveness only; details need the key
    assert c.get("/api/health", headers={"X-API-Key": "s3cret"}).json()["events"] == len(assistant.table.events())
    ok = c.post("/api/ask", json={"question": RAA_Q}, headers={"X-API-Key": "s3cret"})
    assert ok.status_code == 200 and ok.json()["citations"][0]["ref"] == RAA
    with c.stream("POST", "/api/ask", json={"question": RAA_Q, "stream": True}, headers={"X-API-Key": "s3cret"}) as r:
        assert r.status_code == 200 and sse_events(r.read().decode())[-1][0] == "answer"
    assert c.post("/api/ask", json={}, headers={"X-API-Key": "guess"}).status_code == 401  # the key is checked first
    assert c.get("/").status_code == 401 and c.get("/config").status_code == 401  # the UI is behind the key too
    assert c.get("/", headers={"X-API-Key": "s3cret"}).status_code == 200
    assert c.get("/openapi.json").status_code == 401
    schema = c.get("/openapi.json", headers={"X-API-Key": "s3cret"}).json()
    assert "APIKeyHeader" in schema["components"]["securitySchemes"]


def test_api_key_off_by_default(client):
    assert client.get("/api/health").status_code == 200
    assert "securitySchemes" not in client.get("/openapi.json").json().get("components", {})


def test_cors_allowlist(client):
    preflight = {"Origin": PORTAL, "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "content-type,x-api-key"}
    ok = client.options("/api/ask", headers=preflight)
    assert ok.status_code == 200 and ok.headers["access-control-allow-origin"] == PORTAL
    assert "x-api-key" in ok.headers["access-control-allow-headers"].lower()
    other = client.options("/api/ask", headers=dict(preflight, Origin="http://evil.example"))
    assert other.status_code == 400 and "access-control-allow-origin" not in other.headers
    simple = client.get("/api/health", headers={"Origin": PORTAL})
    assert simple.headers["access-control-allow-origin"] == PORTAL


def test_openapi_docs(client):
    assert client.get("/docs").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/ask", "/api/events", "/api/chapters", "/api/chapters/{chapter_id}", "/api/health"} <= set(paths)
    assert "text/event-stream" in paths["/api/ask"]["post"]["responses"]["200"]["content"]


def test_ui_login_when_configured(settings, assistant):
    config = WebConfig.from_settings(settings, ui_username="reader", ui_password="pw")
    c = TestClient(create_app(settings, assistant, config))
    assert c.get("/config").status_code == 401
    assert c.post("/login", data={"username": "reader", "password": "nope"}).status_code >= 400
    assert c.post("/login", data={"username": "reader", "password": "pw"}).status_code == 200
    assert c.get("/config").status_code == 200
    assert c.get("/api/health").status_code == 200  # the API has its own key, not the UI login


def test_root_path_is_advertised(settings, assistant):
    c = TestClient(create_app(settings, assistant, WebConfig.from_settings(settings, root_path="/study")),
                   root_path="/study")
    assert c.get("/openapi.json").json()["servers"] == [{"url": "/study"}]
    assert c.get("/api/health").json()["status"] == "ok"


def test_settings_fields_are_read_when_present(settings):
    extended = settings.model_copy()
    web = settings.web.model_copy()
    object.__setattr__(web, "api_key", "k")
    object.__setattr__(web, "cors_origins", "https://a.example, https://b.example/")
    object.__setattr__(extended, "web", web)
    config = WebConfig.from_settings(extended)
    assert config.api_key == "k" and config.cors_origins == ("https://a.example", "https://b.example")
    assert WebConfig.from_settings(settings).api_key is None and config.host == "127.0.0.1"
