"""Providers and credentials over REST, per role, with write-only secrets and 400s that name the field."""

from __future__ import annotations

import pytest

from providers.models import Credential, Provider
from tests import factories
from tests.clients import assert_openai_error

pytestmark = pytest.mark.django_db

ROLES = ["owner", "admin", "member", "viewer"]
MANAGERS = {"owner", "admin"}


@pytest.mark.parametrize("role", ROLES)
def test_every_role_reads_providers_and_credentials(role, member_of, session_client, workspace):
    factories.make_provider(workspace, credential=factories.make_credential(workspace))
    client = session_client(member_of(role))
    for path in ("providers/", "credentials/"):
        response = client.get(f"/api/workspaces/{workspace.slug}/{path}")
        assert response.status_code == 200
        body = response.json()
        assert body["count"] == 1 and len(body["results"]) == 1


@pytest.mark.parametrize("role", ROLES)
def test_only_managers_create_update_and_delete_credentials(
    role, member_of, session_client, workspace
):
    client = session_client(member_of(role))
    url = f"/api/workspaces/{workspace.slug}/credentials/"
    payload = {"provider_kind": "openai", "name": "Work", "secret": "sk-SECRET-MARKER-1234"}
    created = client.post(url, payload, format="json")
    if role not in MANAGERS:
        assert_openai_error(created, 403)
        credential = factories.make_credential(workspace)
        assert_openai_error(
            client.patch(f"{url}{credential.pk}/", {"name": "n"}, format="json"), 403
        )
        assert_openai_error(client.delete(f"{url}{credential.pk}/"), 403)
        return
    assert created.status_code == 201, created.content
    body = created.json()
    assert "secret" not in body and body["secret_hint"]
    detail = f"{url}{body['id']}/"
    renamed = client.patch(detail, {"name": "Renamed"}, format="json")
    assert renamed.status_code == 200 and renamed.json()["name"] == "Renamed"
    assert client.delete(detail).status_code == 204
    assert not Credential.objects.filter(pk=body["id"]).exists()


def test_patching_a_secret_rotates_it_and_a_missing_secret_keeps_it(
    session_client, owner, workspace
):
    credential = factories.make_credential(workspace)
    client = session_client(owner)
    detail = f"/api/workspaces/{workspace.slug}/credentials/{credential.pk}/"
    client.patch(detail, {"organization": "org-1"}, format="json")
    credential.refresh_from_db()
    assert (
        credential.reveal_secret() == "sk-test-0123456789abcdef" and credential.rotated_at is None
    )
    response = client.patch(detail, {"secret": "sk-new-SECRET-MARKER-99"}, format="json")
    assert response.status_code == 200
    credential.refresh_from_db()
    assert credential.reveal_secret() == "sk-new-SECRET-MARKER-99"
    assert response.json()["rotated_at"] is not None


@pytest.mark.parametrize("role", ROLES)
def test_only_managers_create_update_and_delete_providers(
    role, member_of, session_client, workspace
):
    client = session_client(member_of(role))
    url = f"/api/workspaces/{workspace.slug}/providers/"
    credential = factories.make_credential(workspace)
    payload = {"kind": "openai", "name": "OpenAI", "credential": credential.pk, "priority": 5}
    created = client.post(url, payload, format="json")
    if role not in MANAGERS:
        assert_openai_error(created, 403)
        provider = factories.make_provider(workspace)
        assert_openai_error(
            client.patch(f"{url}{provider.pk}/", {"enabled": False}, format="json"), 403
        )
        assert_openai_error(client.delete(f"{url}{provider.pk}/"), 403)
        return
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["credential"] == credential.pk and body["slug"] == "openai"
    detail = f"{url}{body['id']}/"
    assert client.get(detail).json()["priority"] == 5
    patched = client.patch(detail, {"enabled": False, "credential": None}, format="json")
    assert patched.status_code == 200
    assert patched.json()["enabled"] is False and patched.json()["credential"] is None
    assert client.delete(detail).status_code == 204
    assert not Provider.objects.filter(pk=body["id"]).exists()


def test_credential_of_another_workspace_is_a_400_on_the_credential_field(
    session_client, owner, workspace, other_workspace
):
    foreign = factories.make_credential(other_workspace)
    response = session_client(owner).post(
        f"/api/workspaces/{workspace.slug}/providers/",
        {"kind": "openai", "name": "Sneaky", "credential": foreign.pk},
        format="json",
    )
    assert_openai_error(response, 400, param="credential")
    assert not Provider.objects.filter(workspace=workspace).exists()


@pytest.mark.parametrize(
    ("payload", "param"),
    [
        ({"kind": "not-a-kind", "name": "x"}, "kind"),
        ({"kind": "openai", "name": 5 * "x" * 100}, "name"),
        ({"kind": "openai", "name": "x", "priority": "high"}, "priority"),
        ({"kind": "openai", "name": "x", "priority": 2**40}, "priority"),
        ({"kind": "openai", "name": "x", "credential": "abc"}, "credential"),
        ({"kind": "openai", "name": "x", "options": [1, 2]}, "options"),
        ({"kind": "openai", "name": "x", "enabled": "maybe"}, "enabled"),
        ({"kind": "openai_compatible", "name": "x"}, "base_url"),
        ({"name": "x"}, "kind"),
    ],
)
def test_bad_provider_input_is_a_400_naming_the_field(
    payload, param, session_client, owner, workspace
):
    response = session_client(owner).post(
        f"/api/workspaces/{workspace.slug}/providers/", payload, format="json"
    )
    assert_openai_error(response, 400, param=param)


@pytest.mark.parametrize(
    "body",
    ['{"kind": "openai", "name": ', "[1, 2, 3]", '"just a string"', "null", "\x00\xff"],
)
def test_malformed_json_is_a_400_in_openai_shape(body, session_client, owner, workspace):
    response = session_client(owner).generic(
        "POST",
        f"/api/workspaces/{workspace.slug}/credentials/",
        body.encode("latin-1"),
        content_type="application/json",
    )
    error = assert_openai_error(response, 400)
    assert error["type"] == "invalid_request_error"


def test_unknown_credential_kind_is_a_400_on_provider_kind(session_client, owner, workspace):
    response = session_client(owner).post(
        f"/api/workspaces/{workspace.slug}/credentials/",
        {"provider_kind": "skynet", "name": "x", "secret": "SECRET-MARKER-2"},
        format="json",
    )
    assert_openai_error(response, 400, param="provider_kind")


def test_lists_are_paginated(session_client, owner, workspace):
    for n in range(3):
        factories.make_credential(workspace, name=f"Key {n}")
    response = session_client(owner).get(
        f"/api/workspaces/{workspace.slug}/credentials/?limit=2&offset=0"
    )
    body = response.json()
    assert body["count"] == 3 and len(body["results"]) == 2 and body["next"]
