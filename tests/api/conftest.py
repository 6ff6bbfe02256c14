"""Fixtures for the REST API tests: clients that refuse to see a provider secret."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from rest_framework.test import APIClient

from tests import factories
from workspaces import services
from workspaces.models import ApiKeyScope, Workspace

# Every credential secret the API tests create contains this marker, as does the factory's.
SECRET_MARKERS = ("sk-test-0123456789abcdef", "SECRET-MARKER")
ALL_SCOPES = [ApiKeyScope.READ, ApiKeyScope.INFERENCE, ApiKeyScope.MANAGE]


class SecretScanningClient(APIClient):
    """An API client that fails the test if any response body contains a provider secret."""

    def request(self, **kwargs: Any):
        response = super().request(**kwargs)
        body = response.content.decode(errors="replace")
        for marker in SECRET_MARKERS:
            assert marker not in body, f"a provider secret leaked from {kwargs.get('PATH_INFO')}"
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


@pytest.fixture
def api_client() -> SecretScanningClient:
    return SecretScanningClient()


@pytest.fixture
def session_client(api_client):
    """A factory: a scanning client signed in as ``user``."""

    def signed_in(user) -> SecretScanningClient:
        client = SecretScanningClient()
        client.force_login(user)
        return client

    return signed_in


@pytest.fixture
def key_client():
    """A factory: a scanning client sending ``Authorization: Bearer <key>``."""

    def with_key(raw_key: str) -> SecretScanningClient:
        client = SecretScanningClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw_key}")
        return client

    return with_key


@pytest.fixture
def member_of(workspace):
    """A factory: a user holding ``role`` in the ``workspace`` fixture (the owner for owner)."""

    def with_role(role: str):
        if role == "owner":
            return workspace.memberships.get(role="owner").user
        return factories.add_member(workspace, role)

    return with_role
