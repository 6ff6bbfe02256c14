"""Shared fixtures. Tests hit the real database (SQLite by default, PostgreSQL in CI)."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from tests import factories
from tests.simulated import Simulator


@pytest.fixture(scope="session", autouse=True)
def _no_counters_from_earlier_runs():
    """Budgets, limits and breakers on Redis are keyed by ids a fresh test database reuses."""
    from django.conf import settings

    if settings.REDIS_URL:
        import redis

        client = redis.Redis.from_url(settings.REDIS_URL)
        for key in client.scan_iter("hub:rel:*"):
            client.delete(key)
        client.close()


@pytest.fixture(scope="session", autouse=True)
def _usage_writer_lets_go_of_the_database(django_db_setup, django_db_blocker):
    """The usage writer's thread holds a connection; drop it before the test database is."""
    yield
    from django.db import connection

    from analytics.recorder import usage_recorder

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
