"""A live hub: the hub's ASGI app served by uvicorn on a free loopback port, in a thread of
the test process, so it shares the test database (use with ``transactional_db``); a workspace
wired to the simulated provider; and the usage rows its calls leave. The ``hub`` and
``gateway`` fixtures (tests/conftest.py) put them together."""

from __future__ import annotations

import asyncio
import threading
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

import uvicorn

from analytics.models import UsageRecord
from analytics.recorder import usage_recorder
from providers.models import Provider, ProviderModel
from tests import factories
from tests.simulated import free_port
from workspaces import services
from workspaces.models import Workspace


class LiveHub:
    running: ClassVar[list[LiveHub]] = []

    def __init__(self) -> None:
        from hub.asgi import application

        self.port = free_port()
        config = uvicorn.Config(
            application, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _serve(self) -> None:
        asyncio.run(self._serve_then_close())

    async def _serve_then_close(self) -> None:
        from asgiref.sync import sync_to_async
        from django.db import connections

        await self.server.serve()
        # Django's request threads keep their connections; close them so the test database
        # can be dropped at the end of the session.
        await sync_to_async(connections.close_all)()

    def start(self) -> LiveHub:
        self.thread.start()
        LiveHub.running.append(self)
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the hub did not start")
            time.sleep(0.02)
        return self

    def wait_idle(self, timeout: float = 10) -> None:
        """Wait until no request is being handled: a streamed response records its call after
        the client has read the last byte, and a test must not see it land in the next one."""
        deadline = time.monotonic() + timeout
        while self.server.server_state.tasks and time.monotonic() < deadline:
            time.sleep(0.01)

    def stop(self) -> None:
        LiveHub.running.remove(self)
        self.server.should_exit = True
        self.thread.join(timeout=5)


PRICES = {"input_price_per_mtok": Decimal("2"), "output_price_per_mtok": Decimal("8")}
CHAT_MODELS = (
    "echo", "fault-500", "fault-429", "fault-cut", "fault-hang", "fault-503", "fault-malformed",
    "fault-stall",
)  # fmt: skip


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


def recorded_usage(**filters):
    """Usage rows once the background writer has caught up."""
    for server in LiveHub.running:
        server.wait_idle()  # a stream records its call just after the client read the last byte
    assert usage_recorder.flush(timeout=10)
    return list(UsageRecord.objects.filter(**filters).order_by("id"))
