"""The three measurements of ``bench_rag``, each on a scratch workspace it makes and deletes:
retrieval quality per retriever, ingestion throughput against the model's own ``encode``,
and search latency at a given number of chunks."""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
from celery import current_app as celery_app
from django.contrib.auth import get_user_model
from django.db.models import F

from rag import services
from rag.benchmark.corpus import Manual, Query, corpus
from rag.benchmark.metrics import ndcg_at, percentile, recall_at, reciprocal_rank
from rag.embedding import BundledEmbedder, bundled_model
from rag.keywords import document_vector, query_vector
from rag.models import Chunk, Collection, Document, DocumentState, Fusion
from rag.retrieval import retrieve
from rag.services import CollectionFields
from rag.vectors import Retriever, VectorQuery, vector_store
from workspaces.access import Actor
from workspaces.models import Membership, Role, Workspace

Say = Callable[[str], None]


@dataclass(frozen=True)
class Quality:
    name: str
    ndcg: float
    recall: float
    mrr: float
    by_kind: dict[str, float]  # nDCG@10 per kind of query


@contextmanager
def scratch_actor() -> Iterator[Actor]:
    """An owner in a workspace of its own, removed with everything in it afterwards."""
    tag = uuid.uuid4().hex[:8]
    user = get_user_model().objects.create_user(f"bench-rag-{tag}")
    workspace = Workspace.objects.create(name=f"bench-rag-{tag}", slug=f"bench-rag-{tag}")
    Membership.objects.create(user=user, workspace=workspace, role=Role.OWNER)
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True  # ingest here, in this process, as files arrive
    try:
        yield Actor(user=user, workspace=workspace, role=Role.OWNER)
    finally:
        celery_app.conf.task_always_eager = eager
        for collection in Collection.objects.filter(workspace=workspace):
            vector_store().collection_dropped(collection)
        workspace.delete()
        user.delete()


def ingest(actor: Actor, collection: Collection, manuals: list[Manual]) -> None:
    uploads = [(m.name, m.text.encode()) for m in manuals]
    step = services.upload_limits().max_files
    for start in range(0, len(uploads), step):
        services.documents_add(
            actor=actor, collection=collection, uploads=uploads[start : start + step]
        )
    failed = collection.documents.exclude(state=DocumentState.INDEXED).values_list("name", "error")
    if failed:
        raise RuntimeError(f"ingestion failed: {list(failed)[:3]}")


def quality(say: Say, *, machines: int, reranker: str) -> list[Quality]:
    manuals, queries = corpus(machines)
    with scratch_actor() as actor:
        results = []
        for fusion in (Fusion.RRF, Fusion.DBSF):
            collection = services.collection_create(
                actor=actor,
                fields=CollectionFields(name=f"manuals-{fusion}", fusion=fusion, reranker=reranker),
            )
            ingest(actor, collection, manuals)
            runs = [(Retriever.DENSE, False), (Retriever.KEYWORD, False), (Retriever.HYBRID, False)]
            if reranker:
                runs.append((Retriever.HYBRID, True))
            for retriever, rerank in runs:
                if fusion == Fusion.DBSF and retriever != Retriever.HYBRID:
                    continue  # the single retrievers do not fuse
                name = retriever.value if retriever != Retriever.HYBRID else f"hybrid {fusion}"
                name += " + rerank" if rerank else ""
                results.append(_score(actor, collection, queries, name, retriever, rerank))
                say(f"  measured {name}")
        return results


def _score(
    actor: Actor,
    collection: Collection,
    queries: list[Query],
    name: str,
    retriever: Retriever,
    rerank: bool,
) -> Quality:
    per_query: list[tuple[str, float, float, float]] = []
    for query in queries:
        hits = retrieve(
            actor=actor,
            collections=[collection],
            query=query.text,
            top_k=10,
            retriever=retriever,
            rerank=rerank,
        )
        ranking = [(hit.chunk.document.name, (hit.chunk.heading_path or [""])[-1]) for hit in hits]
        relevant = {query.relevant}
        per_query.append(
            (
                query.kind,
                ndcg_at(ranking, relevant),
                recall_at(ranking, relevant),
                reciprocal_rank(ranking, relevant),
            )
        )
    kinds = sorted({kind for kind, *_ in per_query})
    return Quality(
        name=name,
        ndcg=float(np.mean([q[1] for q in per_query])),
        recall=float(np.mean([q[2] for q in per_query])),
        mrr=float(np.mean([q[3] for q in per_query])),
        by_kind={k: float(np.mean([q[1] for q in per_query if q[0] == k])) for k in kinds},
    )


