"""Test clients that fail a test when any response contains a provider secret, for pages
(PageClient) and the REST API (ApiClient), and the helpers the tests use with them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.test import Client
from rest_framework.test import APIClient

from tests import factories
from workspaces import services
from workspaces.models import ApiKeyScope, Workspace

# Every credential secret the tests create contains one of these markers (the factory's does).
SECRET_MARKERS = ("sk-test-0123456789abcdef", "SECRET-MARKER")
ALL_SCOPES = [ApiKeyScope.READ, ApiKeyScope.INFERENCE, ApiKeyScope.MANAGE]


def secrets_absent(response: Any, path: str) -> None:
    if getattr(response, "streaming", False):
        return
    body = response.content.decode(errors="replace")
    for marker in SECRET_MARKERS:
        assert marker not in body, f"a provider secret leaked from {path}"


class PageClient(Client):
    """Django's test client, scanning every page for a provider secret."""

    def request(self, **request: Any):
        response = super().request(**request)
        secrets_absent(response, request["PATH_INFO"])
        return response


class ApiClient(APIClient):
    """DRF's test client, scanning every response body for a provider secret."""

    def request(self, **kwargs: Any):
        response = super().request(**kwargs)
        secrets_absent(response, kwargs.get("PATH_INFO", ""))
        return response


def assert_openai_error(response, status: int, *, param: str | None = None) -> dict:
    """The response has ``status`` and the OpenAI error shape; returns the error object."""
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert {"message", "type", "code", "param"} <= set(error)
    assert isinstance(error["message"], str) and error["message"]
    if param is not None:
        assert error["param"] == param, error
    return error


def make_key(
    user, workspace: Workspace, scopes: list[str], *, expires_at: datetime | None = None
) -> str:
    """The plaintext of a new key of ``user`` in ``workspace``."""
    _key, raw = services.api_key_create(
        actor=factories.actor_for(user, workspace),
        name="test key",
        scopes=scopes,
        expires_at=expires_at,
    )
    return raw


def htmx(client: Client, url: str, data: dict[str, Any] | None = None):
    """POST as htmx does (the HX-Request header), so the view answers with a partial."""
    return client.post(url, data or {}, headers={"HX-Request": "true"})
