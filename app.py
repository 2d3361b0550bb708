"""The web face's entry point: the Gradio chat mounted in a FastAPI app that also serves the portal API.

Run with ``make run`` (or ``python app.py``); it binds 127.0.0.1:7860 unless settings say otherwise.
Everything lives in the ``web`` package; this module only composes it.
"""

from __future__ import annotations

import sys

from core import offline as _offline  # noqa: F401  (before gradio/chroma/HF imports)

from assistant.service import Assistant
from core.settings import get_settings
from index.store import IndexMissing
from web.config import WebConfig
from web.server import create_app, serve

__all__ = ["create_app", "main"]


def main() -> int:
    settings = get_settings()
    try:
        assistant = Assistant(settings)
    except IndexMissing as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    serve(settings, assistant, WebConfig.from_settings(settings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
