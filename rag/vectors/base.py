"""What every vector store of the hub offers, and the types its searches take and give."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

import numpy as np

from rag.keywords import SparseVector
from rag.models import Collection, Fusion
from rag.vectors.fusion import distribution_based_fusion, reciprocal_rank_fusion


class Retriever(StrEnum):
    HYBRID = "hybrid"
    DENSE = "dense"
    KEYWORD = "keyword"


@dataclass(frozen=True)
class VectorQuery:
    dense: np.ndarray | None  # unit length; None for a keyword-only search
    keywords: SparseVector
    limit: int
    candidates: int  # how many each retriever brings to the fusion
    retriever: Retriever = Retriever.HYBRID


@dataclass
class ScoredChunk:
    """A chunk as a search found it: its score and rank from each retriever that found it
    (1-based; None where that retriever did not), the fused score, and the reranker's score
    (results are ordered by it when there is one, else by the fused score)."""

    chunk_id: int
    score: float
    dense_score: float | None = None
    dense_rank: int | None = None
    keyword_score: float | None = None
    keyword_rank: int | None = None
    rerank_score: float | None = None  # set when a reranker ordered the results


@dataclass(frozen=True)
class IndexedChunk:
    chunk_id: int
    document_id: int
    dense: np.ndarray
    keywords: SparseVector


class VectorStore(Protocol):
    """Every read and write is of one collection, and filtered by its workspace and id."""

    def chunks_added(self, collection: Collection, chunks: list[IndexedChunk]) -> None: ...

    def chunks_removed(self, collection: Collection, chunk_ids: list[int]) -> None: ...

    def collection_dropped(self, collection: Collection) -> None: ...

    def search(self, collection: Collection, query: VectorQuery) -> list[ScoredChunk]: ...


def fused_order(
    collection: Collection,
    dense: list[tuple[int, float]],
    keyword: list[tuple[int, float]],
    query: VectorQuery,
) -> list[ScoredChunk]:
    """The chunks of both rankings with their scores, ordered by the collection's fusion
    (or by the one retriever a single-retriever query asked for)."""
    found: dict[int, ScoredChunk] = {}
    for rank, (chunk_id, score) in enumerate(dense, start=1):
        found[chunk_id] = ScoredChunk(chunk_id, 0.0, dense_score=score, dense_rank=rank)
    for rank, (chunk_id, score) in enumerate(keyword, start=1):
        hit = found.setdefault(chunk_id, ScoredChunk(chunk_id, 0.0))
        hit.keyword_score, hit.keyword_rank = score, rank
    if query.retriever == Retriever.DENSE:
        fused = dict(dense)
    elif query.retriever == Retriever.KEYWORD:
        fused = dict(keyword)
    elif collection.fusion == Fusion.DBSF:
        fused = distribution_based_fusion([dense, keyword])
    else:
        fused = reciprocal_rank_fusion([dense, keyword])
    for chunk_id, score in fused.items():
        found[chunk_id].score = score
    ordered = sorted((found[c] for c in fused), key=lambda hit: (-hit.score, hit.chunk_id))
    return ordered[: query.limit]
