"""A live hub (uvicorn in a thread, sharing the test database) in front of the simulated
provider (a real HTTP server in a subprocess), and a workspace wired to it."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from analytics.recorder import usage_recorder
from providers.models import Provider, ProviderModel
from routing.reliability import local_backends_reset
from routing.signals import pipeline_caches_clear
from tests import factories
from tests.routing.live_hub import LiveHub
from workspaces import services
from workspaces.models import ApiKeyScope, Workspace

PRICES = {"input_price_per_mtok": Decimal("2"), "output_price_per_mtok": Decimal("8")}
CHAT_MODELS = ("echo", "fault-500", "fault-429", "fault-cut", "fault-hang", "fault-503")


@pytest.fixture(scope="session")
def hub(django_db_setup, django_db_blocker):
    server = LiveHub().start()
    yield server
    server.stop()


@dataclass
class Gateway:
    url: str
    key: str
    workspace: Workspace
    provider: Provider

    @property
    def v1(self) -> str:
        return f"{self.url}/v1"

    def key_with(self, scopes: list[str], **extra) -> str:
        owner = self.workspace.memberships.get(role="owner").user
        _key, raw = services.api_key_create(
            actor=factories.actor_for(owner, self.workspace), name="k", scopes=scopes, **extra
        )
        return raw


def wire_provider(workspace: Workspace, *, slug: str, base_url: str) -> Provider:
    provider = factories.make_provider(workspace, kind="simulated", slug=slug, name=slug)
    Provider.objects.filter(pk=provider.pk).update(base_url=base_url)
    provider.refresh_from_db()
    for name in CHAT_MODELS:
        ProviderModel.objects.create(workspace=workspace, provider=provider, name=name, **PRICES)
    ProviderModel.objects.create(
        workspace=workspace, provider=provider, name="embed", is_embedding=True, **PRICES
    )
    return provider


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


def recorded_usage(**filters):
    """Usage rows once the background writer has caught up."""
    from analytics.models import UsageRecord

    for server in LiveHub.running:
        server.wait_idle()  # a stream records its call just after the client read the last byte
    assert usage_recorder.flush(timeout=10)
    return list(UsageRecord.objects.filter(**filters).order_by("id"))
