"""Turns the corpus (and user-supplied report files) into a persistent vector store."""

from core import offline as _offline  # noqa: F401  (must run before heavy imports)
