"""Shared fixtures. Tests hit the real database (SQLite by default, PostgreSQL in CI)."""

from __future__ import annotations

from typing import Any

import pytest
import redis
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from analytics.recorder import usage_recorder
from routing.reliability import local_backends_reset
from routing.signals import pipeline_caches_clear
from tests import factories
from tests.browser import chromium_page
from tests.clients import ApiClient, PageClient
from tests.live_hub import Gateway, LiveHub, wire_provider
from tests.simulated import Simulator
from workspaces.models import ApiKeyScope

BROWSER_FIXTURES = frozenset({"browser_page", "page"})
LIVE_SERVER_FIXTURES = frozenset({"live_server", "hub", "gateway"})
LLAMA_TESTS = "tests/providers/local/"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark tests by what they start, so a run can pick them (``-m browser``, ``-m "not
    llama"``); test modules that start hub processes of their own mark themselves."""
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if fixtures & BROWSER_FIXTURES:
            item.add_marker(pytest.mark.browser)
        if fixtures & LIVE_SERVER_FIXTURES:
            item.add_marker(pytest.mark.live_server)
        if LLAMA_TESTS in item.nodeid.replace("\\", "/"):
            item.add_marker(pytest.mark.llama)


@pytest.fixture(scope="session", autouse=True)
def _no_counters_from_earlier_runs():
    """Budgets, limits and breakers on Redis are keyed by ids a fresh test database reuses."""
    if settings.REDIS_URL:
        client = redis.Redis.from_url(settings.REDIS_URL)
        for key in client.scan_iter("hub:rel:*"):
            client.delete(key)
        client.close()


@pytest.fixture(scope="session", autouse=True)
def _usage_writer_lets_go_of_the_database(django_db_setup, django_db_blocker):
    """The usage writer's thread holds a connection; drop it before the test database is."""
    yield
    usage_recorder.flush(close_connection=True)
    if connection.vendor == "postgresql":
        # Threads of live servers and websocket handlers may still hold a session; end them
        # so PostgreSQL lets the test database be dropped.
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )


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


@pytest.fixture(scope="session")
def simulator():
    sim = Simulator()
    yield sim
    sim.stop()


@pytest.fixture(scope="session")
def slow_simulator():
    """Streams 20 tokens a second, so timing of each chunk is observable."""
    sim = Simulator("--tokens-per-second", "20")
    yield sim
    sim.stop()


@pytest.fixture
def browser_page():
    """A Chromium page; the test fails if the page logs an error of its own."""
    with chromium_page() as (page, errors):
        yield page
    assert not errors, errors


@pytest.fixture(scope="session")
def hub(django_db_setup, django_db_blocker):
    server = LiveHub().start()
    yield server
    server.stop()


@pytest.fixture
def gateway(transactional_db, hub, simulator):
    # Ids are reused once a test's rows are flushed: no cached config, and no in-process
    # counter keyed by an id, may outlive its test.
    pipeline_caches_clear()
    local_backends_reset()
    workspace = factories.make_workspace("Acme")
    provider = wire_provider(workspace, slug="sim", base_url=simulator.url)
    gw = Gateway(url=hub.url, key="", workspace=workspace, provider=provider)
    gw.key = gw.key_with([ApiKeyScope.INFERENCE])
    yield gw
    hub.wait_idle()
    usage_recorder.flush()


@pytest.fixture
def api_client() -> ApiClient:
    return ApiClient()


@pytest.fixture
def session_client():
    """A factory: a REST client signed in as ``user``."""

    def signed_in(user) -> ApiClient:
        client = ApiClient()
        client.force_login(user)
        return client

    return signed_in


@pytest.fixture
def key_client():
    """A factory: a REST client sending ``Authorization: Bearer <key>``."""

    def with_key(raw_key: str) -> ApiClient:
        client = ApiClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw_key}")
        return client

    return with_key


@pytest.fixture
def signed_in():
    """A factory: a page client signed in as ``user``."""

    def client_for(user, **kwargs: Any) -> PageClient:
        client = PageClient(**kwargs)
        client.force_login(user)
        return client

    return client_for


@pytest.fixture
def owner_client(owner, signed_in):
    return signed_in(owner)


@pytest.fixture
def member_of(workspace):
    """A factory: a user holding ``role`` in the ``workspace`` fixture (the owner for owner)."""

    def with_role(role: str):
        if role == "owner":
            return workspace.memberships.get(role="owner").user
        return factories.add_member(workspace, role)

    return with_role
