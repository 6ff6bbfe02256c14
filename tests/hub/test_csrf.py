"""Every form needs its CSRF token, htmx posts included."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests import factories
from workspaces import services
from workspaces.models import ApiKey, Workspace

pytestmark = pytest.mark.django_db


@pytest.fixture
def strict_client(owner):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    return client


def csrf_token_of(client: Client, url: str) -> str:
    client.get(url)
    return client.cookies["csrftoken"].value


def test_login_without_a_token_is_403(owner):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        reverse("login"), {"username": owner.username, "password": factories.PASSWORD}
    )
    assert response.status_code == 403
    assert b"This form has expired" in response.content


def test_a_form_post_without_a_token_is_403_and_with_it_succeeds(strict_client):
    url = reverse("workspace-list")
    assert strict_client.post(url, {"name": "No token"}).status_code == 403
    assert not Workspace.objects.filter(name="No token").exists()
    token = csrf_token_of(strict_client, url)
    response = strict_client.post(url, {"name": "With token", "csrfmiddlewaretoken": token})
    assert response.status_code == 302 and Workspace.objects.filter(name="With token").exists()


def test_htmx_revoke_needs_the_token_header(strict_client, workspace, owner):
    api_key, _raw = services.api_key_create(
        actor=factories.actor_for(owner, workspace), name="ci", scopes=["read"]
    )
    url = reverse("key-revoke", args=[workspace.slug, api_key.pk])
    assert strict_client.post(url, headers={"HX-Request": "true"}).status_code == 403
    assert ApiKey.objects.get().revoked_at is None
    token = csrf_token_of(strict_client, reverse("key-list", args=[workspace.slug]))
    response = strict_client.post(url, headers={"HX-Request": "true", "X-CSRFToken": token})
    assert response.status_code == 200 and ApiKey.objects.get().revoked_at is not None


def test_every_page_with_a_form_carries_the_token(strict_client, workspace):
    for name in (
        "workspace-settings",
        "member-list",
        "key-list",
        "credential-create",
        "provider-create",
    ):
        body = strict_client.get(reverse(name, args=[workspace.slug])).content.decode()
        assert 'name="csrfmiddlewaretoken"' in body, name
        assert '"X-CSRFToken": "' in body, name  # htmx sends it as a header
