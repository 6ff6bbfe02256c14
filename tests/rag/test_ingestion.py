"""Ingestion from a stored upload to searchable chunks, on the real database and the bundled
embedding model (tasks run eagerly in tests, after commit)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from rag import services
from rag.ingestion import document_ingest, stalled_documents
from rag.models import Chunk, Collection, Document, DocumentState
from rag.retrieval import retrieve
from rag.services import CollectionFields
from tests.factories import owner_actor
from tests.rag.corpus import HANDBOOK, RECIPES
from tests.rag.files import pdf_bytes

pytestmark = pytest.mark.django_db(transaction=True)


def make_collection(actor, name="handbook", **fields) -> Collection:
    return services.collection_create(actor=actor, fields=CollectionFields(name=name, **fields))


def test_an_upload_is_chunked_embedded_and_found(workspace):
    actor = owner_actor(workspace)
    collection = make_collection(actor)
    outcome = services.documents_add(
        actor=actor, collection=collection, uploads=[("handbook.md", HANDBOOK.encode())]
    )
    document = Document.objects.get(pk=outcome.queued[0].pk)
    assert document.state == DocumentState.INDEXED, document.error
    assert document.chunks_done == document.chunks_total == document.chunks.count() > 0
    collection.refresh_from_db()
    assert collection.dimension == 384
    hits = retrieve(actor=actor, collections=[collection], query="lost laptop who to call")
    best = hits[0].chunk
    assert "extension 4444" in best.text
    assert best.heading_path == ["Security"]
    assert hits[0].scores.dense_rank is not None and hits[0].scores.keyword_rank is not None


def test_the_same_file_twice_adds_nothing_and_a_changed_one_replaces_its_chunks(workspace):
    actor = owner_actor(workspace)
    collection = make_collection(actor)
    services.documents_add(
        actor=actor, collection=collection, uploads=[("a.md", HANDBOOK.encode())]
    )
    first_ids = set(Chunk.objects.values_list("id", flat=True))
    again = services.documents_add(
        actor=actor, collection=collection, uploads=[("copy.md", HANDBOOK.encode())]
    )
    assert again.queued == [] and again.unchanged == [
        ("copy.md", "Already in the collection as a.md.")
    ]
    services.documents_add(actor=actor, collection=collection, uploads=[("b.md", RECIPES.encode())])
    changed = HANDBOOK.replace("4444", "5555")
    services.documents_add(actor=actor, collection=collection, uploads=[("a.md", changed.encode())])
    assert Document.objects.count() == 2
    texts = " ".join(Chunk.objects.filter(document__name="a.md").values_list("text", flat=True))
    assert "5555" in texts and "4444" not in texts
    assert not first_ids & set(
        Chunk.objects.filter(document__name="a.md").values_list("id", flat=True)
    )
    assert Chunk.objects.filter(document__name="b.md").exists()


def test_a_bad_file_fails_alone_with_its_reason_and_can_be_retried(workspace):
    actor = owner_actor(workspace)
    collection = make_collection(actor)
    outcome = services.documents_add(
        actor=actor,
        collection=collection,
        uploads=[
            ("locked.pdf", pdf_bytes(["secret"], password="pw")),
            ("good.md", HANDBOOK.encode()),
            ("sheet.xlsx", b"PK\x03\x04"),
        ],
    )
    assert [name for name, _ in outcome.refused] == ["sheet.xlsx"]
    locked = Document.objects.get(name="locked.pdf")
    assert locked.state == DocumentState.FAILED and "encrypted" in locked.error
    assert Document.objects.get(name="good.md").state == DocumentState.INDEXED
    retried = services.document_retry(actor=actor, document=locked)
    assert retried.state == DocumentState.FAILED  # same file, same reason, run again alone


def test_deleting_a_document_removes_its_chunks_from_search(workspace):
    actor = owner_actor(workspace)
    collection = make_collection(actor)
    services.documents_add(
        actor=actor, collection=collection, uploads=[("a.md", HANDBOOK.encode())]
    )
    services.documents_add(actor=actor, collection=collection, uploads=[("b.md", RECIPES.encode())])
    assert retrieve(actor=actor, collections=[collection], query="laptop encryption")
    services.document_delete(actor=actor, document=Document.objects.get(name="a.md"))
    collection.refresh_from_db()
    hits = retrieve(actor=actor, collections=[collection], query="laptop encryption")
    assert {hit.chunk.document.name for hit in hits} == {"b.md"}


def test_a_stopping_worker_puts_a_new_version_back_on_the_queue_and_keeps_the_old_one(
    workspace,
):
    actor = owner_actor(workspace)
    collection = make_collection(actor)
    services.documents_add(
        actor=actor, collection=collection, uploads=[("a.md", HANDBOOK.encode())]
    )
    document = Document.objects.get(name="a.md")
    old_chunks = set(document.chunks.values_list("id", flat=True))
    Path(document.file.path).write_bytes(RECIPES.encode())  # a new version, not embedded yet
    Document.objects.filter(pk=document.pk).update(state=DocumentState.QUEUED)

    assert document_ingest(document.pk, should_stop=lambda: True) == DocumentState.QUEUED
    document.refresh_from_db()
    assert (document.state, document.chunks_done) == ("queued", 0)
    assert document.heartbeat_at is not None  # so the sweep re-sends it if nobody takes it
    assert list(stalled_documents(older_than=timedelta(0))) == [document]
    assert not stalled_documents(older_than=timedelta(minutes=3)).exists()
    assert set(document.chunks.values_list("id", flat=True)) == old_chunks  # still searchable
    assert document_ingest(document.pk) == DocumentState.INDEXED  # the next worker's turn
    assert "starter" in " ".join(document.chunks.values_list("text", flat=True))
