"""REST for RAG collections: create, upload, follow progress, search, retry and delete, with
the roles the pages use, and errors in the API's shape."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from rag.models import Collection, Document, DocumentState
from rag.retrieval import retrieve
from tests.archives import zip_bytes
from tests.clients import assert_openai_error, make_key
from tests.factories import actor_for
from tests.rag.corpus import HANDBOOK, RECIPES
from tests.rag.files import pdf_bytes
from workspaces.models import ApiKeyScope

pytestmark = pytest.mark.django_db(transaction=True)


def url(workspace, *parts: object) -> str:
    tail = "".join(f"{part}/" for part in parts)
    return f"/api/workspaces/{workspace.slug}/collections/{tail}"


def upload(*files: tuple[str, bytes]) -> dict:
    return {"files": [SimpleUploadedFile(name, data) for name, data in files]}


@pytest.fixture
def owner_api(session_client, owner):
    return session_client(owner)


@pytest.fixture
def collection(owner_api, workspace) -> dict:
    response = owner_api.post(url(workspace), {"name": "Handbook"}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_upload_queues_each_file_and_refuses_the_bad_ones_alone(owner_api, workspace, collection):
    archive = zip_bytes({"docs/recipes.md": RECIPES.encode(), "docs/notes.exe": b"MZ"})
    response = owner_api.post(
        url(workspace, collection["id"], "documents"),
        upload(
            ("handbook.md", HANDBOOK.encode()),
            ("batch.zip", archive),
            ("locked.pdf", pdf_bytes(["x"], password="pw")),
            ("empty.txt", b""),
        ),
        format="multipart",
    )
    assert response.status_code == 202, response.content
    data = response.json()
    assert sorted(d["name"] for d in data["queued"]) == [
        "batch.zip/docs/recipes.md", "handbook.md", "locked.pdf"
    ]  # fmt: skip
    assert {r["name"] for r in data["refused"]} == {"batch.zip/docs/notes.exe", "empty.txt"}
    listed = owner_api.get(url(workspace, collection["id"], "documents")).json()["results"]
    states = {d["name"]: (d["state"], d["error"]) for d in listed}
    assert states["handbook.md"] == ("indexed", "")
    assert states["locked.pdf"][0] == "failed" and "encrypted" in states["locked.pdf"][1]
    progress = owner_api.get(url(workspace, collection["id"], "progress")).json()
    assert progress["active"] is False


def test_search_returns_each_retrievers_score_and_the_fused_one(owner_api, workspace, collection):
    owner_api.post(
        url(workspace, collection["id"], "documents"),
        upload(("handbook.md", HANDBOOK.encode()), ("recipes.md", RECIPES.encode())),
        format="multipart",
    )
    response = owner_api.post(
        url(workspace, collection["id"], "search"),
        {"query": "hotel reimbursement in Paris", "top_k": 3},
        format="json",
    )
    assert response.status_code == 200, response.content
    hits = response.json()["data"]
    assert 1 <= len(hits) <= 3
    best = hits[0]
    assert "180 euros" in best["text"] and best["heading_path"] == ["Travel policy", "Expenses"]
    assert best["dense_rank"] == 1 and best["keyword_rank"] == 1
    assert best["score"] == pytest.approx(2 / 60)  # RRF, first in both rankings
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)
    keyword_only = owner_api.post(
        url(workspace, collection["id"], "search"),
        {"query": "sourdough starter", "retriever": "keyword"},
        format="json",
    ).json()["data"]
    assert keyword_only[0]["document"] == "recipes.md" and keyword_only[0]["dense_score"] is None


def test_a_failed_document_is_retried_and_a_deleted_one_leaves_search(
    owner_api, workspace, collection
):
    documents = url(workspace, collection["id"], "documents")
    owner_api.post(documents, upload(("handbook.md", HANDBOOK.encode())), format="multipart")
    document = Document.objects.get(name="handbook.md")
    Document.objects.filter(pk=document.pk).update(state=DocumentState.FAILED, error="Worker died.")
    retried = owner_api.post(url(workspace, collection["id"], "documents", document.pk, "retry"))
    assert retried.status_code == 200 and retried.json()["state"] == "indexed"
    again = owner_api.post(url(workspace, collection["id"], "documents", document.pk, "retry"))
    assert_openai_error(again, 400)
    assert (
        owner_api.delete(url(workspace, collection["id"], "documents", document.pk)).status_code
        == 204
    )
    search = owner_api.post(
        url(workspace, collection["id"], "search"), {"query": "laptop"}, format="json"
    )
    assert search.json()["data"] == []


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"query": ""}, "query"),
        ({"query": "x", "top_k": 0}, "top_k"),
        ({"query": "x", "top_k": "many"}, "top_k"),
        ({"query": "x", "retriever": "magic"}, "retriever"),
        ({"query": "x" * 2001}, "query"),
    ],
)
def test_bad_search_requests_are_400_naming_the_field(
    owner_api, workspace, collection, body, param
):
    response = owner_api.post(url(workspace, collection["id"], "search"), body, format="json")
    assert_openai_error(response, 400, param=param)


def test_bad_collection_settings_are_400_naming_the_field(owner_api, workspace, collection):
    for body, param in [
        ({"name": ""}, "name"),
        ({"name": "Handbook"}, "name"),
        ({"name": "x", "embedding_model": "nobody/none"}, "embedding_model"),
        ({"name": "x", "chunk_max_tokens": 999}, "chunk_max_tokens"),
        ({"name": "x", "chunk_overlap_tokens": 150}, "chunk_overlap_tokens"),
    ]:
        assert_openai_error(owner_api.post(url(workspace), body, format="json"), 400, param=param)
    no_files = owner_api.post(url(workspace, collection["id"], "documents"), {}, format="multipart")
    assert_openai_error(no_files, 400, param="files")


def test_roles_viewers_search_members_add_admins_manage(
    session_client, member_of, workspace, collection
):
    viewer = session_client(member_of("viewer"))
    member = session_client(member_of("member"))
    documents = url(workspace, collection["id"], "documents")
    search = url(workspace, collection["id"], "search")
    assert viewer.post(search, {"query": "laptop"}, format="json").status_code == 200
    assert_openai_error(
        viewer.post(documents, upload(("a.md", b"# A\ntext")), format="multipart"), 403
    )
    assert (
        member.post(documents, upload(("a.md", b"# A\ntext")), format="multipart").status_code
        == 202
    )
    assert_openai_error(member.post(url(workspace), {"name": "Mine"}, format="json"), 403)
    assert_openai_error(member.delete(url(workspace, collection["id"])), 403)
    assert Collection.objects.filter(pk=collection["id"]).exists()


def test_an_inference_key_adds_documents_and_a_read_key_only_searches(
    key_client, owner, workspace, collection
):
    documents = url(workspace, collection["id"], "documents")
    reader = key_client(make_key(owner, workspace, [ApiKeyScope.READ]))
    writer = key_client(make_key(owner, workspace, [ApiKeyScope.READ, ApiKeyScope.INFERENCE]))
    assert_openai_error(
        reader.post(documents, upload(("a.md", b"# A\nalpha")), format="multipart"), 403
    )
    assert (
        writer.post(documents, upload(("a.md", b"# A\nalpha")), format="multipart").status_code
        == 202
    )
    hits = reader.post(
        url(workspace, collection["id"], "search"), {"query": "alpha"}, format="json"
    )
    assert hits.json()["data"][0]["document"] == "a.md"


def test_another_workspace_gets_zero_hits_from_a_collection_it_cannot_see(
    owner_api, session_client, workspace, other_workspace, collection
):
    owner_api.post(
        url(workspace, collection["id"], "documents"),
        upload(("handbook.md", HANDBOOK.encode())),
        format="multipart",
    )
    outsider = other_workspace.memberships.get(role="owner").user
    client = session_client(outsider)
    theirs = client.post(url(other_workspace), {"name": "Theirs"}, format="json").json()
    for target in (
        url(other_workspace, collection["id"], "search"),
        url(workspace, collection["id"], "search"),
    ):
        assert_openai_error(client.post(target, {"query": "laptop"}, format="json"), 404)
    own = client.post(
        url(other_workspace, theirs["id"], "search"), {"query": "laptop"}, format="json"
    )
    assert own.status_code == 200 and own.json()["data"] == []
    foreign = Collection.objects.get(pk=collection["id"])
    assert (
        retrieve(actor=actor_for(outsider, other_workspace), collections=[foreign], query="laptop")
        == []
    )
