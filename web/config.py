"""Web-face options, taken from the one settings object; tests build a :class:`WebConfig` directly."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from assistant.llm import available_backends
from core.settings import Settings

MAX_BODY_BYTES = 256 * 1024  # a question is at most 2,000 characters; history adds a little
MAX_UI_BODY_BYTES = 1024 * 1024  # the other Gradio routes: the chat's event payloads carry the visible chat
_KEYWORDS = {"'self'", "'none'"}
_SOURCE = re.compile(r"^(https?://)(\*\.)?[a-z0-9.-]+(:(\d{1,5}|\*))?$", re.I)


def _secret(value) -> str | None:
    if value is None:
        return None
    if hasattr(value, "get_secret_value"):  # pydantic SecretStr
        value = value.get_secret_value()
    value = str(value).strip()
    return value or None


def _origins(value) -> tuple[str, ...]:
    """A list, a JSON list or a comma-separated string of origins."""
    if not value:
        return ()
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            value = json.loads(text)
        else:
            value = text.split(",")
    return tuple(o.strip().rstrip("/") for o in value if o and o.strip())


def frame_ancestors(value) -> tuple[str, ...]:
    """CSP frame-ancestors sources: a list, a JSON list, or a comma- or space-separated string of
    ``'self'``, ``'none'`` and origins (``https://portal.example.org``, ``https://*.example.org``).
    Anything else is refused, so a value cannot inject other CSP directives."""
    if value is None or value == "" or value == []:
        return ("'self'",)
    if isinstance(value, str):
        text = value.strip()
        items = json.loads(text) if text.startswith("[") else re.split(r"[\s,]+", text)
    else:
        items = list(value)
    out = []
    for item in items:
        item = str(item).strip().rstrip("/")
        if not item:
            continue
        if item.lower() in ("self", "none"):
            item = f"'{item.lower()}'"
        if item.lower() not in _KEYWORDS and not _SOURCE.match(item):
            raise ValueError(f"STUDY_FRAME_ANCESTORS: {item[:60]!r} is not 'self', 'none' or an http(s) origin")
        out.append(item.lower() if item.lower() in _KEYWORDS else item)
    if not out:
        return ("'self'",)
    if "'none'" in out and len(out) > 1:
        raise ValueError("STUDY_FRAME_ANCESTORS: 'none' cannot be combined with other sources")
    return tuple(dict.fromkeys(out))


@dataclass(frozen=True)
class WebConfig:
    host: str = "127.0.0.1"
    port: int = 7860
    root_path: str = ""
    cors_origins: tuple[str, ...] = ()
    api_key: str | None = None
    ui_username: str | None = None
    ui_password: str | None = None
    backends: tuple[str, ...] = ("extractive",)
    default_backend: str = "extractive"
    max_body_bytes: int = MAX_BODY_BYTES
    max_ui_body_bytes: int = MAX_UI_BODY_BYTES
    frame_ancestors: tuple[str, ...] = ("'self'",)
    ui_concurrency: int = 4
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_settings(cls, settings: Settings, **overrides) -> "WebConfig":
        backends = available_backends(settings)
        default = settings.llm.backend if settings.llm.backend in backends else "extractive"
        values = dict(
            host=settings.web.host,
            port=settings.web.port,
            root_path=settings.web.root_path.rstrip("/"),
            cors_origins=_origins(settings.web.cors_origins),
            api_key=_secret(settings.web.api_key),
            ui_username=settings.web.ui_username,
            ui_password=_secret(settings.web.ui_password),
            backends=backends,
            default_backend=default,
            frame_ancestors=frame_ancestors(settings.web.frame_ancestors),
        )
        values.update(overrides)
        if "cors_origins" in overrides:
            values["cors_origins"] = _origins(overrides["cors_origins"])
        if "frame_ancestors" in overrides:
            values["frame_ancestors"] = frame_ancestors(overrides["frame_ancestors"])
        if "api_key" in overrides:
            values["api_key"] = _secret(overrides["api_key"])
        return cls(**values)

    @property
    def ui_auth(self) -> tuple[str, str] | None:
        if self.ui_username and self.ui_password:
            return (self.ui_username, self.ui_password)
        return None

