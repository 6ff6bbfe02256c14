"""Reranking the chunks a search found: a cross-encoder on this machine (a folder named by
``HUB_RAG_CROSS_ENCODER``), or a rerank model of the workspace through the pipeline's
``rerank`` (routed, budgeted and recorded with source ``rag``)."""

from __future__ import annotations

import functools
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from asgiref.sync import async_to_sync
from django.conf import settings

from rag.embedding import EmbeddingFailed
from rag.models import CROSS_ENCODER
from routing.pipeline import rerank
from routing.pipeline.errors import ApiError
from workspaces.access import Actor

if TYPE_CHECKING:
    from sentence_transformers import CrossEncoder

_load_lock = threading.Lock()
_predict_lock = threading.Lock()


class RerankFailed(EmbeddingFailed):
    """The reranker gave no scores; ``str()`` says why, ``status`` what an API caller gets."""


class Reranker(Protocol):
    def scores(self, query: str, texts: Sequence[str]) -> list[float]:
        """One relevance score per text, higher is better."""
        ...


@functools.cache
def _cross_encoder(path: str) -> CrossEncoder:
    from sentence_transformers import CrossEncoder  # torch: seconds to import

    return CrossEncoder(path, device="cpu")


class CrossEncoderReranker:
    def __init__(self, path: str) -> None:
        if not path:
            raise RerankFailed(
                "No cross-encoder is configured (HUB_RAG_CROSS_ENCODER).", status=400
            )
        self.path = path

    def scores(self, query: str, texts: Sequence[str]) -> list[float]:
        with _load_lock:
            try:
                model = _cross_encoder(self.path)
            except (OSError, ValueError) as error:
                raise RerankFailed(
                    f"The cross-encoder in {self.path} cannot be loaded ({error})."
                ) from error
        with _predict_lock:
            predicted = model.predict([(query, text) for text in texts], show_progress_bar=False)
        return [float(score) for score in predicted]


class PipelineReranker:
    def __init__(self, *, actor: Actor, model: str) -> None:
        self.actor = actor
        self.model = model

    def scores(self, query: str, texts: Sequence[str]) -> list[float]:
        body = {"model": self.model, "query": query, "documents": list(texts)}
        try:
            result = async_to_sync(rerank)(actor=self.actor, body=body)
        except ApiError as error:
            raise RerankFailed(f"{self.model}: {error.message}", status=error.status) from error
        scores = [float("-inf")] * len(texts)
        for item in result.get("results") or []:
            index = item.get("index")
            if isinstance(index, int) and 0 <= index < len(texts):
                scores[index] = float(item.get("relevance_score") or 0.0)
        return scores


def reranker_for(*, name: str, actor: Actor) -> Reranker | None:
    """A collection's reranker: none, the local cross-encoder, or a workspace model."""
    if not name:
        return None
    if name == CROSS_ENCODER:
        return CrossEncoderReranker(settings.HUB_RAG_CROSS_ENCODER)
    return PipelineReranker(actor=actor, model=name)
