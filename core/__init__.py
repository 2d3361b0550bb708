"""The ground floor: settings, the offline environment, the domain model, text utilities and the Chroma
metadata codec. No I/O beyond reading settings, and no import of app, web, assistant or index, so every
other package can build on it."""

from core import offline as _offline  # noqa: F401  (must run before Hugging Face, Chroma or Gradio import)
