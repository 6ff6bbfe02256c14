"""The vector stores: fusion and BM25 against values worked out by hand, and the embedded
store and Qdrant (qdrant-client's local engine, which speaks the server's Query API) giving
the same rankings, each filtered by workspace and collection inside the query."""

from __future__ import annotations

import math
import zlib

import numpy as np
import pytest
from qdrant_client import QdrantClient, models

from rag import keywords
from rag.models import Chunk, Collection, Document, Fusion
from rag.vectors import IndexedChunk, Retriever, VectorQuery
from rag.vectors.embedded import EmbeddedVectorStore
from rag.vectors.fusion import distribution_based_fusion, reciprocal_rank_fusion
from rag.vectors.qdrant import QdrantVectorStore, qdrant_name

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore:Payload indexes have no effect in the local Qdrant"),
]

TEXTS = [
    "the laptop battery lasts ten hours",
    "laptop screens and laptop keyboards",
    "bread dough rises overnight",
    "a quiet battery charger",
]


def test_rrf_adds_one_over_k_plus_position():
    fused = reciprocal_rank_fusion([[(1, 0.9), (2, 0.8)], [(2, 5.0), (3, 1.0)]], k=60)
    assert fused == pytest.approx({1: 1 / 60, 2: 1 / 61 + 1 / 60, 3: 1 / 61})


def test_dbsf_maps_each_ranking_through_three_standard_deviations():
    # scores 3, 2, 1: mean 2, sample sd 1, so [-1, 5] maps to [0, 1]
    fused = distribution_based_fusion([[(1, 3.0), (2, 2.0), (3, 1.0)], [(3, 7.0)]])
    assert fused == pytest.approx({1: 4 / 6, 2: 3 / 6, 3: 2 / 6 + 0.5})


def test_bm25_weights_match_the_formula():
    vector = keywords.document_vector("laptop laptop battery")  # 3 terms after stop words
    weights = dict(zip(vector.indices.tolist(), vector.values.tolist(), strict=True))
    norm = keywords.K1 * (1 - keywords.B + keywords.B * 3 / keywords.AVERAGE_LENGTH)
    laptop = keywords.term_number("laptop")
    assert weights[laptop] == pytest.approx(2 * (keywords.K1 + 1) / (2 + norm), rel=1e-6)
    assert keywords.terms("The Laptop, and its battery!") == ["laptop", "battery"]
    idf = keywords.inverse_document_frequency(np.array([1]), 4)[0]
    assert idf == pytest.approx(math.log((4 - 1 + 0.5) / (1 + 0.5) + 1))


def dense_of(text: str) -> np.ndarray:
    """A deterministic unit vector per text (the stores' arithmetic, not a model's, is tested)."""
    vector = np.random.default_rng(zlib.crc32(text.encode())).standard_normal(8).astype(np.float32)
    return vector / np.linalg.norm(vector)


def indexed(collection: Collection) -> list[IndexedChunk]:
    document = Document.objects.create(
        workspace=collection.workspace, collection=collection, name="d.txt", content_hash="1" * 64
    )
    chunks = []
    for position, text in enumerate(TEXTS):
        dense, sparse = dense_of(text), keywords.document_vector(text)
        row = Chunk.objects.create(
            workspace=collection.workspace, collection=collection, document=document,
            position=position, text=text, text_hash=str(position), start=0, end=len(text),
            dense=dense.tobytes(), sparse=sparse.to_bytes(),
        )  # fmt: skip
        chunks.append(IndexedChunk(row.pk, document.pk, dense, sparse))
    Collection.objects.filter(pk=collection.pk).update(dimension=8, index_version=1)
    collection.refresh_from_db()
    return chunks


def query(text: str, retriever: Retriever = Retriever.HYBRID) -> VectorQuery:
    return VectorQuery(
        dense=dense_of(TEXTS[0]), keywords=keywords.query_vector(text), limit=10,
        candidates=10, retriever=retriever,
    )  # fmt: skip


def tie_broken(hits):
    """Equal fused scores (RRF gives them often) in chunk order: stores may break ties apart."""
    return sorted(hits, key=lambda hit: (-round(hit.score, 6), hit.chunk_id))


@pytest.mark.parametrize("fusion", [Fusion.RRF, Fusion.DBSF])
def test_the_embedded_store_and_qdrant_rank_alike(workspace, fusion):
    collection = Collection.objects.create(workspace=workspace, name="c", fusion=fusion)
    chunks = indexed(collection)
    qdrant = QdrantVectorStore(QdrantClient(location=":memory:"))
    qdrant.chunks_added(collection, chunks)
    embedded = EmbeddedVectorStore()
    for retriever in Retriever:
        ours = tie_broken(embedded.search(collection, query("laptop battery", retriever)))
        theirs = tie_broken(qdrant.search(collection, query("laptop battery", retriever)))
        assert [h.chunk_id for h in ours] == [h.chunk_id for h in theirs], retriever
        assert [h.score for h in ours] == pytest.approx([h.score for h in theirs], rel=1e-4)
        for mine, other in zip(ours, theirs, strict=True):
            assert (mine.dense_rank, mine.keyword_rank) == (other.dense_rank, other.keyword_rank)
    top = embedded.search(collection, query("laptop battery", Retriever.KEYWORD))
    assert {top[0].chunk_id, top[1].chunk_id} == {chunks[0].chunk_id, chunks[1].chunk_id}
    assert chunks[2].chunk_id not in [h.chunk_id for h in top]  # shares no term


def test_qdrant_filters_by_workspace_inside_the_query(workspace, other_workspace):
    collection = Collection.objects.create(workspace=workspace, name="c")
    client = QdrantClient(location=":memory:")
    store = QdrantVectorStore(client)
    store.chunks_added(collection, indexed(collection))
    intruder = models.PointStruct(
        id=999_999,
        vector={"dense": dense_of(TEXTS[0]).tolist(),
                "keywords": models.SparseVector(indices=[keywords.term_number("laptop")], values=[9.0])},
        payload={"workspace_id": other_workspace.pk, "collection_id": collection.pk, "document_id": 1},
    )  # fmt: skip
    client.upsert(qdrant_name(collection), [intruder])
    found = store.search(collection, query("laptop"))
    assert found and 999_999 not in [hit.chunk_id for hit in found]


def test_the_embedded_store_reloads_when_the_version_moves(workspace):
    collection = Collection.objects.create(workspace=workspace, name="c")
    chunks = indexed(collection)
    store = EmbeddedVectorStore()
    assert len(store.search(collection, query("laptop", Retriever.DENSE))) == 4
    Chunk.objects.filter(pk=chunks[0].chunk_id).delete()
    assert len(store.search(collection, query("laptop", Retriever.DENSE))) == 4  # same version
    Collection.objects.filter(pk=collection.pk).update(index_version=2)
    collection.refresh_from_db()
    assert len(store.search(collection, query("laptop", Retriever.DENSE))) == 3
