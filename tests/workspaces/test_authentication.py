"""Who may call the REST API: sessions, live API keys, and nobody else."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.utils import timezone

from tests import factories
from tests.clients import ALL_SCOPES, assert_openai_error, make_key
from workspaces.models import ApiKey, ApiKeyScope

pytestmark = pytest.mark.django_db


def test_unauthenticated_request_gets_401_in_openai_shape(api_client, workspace):
    response = api_client.get(f"/api/workspaces/{workspace.slug}/providers/")
    error = assert_openai_error(response, 401)
    assert error["type"] == "authentication_error"


def test_unknown_bearer_key_gets_401(key_client, workspace):
    response = key_client("hub-" + "x" * 40).get("/api/workspaces/")
    assert_openai_error(response, 401)


def test_valid_key_reads_its_workspace(key_client, workspace, owner):
    client = key_client(make_key(owner, workspace, [ApiKeyScope.READ]))
    response = client.get(f"/api/workspaces/{workspace.slug}/")
    assert response.status_code == 200
    assert response.json()["slug"] == workspace.slug


def test_a_key_in_x_api_key_works_as_on_v1(api_client, workspace, owner):
    raw_key = make_key(owner, workspace, [ApiKeyScope.READ])
    response = api_client.get(f"/api/workspaces/{workspace.slug}/", HTTP_X_API_KEY=raw_key)
    assert response.status_code == 200 and response.json()["slug"] == workspace.slug
    wrong = api_client.get("/api/workspaces/", HTTP_X_API_KEY="hub-" + "x" * 40)
    assert_openai_error(wrong, 401)


def test_revoked_key_gets_401(key_client, session_client, workspace, owner):
    raw_key = make_key(owner, workspace, [ApiKeyScope.READ])
    client = key_client(raw_key)
    assert client.get("/api/workspaces/").status_code == 200
    key_id = ApiKey.objects.get(prefix=raw_key[:12]).pk
    revoke = session_client(owner).delete(f"/api/workspaces/{workspace.slug}/keys/{key_id}/")
    assert revoke.status_code == 200
    assert revoke.json()["status"] == "revoked"
    assert_openai_error(client.get("/api/workspaces/"), 401)


def test_expired_key_gets_401(key_client, workspace, owner):
    raw_key = make_key(
        owner, workspace, [ApiKeyScope.READ], expires_at=timezone.now() + timedelta(hours=1)
    )
    ApiKey.objects.filter(prefix=raw_key[:12]).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert_openai_error(key_client(raw_key).get(f"/api/workspaces/{workspace.slug}/"), 401)


def test_key_of_workspace_a_on_workspace_b_urls_gets_404(
    key_client, workspace, other_workspace, owner
):
    client = key_client(make_key(owner, workspace, ALL_SCOPES))
    provider = factories.make_provider(other_workspace)
    for url in (
        f"/api/workspaces/{other_workspace.slug}/",
        f"/api/workspaces/{other_workspace.slug}/providers/",
        f"/api/workspaces/{other_workspace.slug}/providers/{provider.pk}/",
    ):
        error = assert_openai_error(client.get(url), 404)
        assert other_workspace.name not in error["message"]


def test_key_lists_only_its_own_workspace(key_client, workspace, owner):
    factories.make_workspace("Second", owner=owner)
    response = key_client(make_key(owner, workspace, [ApiKeyScope.READ])).get("/api/workspaces/")
    assert [w["slug"] for w in response.json()["results"]] == [workspace.slug]


def test_read_scope_key_cannot_post(key_client, workspace, owner):
    client = key_client(make_key(owner, workspace, [ApiKeyScope.READ]))
    response = client.post(
        f"/api/workspaces/{workspace.slug}/credentials/",
        {"provider_kind": "openai", "name": "x", "secret": "SECRET-MARKER-1"},
        format="json",
    )
    assert_openai_error(response, 403)
    assert client.get(f"/api/workspaces/{workspace.slug}/credentials/").status_code == 200


def test_inference_only_key_gets_403_on_management_endpoints(key_client, workspace, owner):
    client = key_client(make_key(owner, workspace, [ApiKeyScope.INFERENCE]))
    for path in ("", "members/", "providers/", "credentials/", "keys/"):
        response = client.get(f"/api/workspaces/{workspace.slug}/{path}")
        assert_openai_error(response, 403)
    assert_openai_error(client.get("/api/workspaces/"), 403)


def test_keys_cannot_create_workspaces_or_accept_invitations(key_client, workspace, owner):
    client = key_client(make_key(owner, workspace, ALL_SCOPES))
    assert_openai_error(client.post("/api/workspaces/", {"name": "Nope"}, format="json"), 403)
    response = client.post("/api/invitations/accept/", {"token": "t"}, format="json")
    assert_openai_error(response, 403)


def test_key_creation_returns_plaintext_once_and_stores_only_its_sha256(session_client, workspace):
    member = factories.add_member(workspace, "member")
    client = session_client(member)
    url = f"/api/workspaces/{workspace.slug}/keys/"
    created = client.post(url, {"name": "CI", "scopes": ["read", "inference"]}, format="json")
    assert created.status_code == 201, created.content
    raw_key = created.json()["key"]
    assert raw_key.startswith("hub-")
    stored = ApiKey.objects.get(pk=created.json()["id"])
    assert stored.key_hash == hashlib.sha256(raw_key.encode()).hexdigest()
    stored_values = [str(v) for v in ApiKey.objects.filter(pk=stored.pk).values().get().values()]
    assert not any(raw_key in value for value in stored_values)
    for later in (client.get(url), client.get(f"{url}{stored.pk}/")):
        assert later.status_code == 200
        assert raw_key not in later.content.decode()
        assert "key" not in later.json() or later.json().get("key") is None
