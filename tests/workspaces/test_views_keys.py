"""The API keys page: scopes by role, the plaintext shown once, revoking."""

from __future__ import annotations

import hashlib
import re
from datetime import date, timedelta

import pytest
from django.urls import reverse

from tests import factories
from tests.clients import htmx
from workspaces import services
from workspaces.models import ApiKey, ApiKeyScope

pytestmark = pytest.mark.django_db

RAW_KEY = re.compile(r'<code id="new-api-key">(hub-[\w-]+)</code>')


def keys_url(workspace) -> str:
    return reverse("key-list", args=[workspace.slug])


def test_key_is_shown_once_and_only_its_digest_is_stored(owner_client, workspace):
    expiry = date.today() + timedelta(days=30)
    response = owner_client.post(
        keys_url(workspace),
        {"name": "nightly job", "scopes": ["inference", "read"], "expires_on": expiry.isoformat()},
    )
    assert response.status_code == 200
    raw_key = RAW_KEY.search(response.content.decode())[1]
    api_key = ApiKey.objects.get()
    assert api_key.key_hash == hashlib.sha256(raw_key.encode()).hexdigest()
    assert raw_key not in {api_key.key_hash, api_key.prefix, api_key.name}
    assert api_key.scopes == ["inference", "read"] and api_key.expires_at.date() == expiry
    page = owner_client.get(keys_url(workspace)).content.decode()
    assert raw_key not in page and api_key.prefix in page and "nightly job" in page


def test_member_may_choose_inference_and_read_but_not_manage(member_of, signed_in, workspace):
    client = signed_in(member_of("member"))
    body = client.get(keys_url(workspace)).content.decode()
    assert 'value="inference"' in body and 'value="read"' in body and 'value="manage"' not in body
    response = client.post(keys_url(workspace), {"name": "sneaky", "scopes": ["manage"]})
    assert response.status_code == 400 and not ApiKey.objects.exists()


def test_admin_may_create_a_manage_key(member_of, signed_in, workspace):
    client = signed_in(member_of("admin"))
    response = client.post(keys_url(workspace), {"name": "ops", "scopes": ["manage"]})
    assert response.status_code == 200 and ApiKey.objects.get().scopes == ["manage"]


def test_viewer_has_no_key_form_and_gets_403_on_post(member_of, signed_in, workspace):
    client = signed_in(member_of("viewer"))
    body = client.get(keys_url(workspace)).content.decode()
    assert "Create key" not in body and "Viewers cannot create API keys" in body
    response = client.post(keys_url(workspace), {"name": "x", "scopes": ["read"]})
    assert response.status_code == 403 and not ApiKey.objects.exists()


def test_a_past_expiry_is_a_form_error(owner_client, workspace):
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    response = owner_client.post(
        keys_url(workspace), {"name": "old", "scopes": ["read"], "expires_on": yesterday}
    )
    assert response.status_code == 400 and b"The expiry must be in the future" in response.content


def test_revoke_inline_marks_the_row_revoked(owner_client, workspace, owner):
    api_key, _raw = services.api_key_create(
        actor=factories.actor_for(owner, workspace), name="ci", scopes=[ApiKeyScope.READ]
    )
    response = htmx(owner_client, reverse("key-revoke", args=[workspace.slug, api_key.pk]))
    assert response.status_code == 200
    assert f'<tr id="key-{api_key.pk}"' in response.content.decode()
    assert b"Revoked" in response.content and b"Revoke</button>" not in response.content
    api_key.refresh_from_db()
    assert api_key.revoked_at is not None


def test_members_do_not_see_or_revoke_others_keys(member_of, signed_in, workspace, owner):
    admin_key, _raw = services.api_key_create(
        actor=factories.actor_for(owner, workspace), name="owner's key", scopes=[ApiKeyScope.READ]
    )
    client = signed_in(member_of("member"))
    assert "owner&#x27;s key" not in client.get(keys_url(workspace)).content.decode()
    response = client.post(reverse("key-revoke", args=[workspace.slug, admin_key.pk]))
    assert response.status_code == 404
    admin_key.refresh_from_db()
    assert admin_key.revoked_at is None


def test_admins_see_and_revoke_every_key(member_of, signed_in, workspace):
    member = member_of("member")
    key, _raw = services.api_key_create(
        actor=factories.actor_for(member, workspace), name="member key", scopes=["read"]
    )
    client = signed_in(member_of("admin"))
    assert "member key" in client.get(keys_url(workspace)).content.decode()
    response = client.post(reverse("key-revoke", args=[workspace.slug, key.pk]), follow=True)
    assert b"revoked; it stops working at once" in response.content
