"""Answers questions about the study from an index built by :mod:`index`."""

from core import offline as _offline  # noqa: F401  (must run before heavy imports)
