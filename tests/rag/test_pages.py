"""RAG's pages: the list, a collection with upload, live progress and search, a document with
the chunk a citation points at, and who may do what."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from rag import services
from rag.models import Collection, Document, DocumentState
from rag.services import CollectionFields
from tests.factories import owner_actor
from tests.rag.corpus import HANDBOOK

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def collection(workspace) -> Collection:
    return services.collection_create(
        actor=owner_actor(workspace), fields=CollectionFields(name="Handbook")
    )


def page(workspace, *parts: object) -> str:
    return f"/w/{workspace.slug}/collections/" + "".join(f"{p}/" for p in parts)


def test_owner_creates_a_collection_and_uploads_files(owner_client, workspace):
    response = owner_client.post(
        page(workspace, "new"),
        {"name": "Policies", "chunk_max_tokens": 120, "chunk_overlap_tokens": 20, "fusion": "dbsf"},
    )
    collection = Collection.objects.get(name="Policies")
    assert response.status_code == 302 and response.url == page(workspace, collection.pk)
    uploaded = owner_client.post(
        page(workspace, collection.pk),
        {
            "documents": [
                SimpleUploadedFile("handbook.md", HANDBOOK.encode()),
                SimpleUploadedFile("x.exe", b"MZ"),
            ]
        },
    )
    assert uploaded.status_code == 200
    body = uploaded.content.decode()
    assert "1 file queued for ingestion" in body and "1 refused" in body and "x.exe" in body
    assert Document.objects.get(name="handbook.md").state == DocumentState.INDEXED


def test_the_progress_fragment_polls_only_while_work_is_in_progress(
    owner_client, workspace, collection
):
    owner = workspace.memberships.get(role="owner").user
    services.documents_add(
        actor=owner_actor(workspace), collection=collection, uploads=[("a.md", HANDBOOK.encode())]
    )
    Document.objects.create(
        workspace=workspace, collection=collection, name="big.pdf", content_hash="f" * 64,
        state=DocumentState.EMBEDDING, chunks_total=400, chunks_done=100, added_by=owner,
        queued_at=Document.objects.get(name="a.md").queued_at,
    )  # fmt: skip
    fragment = owner_client.get(page(workspace, collection.pk, "progress")).content.decode()
    assert 'hx-trigger="every 1s"' in fragment
    small = Document.objects.get(name="a.md").chunks_total
    assert "1 of 2 files indexed" in fragment
    assert f"{small + 100} of {small + 400} chunks embedded" in fragment
    assert "100 / 400" in fragment
    Document.objects.filter(name="big.pdf").update(state=DocumentState.FAILED, error="Killed.")
    done = owner_client.get(page(workspace, collection.pk, "progress")).content.decode()
    assert "hx-trigger" not in done and "Killed." in done and ">Retry<" in done


def test_search_on_the_page_links_each_hit_to_its_chunk(owner_client, workspace, collection):
    services.documents_add(
        actor=owner_actor(workspace), collection=collection, uploads=[("a.md", HANDBOOK.encode())]
    )
    body = owner_client.get(page(workspace, collection.pk), {"q": "lost laptop"}).content.decode()
    assert "extension 4444" in body and "fused" in body and "meaning #1" in body
    chunk = Document.objects.get(name="a.md").chunks.get(text__contains="4444")
    link = f"documents/{chunk.document_id}/?chunk={chunk.pk}#chunk-{chunk.pk}"
    assert link in body
    document_page = owner_client.get(
        page(workspace, collection.pk, "documents", chunk.document_id), {"chunk": chunk.pk}
    )
    assert f'id="chunk-{chunk.pk}" aria-current="true"' in document_page.content.decode()


def test_viewers_search_but_neither_upload_nor_manage(signed_in, member_of, workspace, collection):
    viewer = signed_in(member_of("viewer"))
    detail = viewer.get(page(workspace, collection.pk))
    assert detail.status_code == 200 and "Add documents" not in detail.content.decode()
    upload = viewer.post(
        page(workspace, collection.pk), {"documents": [SimpleUploadedFile("a.md", b"# A\nx")]}
    )
    assert upload.status_code == 403
    assert viewer.get(page(workspace, collection.pk, "edit")).status_code == 403
    assert viewer.post(page(workspace, collection.pk, "delete")).status_code == 403
    assert Collection.objects.filter(pk=collection.pk).exists()


def test_changing_the_embedding_settings_reindexes_every_document(
    owner_client, workspace, collection
):
    services.documents_add(
        actor=owner_actor(workspace), collection=collection, uploads=[("a.md", HANDBOOK.encode())]
    )
    before = set(Document.objects.get(name="a.md").chunks.values_list("id", flat=True))
    response = owner_client.post(
        page(workspace, collection.pk, "edit"),
        {"name": "Handbook", "chunk_max_tokens": 24, "chunk_overlap_tokens": 4, "fusion": "rrf"},
    )
    assert response.status_code == 302
    document = Document.objects.get(name="a.md")
    assert document.state == DocumentState.INDEXED
    after = set(document.chunks.values_list("id", flat=True))
    assert after and not before & after and len(after) > len(before)