def prose(rng: random.Random, words: list[str], paragraphs: int) -> str:
    return "\n\n".join(
        " ".join(rng.choice(words) for _ in range(rng.randint(110, 150))).capitalize() + "."
        for _ in range(paragraphs)
    )


def throughput(say: Say, *, documents: int) -> tuple[float, float]:
    """(chunks ingested per second, chunks encoded per second by the model alone, same texts)."""
    manuals, _ = corpus(60)
    words = sorted({w.strip(".,:") for m in manuals for w in m.text.split() if w.isalpha()})
    rng = random.Random(3)
    files = [Manual(f"report-{n}.txt", prose(rng, words, 12)) for n in range(documents)]
    bundled_model()  # loaded before either clock starts
    BundledEmbedder().embed(["warm up"])
    with scratch_actor() as actor:
        collection = services.collection_create(
            actor=actor, fields=CollectionFields(name="throughput")
        )
        started = time.perf_counter()
        ingest(actor, collection, files)
        ingest_s = time.perf_counter() - started
        texts = list(Chunk.objects.filter(collection=collection).values_list("text", flat=True))
    embedder, batch = BundledEmbedder(), 32
    started = time.perf_counter()
    for start in range(0, len(texts), batch):
        embedder.embed(texts[start : start + batch])
    encode_s = time.perf_counter() - started
    say(f"  {len(texts)} chunks from {documents} documents")
    return len(texts) / ingest_s, len(texts) / encode_s


def latency(say: Say, *, chunks: int, searches: int) -> dict[str, float]:
    """Search times (ms) over ``chunks`` chunks on the configured store: the store's query
    alone, and the whole ``retrieve`` (query embedding and reading the chunks back).
    The chunks' dense vectors are random (the store's cost does not depend on their values);
    their text, and so their keyword vectors, are prose from the manuals' words."""
    manuals, queries = corpus(60)
    words = sorted({w.strip(".,:?") for m in manuals for w in m.text.split() if w.isalpha()})
    rng = random.Random(5)
    numbers = np.random.default_rng(5)
    with scratch_actor() as actor:
        collection = services.collection_create(
            actor=actor, fields=CollectionFields(name="latency")
        )
        document = Document.objects.create(
            workspace=actor.workspace, collection=collection, name="synthetic", content_hash="0" * 64,
            state=DocumentState.INDEXED,
        )  # fmt: skip
        started = time.perf_counter()
        for first in range(0, chunks, 2000):
            count = min(2000, chunks - first)
            dense = numbers.standard_normal((count, 384)).astype(np.float32)
            dense /= np.linalg.norm(dense, axis=1, keepdims=True)
            rows = []
            for offset in range(count):
                text = " ".join(rng.choice(words) for _ in range(rng.randint(60, 120)))
                rows.append(
                    Chunk(
                        workspace=actor.workspace,
                        collection=collection,
                        document=document,
                        position=first + offset,
                        text=text,
                        text_hash=str(first + offset),
                        start=0,
                        end=len(text),
                        dense=dense[offset].tobytes(),
                        sparse=document_vector(text).to_bytes(),
                    )
                )
            Chunk.objects.bulk_create(rows, batch_size=500)
        Collection.objects.filter(pk=collection.pk).update(
            dimension=384, index_version=F("index_version") + 1
        )
        collection.refresh_from_db()
        say(f"  wrote {chunks} chunks in {time.perf_counter() - started:.1f} s")
        texts = [q.text for q in queries][:searches]
        vectors = BundledEmbedder().embed(texts)
        started = time.perf_counter()
        vector_store().search(collection, _query(vectors[0], texts[0]))
        load_ms = (time.perf_counter() - started) * 1000
        store_ms, retrieve_ms = [], []
        for vector, text in zip(vectors, texts, strict=True):
            started = time.perf_counter()
            vector_store().search(collection, _query(vector, text))
            store_ms.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            retrieve(actor=actor, collections=[collection], query=text, top_k=10)
            retrieve_ms.append((time.perf_counter() - started) * 1000)
    return {
        "first search (loads the index) ms": load_ms,
        "store p50 ms": percentile(store_ms, 0.5),
        "store p95 ms": percentile(store_ms, 0.95),
        "retrieve p50 ms": percentile(retrieve_ms, 0.5),
        "retrieve p95 ms": percentile(retrieve_ms, 0.95),
    }


def _query(dense: np.ndarray, text: str) -> VectorQuery:
    return VectorQuery(dense=dense, keywords=query_vector(text), limit=10, candidates=50)
