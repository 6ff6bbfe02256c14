"""Fixtures for health tests: providers on the simulator, on a closed port, on a silent one."""

from __future__ import annotations

import pytest

from analytics.alerts.models import AlertSettings
from providers.models import Provider
from tests import factories
from tests.loopback import SilentServer, smtp_server, webhook_receiver  # noqa: F401

CLOSED_PORT_URL = "http://127.0.0.1:9"


def point_at(provider: Provider, url: str) -> Provider:
    """Set the base URL past the loopback rule (only site admins may; tests act as one)."""
    Provider.objects.filter(pk=provider.pk).update(base_url=url)
    provider.refresh_from_db()
    return provider


def simulated(workspace, url: str, slug: str = "sim") -> Provider:
    provider = factories.make_provider(workspace, kind="simulated", slug=slug, name=slug.title())
    return point_at(provider, url)


@pytest.fixture
def sim_provider(workspace, simulator) -> Provider:
    return simulated(workspace, simulator.url)


@pytest.fixture
def silent_server():
    server = SilentServer()
    yield server
    server.stop()


@pytest.fixture
def webhook_to(workspace):
    """Point the workspace's alert webhook at ``url`` (site-admin only through the service)."""

    def set_url(url: str, **fields) -> None:
        AlertSettings.objects.update_or_create(
            workspace=workspace, defaults={"webhook_url": url, **fields}
        )

    return set_url
