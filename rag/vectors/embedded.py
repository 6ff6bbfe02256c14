"""The embedded default's vector store: each searching process holds a collection's vectors
in memory, read from the chunks' rows, and searches them with numpy.

The database is the only shared state, so the web process and the ingestion worker of
``make run`` (or several web replicas) never contend for a lock on a store's folder. A
process rebuilds its copy of a collection when the collection's ``index_version`` has moved
since it loaded it, which costs a read of the collection's vectors (about a second per
100,000 chunks); past that size, or with replicas on several machines, use a Qdrant server.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from rag.keywords import SparseVector, inverse_document_frequency
from rag.models import Chunk, Collection
from rag.vectors.base import IndexedChunk, Retriever, ScoredChunk, VectorQuery, fused_order

READ_BATCH = 2000


@dataclass(frozen=True)
class LoadedCollection:
    """One collection's vectors: ``dense`` row i and the postings whose row is i belong to
    chunk ``chunk_ids[i]``; postings are sorted by term, one per (chunk, term)."""

    version: int
    chunk_ids: np.ndarray
    dense: np.ndarray
    terms: np.ndarray
    rows: np.ndarray
    weights: np.ndarray

    def dense_ranking(self, vector: np.ndarray, limit: int) -> list[tuple[int, float]]:
        if not len(self.chunk_ids) or vector.shape[0] != self.dense.shape[1]:
            return []
        return _top(self.dense @ vector, self.chunk_ids, limit)

    def keyword_ranking(self, keywords: SparseVector, limit: int) -> list[tuple[int, float]]:
        scores = np.zeros(len(self.chunk_ids), dtype=np.float32)
        starts = np.searchsorted(self.terms, keywords.indices, side="left")
        ends = np.searchsorted(self.terms, keywords.indices, side="right")
        frequencies = ends - starts
        idf = inverse_document_frequency(frequencies, len(self.chunk_ids))
        for start, end, weight in zip(starts, ends, idf, strict=True):
            if end > start:
                scores[self.rows[start:end]] += self.weights[start:end] * weight
        matched = np.flatnonzero(scores)
        return _top(scores[matched], self.chunk_ids[matched], limit)


def _top(scores: np.ndarray, ids: np.ndarray, limit: int) -> list[tuple[int, float]]:
    if len(scores) > limit:
        best = np.argpartition(-scores, limit - 1)[:limit]
    else:
        best = np.arange(len(scores))
    ordered = best[np.lexsort((ids[best], -scores[best]))]
    return [(int(ids[i]), float(scores[i])) for i in ordered]


def collection_load(collection: Collection) -> LoadedCollection:
    """Read the collection's vectors, filtered by its workspace and id in the query."""
    version = collection.index_version
    rows = (
        Chunk.objects.for_workspace(collection.workspace)
        .filter(collection_id=collection.pk)
        .order_by("id")
        .values_list("id", "dense", "sparse")
    )
    ids: list[int] = []
    dense: list[bytes] = []
    sparse: list[SparseVector] = []
    for chunk_id, vector, keywords in rows.iterator(chunk_size=READ_BATCH):
        ids.append(chunk_id)
        dense.append(bytes(vector))
        sparse.append(SparseVector.from_bytes(bytes(keywords)))
    dimension = collection.dimension or (len(dense[0]) // 4 if dense else 0)
    matrix = np.frombuffer(b"".join(dense), dtype=np.float32).reshape(len(ids), dimension)
    lengths = np.fromiter((len(s.indices) for s in sparse), dtype=np.int64, count=len(sparse))
    terms = np.concatenate([s.indices for s in sparse]) if sparse else np.zeros(0, np.uint32)
    weights = np.concatenate([s.values for s in sparse]) if sparse else np.zeros(0, np.float32)
    posting_rows = np.repeat(np.arange(len(ids), dtype=np.int32), lengths)
    order = np.argsort(terms, kind="stable")
    return LoadedCollection(
        version=version,
        chunk_ids=np.array(ids, dtype=np.int64),
        dense=matrix,
        terms=terms[order],
        rows=posting_rows[order],
        weights=weights[order],
    )


class EmbeddedVectorStore:
    """Writes are the chunks' rows themselves; this store only reads them."""

    def __init__(self) -> None:
        self._loaded: dict[tuple[int, int], LoadedCollection] = {}
        self._locks: dict[tuple[int, int], threading.Lock] = {}
        self._lock = threading.Lock()  # guards the two dicts; a load holds only its own lock

    def chunks_added(self, collection: Collection, chunks: list[IndexedChunk]) -> None:
        """Nothing to do: the rows hold the vectors, and the version bump makes readers reload."""

    def chunks_removed(self, collection: Collection, chunk_ids: list[int]) -> None:
        """Nothing to do, as for ``chunks_added``."""

    def collection_dropped(self, collection: Collection) -> None:
        with self._lock:
            self._loaded.pop((collection.workspace_id, collection.pk), None)

    def loaded(self, collection: Collection) -> LoadedCollection:
        key = (collection.workspace_id, collection.pk)
        with self._lock:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:  # one load per collection; searches of other collections go on
            held = self._loaded.get(key)
            if held is None or held.version != collection.index_version:
                held = collection_load(collection)
                with self._lock:
                    self._loaded[key] = held
        return held

    def search(self, collection: Collection, query: VectorQuery) -> list[ScoredChunk]:
        held = self.loaded(collection)
        dense = (
            held.dense_ranking(query.dense, query.candidates)
            if query.dense is not None and query.retriever != Retriever.KEYWORD
            else []
        )
        keyword = (
            held.keyword_ranking(query.keywords, query.candidates)
            if query.retriever != Retriever.DENSE
            else []
        )
        return fused_order(collection, dense, keyword, query)
