"""Providers and credentials pages: role rules, write-only secrets, workspace-only choices."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from providers.models import Credential, Provider, ProviderModel
from tests import factories

pytestmark = pytest.mark.django_db

# The pages' clients (tests/conftest.py) fail any response containing this marker.
SECRET = "sk-SECRET-MARKER-abcd1234wxyz"


def url(name: str, workspace, *args) -> str:
    return reverse(name, args=[workspace.slug, *args])


def test_credential_create_stores_the_secret_encrypted_and_shows_a_hint(owner_client, workspace):
    response = owner_client.post(
        url("credential-create", workspace),
        {"provider_kind": "openai", "name": "Work OpenAI", "secret": SECRET},
        follow=True,
    )
    credential = Credential.objects.get()
    assert credential.reveal_secret() == SECRET and SECRET not in credential.secret_encrypted
    assert credential.secret_hint in response.content.decode()
    for page in ("credential-list", "provider-create"):
        assert owner_client.get(url(page, workspace)).status_code == 200
    assert owner_client.get(url("credential-edit", workspace, credential.pk)).status_code == 200


@pytest.mark.parametrize(
    "data",
    [
        {"provider_kind": "openai", "name": "Taken"},  # duplicate name, caught by the service
        {"provider_kind": "openai", "name": ""},  # missing name, caught by the form
        {"provider_kind": "no-such-kind", "name": "X"},
    ],
)
def test_a_failed_credential_form_never_renders_the_secret(owner_client, workspace, data):
    factories.make_credential(workspace, name="Taken")
    response = owner_client.post(url("credential-create", workspace), {**data, "secret": SECRET})
    assert response.status_code == 400
    assert 'type="password"' in response.content.decode()
    assert Credential.objects.count() == 1


def test_rotating_a_credential_changes_the_hint_and_a_blank_secret_keeps_it(
    owner_client, workspace
):
    credential = factories.make_credential(workspace, name="Work")
    edit = url("credential-edit", workspace, credential.pk)
    owner_client.post(edit, {"name": "Work", "organization": "org-1", "secret": ""})
    credential.refresh_from_db()
    assert credential.rotated_at is None and credential.organization == "org-1"
    response = owner_client.post(edit, {"name": "Work", "secret": SECRET}, follow=True)
    credential.refresh_from_db()
    assert credential.reveal_secret() == SECRET and credential.rotated_at is not None
    assert credential.secret_hint.endswith("wxyz") and b"rotated" in response.content


def test_a_failed_rotation_never_renders_the_new_secret(owner_client, workspace):
    factories.make_credential(workspace, name="Other")
    credential = factories.make_credential(workspace, name="Work")
    edit = url("credential-edit", workspace, credential.pk)
    response = owner_client.post(edit, {"name": "Other", "secret": SECRET})
    assert response.status_code == 400 and b"already exists" in response.content


def test_provider_create_with_a_credential(owner_client, workspace):
    credential = factories.make_credential(workspace, name="Work OpenAI")
    response = owner_client.post(
        url("provider-create", workspace),
        {
            "kind": "openai",
            "name": "OpenAI",
            "credential": credential.pk,
            "priority": 10,
            "enabled": "on",
        },
        follow=True,
    )
    provider = Provider.objects.get()
    assert response.redirect_chain[-1][0] == url("provider-detail", workspace, provider.pk)
    assert (provider.slug, provider.credential, provider.priority) == ("openai", credential, 10)
    assert provider.base_url == "https://api.openai.com/v1" and provider.enabled


def test_credential_choices_are_this_workspaces_only(owner_client, workspace, other_workspace):
    foreign = factories.make_credential(other_workspace, name="Globex key")
    body = owner_client.get(url("provider-create", workspace)).content.decode()
    assert "Globex key" not in body
    response = owner_client.post(
        url("provider-create", workspace),
        {"kind": "openai", "name": "X", "credential": foreign.pk, "priority": 1},
    )
    assert response.status_code == 400 and b"Select a valid choice" in response.content
    assert not Provider.objects.filter(workspace=workspace).exists()


def test_a_credential_of_another_kind_is_a_field_error(owner_client, workspace):
    credential = factories.make_credential(workspace, kind="anthropic")
    response = owner_client.post(
        url("provider-create", workspace),
        {"kind": "openai", "name": "X", "credential": credential.pk, "priority": 1},
    )
    assert response.status_code == 400 and b"another kind of provider" in response.content


def test_a_private_base_url_is_refused_for_non_staff(owner_client, workspace):
    response = owner_client.post(
        url("provider-create", workspace),
        {
            "kind": "openai_compatible",
            "name": "Internal",
            "base_url": "http://10.0.0.5/v1",
            "priority": 1,
        },
    )
    assert response.status_code == 400 and b"Only site administrators" in response.content


def test_provider_list_shows_kind_url_hint_models_and_a_simulated_badge(owner_client, workspace):
    credential = factories.make_credential(workspace)
    real = factories.make_provider(workspace, name="OpenAI", credential=credential)
    factories.make_provider(workspace, kind="simulated", name="Sandbox")
    ProviderModel.objects.create(
        workspace=workspace, provider=real, name="gpt-4o",
        input_price_per_mtok=Decimal("1"), output_price_per_mtok=Decimal("0.075"),
    )  # fmt: skip
    body = owner_client.get(url("provider-list", workspace)).content.decode()
    assert "https://api.openai.com/v1" in body and credential.secret_hint in body
    assert body.count('class="badge badge-sim"') == 1 and "Sandbox" in body
    detail = owner_client.get(url("provider-detail", workspace, real.pk)).content.decode()
    assert "gpt-4o" in detail
    assert '<td class="num">$1.00</td>' in detail and '<td class="num">$0.075</td>' in detail


def test_owner_edits_and_deletes_a_provider(owner_client, workspace):
    provider = factories.make_provider(workspace, name="OpenAI")
    edit = url("provider-edit", workspace, provider.pk)
    assert 'value="OpenAI"' in owner_client.get(edit).content.decode()
    owner_client.post(edit, {"kind": "openai", "name": "OpenAI EU", "slug": "oai", "priority": 5})
    provider.refresh_from_db()
    assert (provider.name, provider.slug, provider.enabled) == ("OpenAI EU", "oai", False)
    delete = url("provider-delete", workspace, provider.pk)
    assert owner_client.get(delete).status_code == 200
    owner_client.post(delete)
    assert not Provider.objects.exists()


def test_owner_deletes_a_credential(owner_client, workspace):
    credential = factories.make_credential(workspace)
    provider = factories.make_provider(workspace, credential=credential)
    delete = url("credential-delete", workspace, credential.pk)
    assert provider.name in owner_client.get(delete).content.decode()
    owner_client.post(delete)
    provider.refresh_from_db()
    assert not Credential.objects.exists() and provider.credential is None


@pytest.mark.parametrize("role", ["member", "viewer"])
def test_members_and_viewers_see_providers_but_cannot_manage(role, member_of, signed_in, workspace):
    credential = factories.make_credential(workspace)
    provider = factories.make_provider(workspace, credential=credential)
    client = signed_in(member_of(role))
    listing = client.get(url("provider-list", workspace)).content.decode()
    assert provider.name in listing and "Add provider" not in listing and ">Edit<" not in listing
    assert "Add credential" not in client.get(url("credential-list", workspace)).content.decode()
    forbidden = [
        url("provider-create", workspace),
        url("provider-edit", workspace, provider.pk),
        url("provider-delete", workspace, provider.pk),
        url("credential-create", workspace),
        url("credential-edit", workspace, credential.pk),
        url("credential-delete", workspace, credential.pk),
    ]
    for page in forbidden:
        assert client.get(page).status_code == 403, page
        response = client.post(
            page, {"kind": "openai", "name": "x", "provider_kind": "openai", "secret": SECRET}
        )
        assert response.status_code == 403, page
    assert Provider.objects.count() == 1 and Credential.objects.count() == 1
