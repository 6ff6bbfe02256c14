"""Fixtures for the browser-page tests: signed-in clients that refuse to see a secret."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests import factories

# Every credential secret these tests create contains one of these markers.
SECRET_MARKERS = ("sk-test-0123456789abcdef", "SECRET-MARKER")


class SecretScanningClient(Client):
    """A test client that fails the test if any page contains a provider secret."""

    def request(self, **request: Any):
        response = super().request(**request)
        if not getattr(response, "streaming", False):
            body = response.content.decode(errors="replace")
            for marker in SECRET_MARKERS:
                assert marker not in body, f"a provider secret leaked from {request['PATH_INFO']}"
        return response


@pytest.fixture
def signed_in():
    """A factory: a scanning client signed in as ``user``."""

    def client_for(user, **kwargs: Any) -> SecretScanningClient:
        client = SecretScanningClient(**kwargs)
        client.force_login(user)
        return client

    return client_for


@pytest.fixture
def member_of(workspace):
    """A factory: a user holding ``role`` in the ``workspace`` fixture (the owner for owner)."""

    def with_role(role: str):
        if role == "owner":
            return workspace.memberships.get(role="owner").user
        return factories.add_member(workspace, role)

    return with_role


@pytest.fixture
def owner_client(owner, signed_in):
    return signed_in(owner)


def htmx(client: Client, url: str, data: dict[str, Any] | None = None):
    """POST as htmx does (the HX-Request header), so the view answers with a partial."""
    return client.post(url, data or {}, headers={"HX-Request": "true"})
