"""The nested settings read every environment variable the flat ones did, and take flat keywords."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.settings import AREAS, FLAT_NAMES, Settings

# Every variable the README documents (and the less visible ones), with a value and where it lands.
ENVIRONMENT = {
    "STUDY_DATA_DIR": ("/tmp/d", "index.data_dir", Path("/tmp/d")),
    "STUDY_CORPUS_DIR": ("/tmp/c", "index.corpus_dir", Path("/tmp/c")),
    "STUDY_STUDY": ("other", "index.study", "other"),
    "STUDY_COLLECTION": ("coll", "index.collection", "coll"),
    "STUDY_PASSAGE_WORDS": ("99", "index.passage_words", 99),
    "STUDY_MAX_FILE_MB": ("2.5", "index.max_file_mb", 2.5),
    "STUDY_EMBEDDING_MODEL_PATH": ("/tmp/m", "index.embedding_model_path", Path("/tmp/m")),
    "CHROMA_HOST": ("10.0.0.1", "store.host", "10.0.0.1"),
    "CHROMA_PORT": ("9001", "store.port", 9001),
    "STUDY_TOP_K": ("3", "retrieval.top_k", 3),
    "STUDY_REFUSAL_THRESHOLD": ("0.3", "retrieval.refusal_threshold", 0.3),
    "STUDY_BACKEND": ("openai", "llm.backend", "openai"),
    "STUDY_LLM_MODEL_PATH": ("/tmp/x.gguf", "llm.model_path", Path("/tmp/x.gguf")),
    "STUDY_LLM_CONTEXT": ("1024", "llm.context", 1024),
    "STUDY_LLM_MAX_TOKENS": ("80", "llm.max_tokens", 80),
    "STUDY_LLM_TIMEOUT_S": ("5", "llm.timeout_s", 5.0),
    "STUDY_OPENAI_BASE_URL": ("http://h/v1", "openai.base_url", "http://h/v1"),
    "STUDY_OPENAI_MODEL": ("m", "openai.model", "m"),
    "STUDY_OPENAI_API_KEY": ("k", "openai.api_key", "k"),
    "STUDY_HOST": ("0.0.0.0", "web.host", "0.0.0.0"),
    "STUDY_PORT": ("8000", "web.port", 8000),
    "STUDY_ROOT_PATH": ("/study", "web.root_path", "/study"),
    "STUDY_CORS_ORIGINS": ('["https://a.example"]', "web.cors_origins", ["https://a.example"]),
    "STUDY_UI_USERNAME": ("reader", "web.ui_username", "reader"),
    "STUDY_FRAME_ANCESTORS": ("'none'", "web.frame_ancestors", "'none'"),
}


def _get(settings: Settings, dotted: str):
    area, field = dotted.split(".")
    return getattr(getattr(settings, area), field)


@pytest.mark.parametrize("variable", sorted(ENVIRONMENT))
def test_each_variable_lands_in_its_area(monkeypatch, variable):
    raw, dotted, expected = ENVIRONMENT[variable]
    monkeypatch.setenv(variable, raw)
    assert _get(Settings(_env_file=None), dotted) == expected


def test_secrets_stay_secret(monkeypatch):
    monkeypatch.setenv("STUDY_API_KEY", "s3cret")
    monkeypatch.setenv("STUDY_UI_PASSWORD", "pw")
    settings = Settings(_env_file=None)
    assert settings.web.api_key.get_secret_value() == "s3cret" and "s3cret" not in repr(settings)
    assert settings.web.ui_password.get_secret_value() == "pw"


def test_flat_keywords_and_updated_copies():
    settings = Settings(_env_file=None, data_dir="/tmp/x", top_k=4, chroma_host="h", llm_timeout_s=2)
    assert settings.index.data_dir == Path("/tmp/x") and settings.retrieval.top_k == 4
    assert settings.store.mode == "server" and settings.llm.timeout_s == 2.0
    other = settings.updated(study="other-study")
    assert other.index.study == "other-study" and settings.index.study != "other-study"
    with pytest.raises(ValueError, match="unknown setting"):
        Settings(_env_file=None, no_such_setting=1)


def test_every_field_is_described_and_has_one_flat_name():
    fields = [(area, name, info) for area, cls in AREAS.items() for name, info in cls.model_fields.items()]
    assert all(info.description for _, _, info in fields)
    assert len(FLAT_NAMES) == len(fields)
