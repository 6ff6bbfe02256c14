"""The scaled-out vector store: a Qdrant server (``QDRANT_URL``), one Qdrant collection per
hub collection (each has its own embedding size and its own keyword statistics).

Every point carries its workspace and collection ids, and every query filters on both inside
Qdrant — in each prefetch as well as the fused query — never after it. A search asks three
queries in one request (dense, keyword, and their fusion through the Query API), so each
chunk comes back with each retriever's score beside the fused one.
"""

from __future__ import annotations

from qdrant_client import QdrantClient, models

from rag.models import Collection, Fusion
from rag.vectors.base import IndexedChunk, Retriever, ScoredChunk, VectorQuery
from rag.vectors.fusion import RRF_K

DENSE = "dense"
KEYWORDS = "keywords"
UPSERT_BATCH = 256


def qdrant_name(collection: Collection) -> str:
    return f"hub_{collection.pk}"


def scope_filter(collection: Collection) -> models.Filter:
    return models.Filter(
        must=[
            models.FieldCondition(
                key="workspace_id", match=models.MatchValue(value=collection.workspace_id)
            ),
            models.FieldCondition(
                key="collection_id", match=models.MatchValue(value=collection.pk)
            ),
        ]
    )


class QdrantVectorStore:
    def __init__(self, client: QdrantClient) -> None:
        self.client = client

    def _ensure(self, collection: Collection, dimension: int) -> str:
        name = qdrant_name(collection)
        if self.client.collection_exists(name):
            return name
        self.client.create_collection(
            name,
            vectors_config={
                DENSE: models.VectorParams(size=dimension, distance=models.Distance.COSINE)
            },
            sparse_vectors_config={
                KEYWORDS: models.SparseVectorParams(modifier=models.Modifier.IDF)
            },
        )
        for field in ("workspace_id", "collection_id", "document_id"):
            self.client.create_payload_index(name, field, models.PayloadSchemaType.INTEGER)
        return name

    def chunks_added(self, collection: Collection, chunks: list[IndexedChunk]) -> None:
        if not chunks:
            return
        name = self._ensure(collection, int(chunks[0].dense.shape[0]))
        for start in range(0, len(chunks), UPSERT_BATCH):
            points = [
                models.PointStruct(
                    id=chunk.chunk_id,
                    vector={
                        DENSE: chunk.dense.tolist(),
                        KEYWORDS: models.SparseVector(
                            indices=chunk.keywords.indices.tolist(),
                            values=chunk.keywords.values.tolist(),
                        ),
                    },
                    payload={
                        "workspace_id": collection.workspace_id,
                        "collection_id": collection.pk,
                        "document_id": chunk.document_id,
                    },
                )
                for chunk in chunks[start : start + UPSERT_BATCH]
            ]
            self.client.upsert(name, points, wait=True)

    def chunks_removed(self, collection: Collection, chunk_ids: list[int]) -> None:
        name = qdrant_name(collection)
        if not chunk_ids or not self.client.collection_exists(name):
            return
        scoped = scope_filter(collection)
        ids: list[models.ExtendedPointId] = list(chunk_ids)
        scoped.must = [*(scoped.must or []), models.HasIdCondition(has_id=ids)]
        self.client.delete(name, points_selector=models.FilterSelector(filter=scoped), wait=True)

    def collection_dropped(self, collection: Collection) -> None:
        name = qdrant_name(collection)
        if self.client.collection_exists(name):
            self.client.delete_collection(name)

    def search(self, collection: Collection, query: VectorQuery) -> list[ScoredChunk]:
        name = qdrant_name(collection)
        if not self.client.collection_exists(name):
            return []
        scoped = scope_filter(collection)
        sparse = models.SparseVector(
            indices=query.keywords.indices.tolist(), values=query.keywords.values.tolist()
        )
        dense = query.dense.tolist() if query.dense is not None else None
        requests = []
        if dense is not None and query.retriever != Retriever.KEYWORD:
            requests.append(("dense", _request(dense, DENSE, scoped, query.candidates)))
        if query.retriever != Retriever.DENSE and len(sparse.indices):
            requests.append(("keyword", _request(sparse, KEYWORDS, scoped, query.candidates)))
        if len(requests) == 2:
            fusion: models.RrfQuery | models.FusionQuery = (
                models.FusionQuery(fusion=models.Fusion.DBSF)
                if collection.fusion == Fusion.DBSF
                else models.RrfQuery(rrf=models.Rrf(k=RRF_K))
            )
            prefetch = [
                models.Prefetch(query=r.query, using=r.using, filter=scoped, limit=query.candidates)
                for _, r in requests
            ]
            requests.append(
                (
                    "fused",
                    models.QueryRequest(
                        prefetch=prefetch, query=fusion, filter=scoped, limit=query.limit
                    ),
                )
            )
        if not requests:
            return []
        answers = self.client.query_batch_points(name, requests=[r for _, r in requests])
        return _scored(dict(zip([kind for kind, _ in requests], answers, strict=True)), query.limit)


def _request(
    vector: list[float] | models.SparseVector, using: str, scoped: models.Filter, limit: int
) -> models.QueryRequest:
    return models.QueryRequest(query=vector, using=using, filter=scoped, limit=limit)


def _scored(answers: dict[str, models.QueryResponse], limit: int) -> list[ScoredChunk]:
    found: dict[int, ScoredChunk] = {}
    for kind in ("dense", "keyword"):
        if kind not in answers:
            continue
        for rank, point in enumerate(answers[kind].points, start=1):
            hit = found.setdefault(int(point.id), ScoredChunk(int(point.id), point.score))
            if kind == "dense":
                hit.dense_score, hit.dense_rank = point.score, rank
            else:
                hit.keyword_score, hit.keyword_rank = point.score, rank
    ordered = answers.get("fused") or answers.get("dense") or answers.get("keyword")
    assert ordered is not None
    results = []
    for point in ordered.points[:limit]:
        hit = found.get(int(point.id)) or ScoredChunk(int(point.id), point.score)
        hit.score = point.score
        results.append(hit)
    return results
