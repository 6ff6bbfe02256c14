"""Where chunks' vectors are searched: a Qdrant server when ``QDRANT_URL`` is set, else the
embedded store that reads them from the database. Dependencies run one way: ``qdrant`` and
``embedded`` -> ``base`` -> ``fusion``."""

from __future__ import annotations

import functools

from django.conf import settings

from rag.vectors.base import IndexedChunk, Retriever, ScoredChunk, VectorQuery, VectorStore
from rag.vectors.embedded import EmbeddedVectorStore


@functools.cache
def vector_store() -> VectorStore:
    if settings.QDRANT_URL:
        from qdrant_client import QdrantClient  # only the scaled stack pays for importing it

        from rag.vectors.qdrant import QdrantVectorStore

        return QdrantVectorStore(QdrantClient(url=settings.QDRANT_URL, timeout=30))
    return EmbeddedVectorStore()


__all__ = ["IndexedChunk", "Retriever", "ScoredChunk", "VectorQuery", "VectorStore", "vector_store"]
