"""Shared fixtures. Tests hit the real database (SQLite by default, PostgreSQL in CI)."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from tests import factories


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def workspace(db):
    return factories.make_workspace("Acme")


@pytest.fixture
def other_workspace(db):
    return factories.make_workspace("Globex")


@pytest.fixture
def owner(workspace):
    return workspace.memberships.get(role="owner").user
