"""A live hub (uvicorn in a thread, sharing the test database) in front of the simulated
provider (a real HTTP server in a subprocess), and a workspace wired to it."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

from analytics.recorder import usage_recorder
from providers.models import Provider, ProviderModel
from tests import factories
from tests.routing.live_hub import LiveHub, free_port
from workspaces import services
from workspaces.models import ApiKeyScope, Workspace

ROOT = Path(__file__).resolve().parents[2]
PRICES = {"input_price_per_mtok": Decimal("2"), "output_price_per_mtok": Decimal("8")}
CHAT_MODELS = ("echo", "fault-500", "fault-429", "fault-cut", "fault-hang", "fault-503")


class Simulator:
    """``manage.py simulate_provider`` on a free loopback port."""

    def __init__(self, *args: str) -> None:
        self.port = free_port()
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "simulate_provider", "--port", str(self.port), *args],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                break
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the simulated provider did not start") from None
                time.sleep(0.05)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture(scope="session")
def simulator():  # type: ignore[no-untyped-def]
    sim = Simulator()
    yield sim
    sim.stop()


@pytest.fixture(scope="session")
def slow_simulator():  # type: ignore[no-untyped-def]
    """Streams 20 tokens a second, so timing of each chunk is observable."""
    sim = Simulator("--tokens-per-second", "20")
    yield sim
    sim.stop()


@pytest.fixture(scope="session")
def hub(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
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

    def key_with(self, scopes: list[str], **extra) -> str:  # type: ignore[no-untyped-def]
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
def gateway(transactional_db, hub, simulator):  # type: ignore[no-untyped-def]
    workspace = factories.make_workspace("Acme")
    provider = wire_provider(workspace, slug="sim", base_url=simulator.url)
    gw = Gateway(url=hub.url, key="", workspace=workspace, provider=provider)
    gw.key = gw.key_with([ApiKeyScope.INFERENCE])
    yield gw
    usage_recorder.flush()


def recorded_usage(**filters):  # type: ignore[no-untyped-def]
    """Usage rows once the background writer has caught up."""
    from analytics.models import UsageRecord

    assert usage_recorder.flush(timeout=10)
    return list(UsageRecord.objects.filter(**filters).order_by("id"))
