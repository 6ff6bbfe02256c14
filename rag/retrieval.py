"""Search over a workspace's collections: the one retrieval service that the search page and
API, grounded chat, the playground, ``/v1`` grounding and agents' search tool all call.

The query is embedded once per embedding model among the collections (a workspace model
through the pipeline, so it is routed, budgeted and recorded with source ``rag``); each
collection is searched by the vector store inside its own workspace and collection filter;
the chunks found are read back through the same scope. Several collections' results are
merged by their fused scores.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.core.exceptions import ValidationError

from rag.embedding import embedder_for
from rag.keywords import query_vector
from rag.models import Chunk, Collection
from rag.reranking import reranker_for
from rag.vectors import Retriever, ScoredChunk, VectorQuery, vector_store
from workspaces.access import Actor

MAX_QUERY_CHARS = 2000
MAX_TOP_K = 50
RERANK_POOL = 4  # a reranker reorders this many times top_k of the fused results


@dataclass(frozen=True)
class RetrievedChunk:
    chunk: Chunk  # with its document and collection loaded
    scores: ScoredChunk

    @property
    def citation(self) -> dict[str, object]:
        chunk = self.chunk
        return {
            "collection": chunk.collection.name,
            "document_id": chunk.document_id,
            "document": chunk.document.name,
            "chunk_id": chunk.pk,
            "page": chunk.page,
            "heading_path": chunk.heading_path,
            "start": chunk.start,
            "end": chunk.end,
        }


def retrieve(
    *,
    actor: Actor,
    collections: list[Collection],
    query: str,
    top_k: int = 5,
    retriever: Retriever = Retriever.HYBRID,
    rerank: bool = True,
) -> list[RetrievedChunk]:
    """The ``top_k`` best chunks; with ``rerank`` (and a collection with a reranker) the
    fused results are a pool of ``RERANK_POOL`` times ``top_k`` that the reranker orders."""
    query = query.strip()
    if not query or len(query) > MAX_QUERY_CHARS:
        raise ValidationError({"query": f"A query of 1 to {MAX_QUERY_CHARS} characters."})
    if not 1 <= top_k <= MAX_TOP_K:
        raise ValidationError({"top_k": f"Between 1 and {MAX_TOP_K}."})
    # Read again, in the caller's workspace: fresh index versions, and nobody else's.
    mine = list(
        Collection.objects.for_workspace(actor.workspace).filter(pk__in=[c.pk for c in collections])
    )
    reranker = next(
        (reranker_for(name=c.reranker, actor=actor) for c in mine if c.reranker and rerank), None
    )
    pool = top_k * RERANK_POOL if reranker else top_k
    keywords = query_vector(query)
    dense_by_model: dict[str, np.ndarray | None] = {}
    hits: list[tuple[ScoredChunk, Collection]] = []
    for collection in mine:
        if not collection.dimension:
            continue  # nothing indexed yet
        model = collection.embedding_model
        if retriever != Retriever.KEYWORD and model not in dense_by_model:
            dense_by_model[model] = embedder_for(model=model, actor=actor).embed([query])[0]
        vector_query = VectorQuery(
            dense=dense_by_model.get(model),
            keywords=keywords,
            limit=pool,
            candidates=max(50, 4 * pool),
            retriever=retriever,
        )
        hits.extend((hit, collection) for hit in vector_store().search(collection, vector_query))
    hits.sort(key=lambda pair: -pair[0].score)
    found = _with_chunks(actor, mine, [hit for hit, _ in hits])[:pool]
    if reranker is not None and found:
        scores = reranker.scores(query, [item.chunk.text for item in found])
        for item, score in zip(found, scores, strict=True):
            item.scores.rerank_score = score
        found = sorted(found, key=lambda item: -(item.scores.rerank_score or 0.0))  # stable
    return found[:top_k]


def _with_chunks(
    actor: Actor, collections: list[Collection], hits: list[ScoredChunk]
) -> list[RetrievedChunk]:
    rows = Chunk.objects.for_workspace(actor.workspace).filter(
        collection__in=collections, pk__in=[hit.chunk_id for hit in hits]
    )
    by_id = {chunk.pk: chunk for chunk in rows.select_related("document", "collection")}
    return [RetrievedChunk(by_id[hit.chunk_id], hit) for hit in hits if hit.chunk_id in by_id]
