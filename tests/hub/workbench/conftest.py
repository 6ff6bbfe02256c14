"""Workbench fixtures: a workspace wired to the simulated provider, and WebSocket clients that
come in through the whole ASGI stack (origin check, session cookie, router) as a browser does."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from analytics.recorder import usage_recorder
from routing.models import ModelAlias
from routing.signals import pipeline_caches_clear
from tests import factories
from tests.hub.workbench.browser_lab import console_errors, greeting, lab, page  # noqa: F401  (fixtures of the browser tests)
from tests.live_hub import wire_provider
from workspaces.models import Workspace

ORIGIN = b"http://127.0.0.1"
MODEL = "sim/echo"


def wired_workspace(simulator_url: str, name: str = "Acme") -> Workspace:
    # Ids are reused once a test's rows are flushed: no cached config may outlive its test.
    pipeline_caches_clear()
    workspace = factories.make_workspace(name)
    wire_provider(workspace, slug="sim", base_url=simulator_url)
    return workspace


@pytest.fixture(autouse=True)
def _no_persistent_connections(monkeypatch):
    """Consumers, generations and the live hub's request threads touch the database from
    threads that outlive the test; with CONN_MAX_AGE 0 each closes its connection when done,
    so PostgreSQL can drop the test database at the end."""
    from django.db import connections

    monkeypatch.setitem(connections.settings["default"], "CONN_MAX_AGE", 0)


@pytest.fixture
def wired_db(workspace):
    """The workspace with a simulated provider (never called here) and an alias."""
    wire_provider(workspace, slug="sim", base_url="http://127.0.0.1:9")
    ModelAlias.objects.create(workspace=workspace, name="fast", candidates=[{"model": "sim/echo"}])
    return workspace


def page_json(response, element_id: str):
    """The JSON a page hands its script in ``<script id=element_id type=application/json>``."""
    html = response.content.decode()
    start = html.index(f'id="{element_id}"')
    start = html.index(">", start) + 1
    return json.loads(html[start : html.index("</script>", start)])


@pytest.fixture
def wired(transactional_db, simulator):
    """A workspace whose provider ``sim`` answers instantly."""
    return wired_workspace(simulator.url)


@pytest.fixture
def wired_slow(transactional_db, slow_simulator):
    """A workspace whose provider ``sim`` streams 20 tokens a second."""
    return wired_workspace(slow_simulator.url)


@pytest.fixture
async def generations_waited(transactional_db):
    """A test's generations finish (and their usage rows land) before its database is
    flushed; use with ``pytest.mark.usefixtures("generations_waited")``."""
    yield
    await generations_finished()


async def generations_finished() -> None:
    """Generations are tasks on the test's loop: a test waits for its own before it ends."""
    from hub.workbench.generation import generations

    await generations.wait_idle()
    await sync_to_async(usage_recorder.flush)(timeout=10)


def session_cookie(user) -> bytes:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}".encode()


@pytest.fixture
def socket_for() -> Callable[..., Any]:
    """``async with socket_for(user, workspace, "chat") as ws``: a connected socket (or, with
    ``expect_accept=False``, the refused handshake's close code in ``ws.refusal``)."""

    @asynccontextmanager
    async def connect(
        user,
        workspace: Workspace,
        page: str = "chat",  # noqa: F811  (the page of the socket, not the fixture)
        *,
        expect_accept: bool = True,
    ) -> AsyncIterator[WebsocketCommunicator]:
        from hub.asgi import application

        headers = [(b"origin", ORIGIN)]
        if user is not None:
            headers.append((b"cookie", await sync_to_async(session_cookie)(user)))
        communicator = WebsocketCommunicator(
            application, f"/ws/w/{workspace.slug}/{page}/", headers=headers
        )
        connected, code = await communicator.connect(timeout=5)
        communicator.refusal = None if connected else code
        assert connected is expect_accept, code
        try:
            if connected:
                ready = await communicator.receive_json_from(timeout=5)
                assert ready["type"] == "ready"
                communicator.can_generate = ready["can_generate"]
            yield communicator
        finally:
            if connected:
                await communicator.disconnect()

    return connect


async def events_until(
    ws: WebsocketCommunicator, done: Callable[[dict[str, Any]], bool], timeout: float = 10
) -> list[dict[str, Any]]:
    """Every event up to and including the first for which ``done`` is true."""
    events = []
    while True:
        event = await ws.receive_json_from(timeout=timeout)
        events.append(event)
        if done(event):
            return events


def is_done(event: dict[str, Any]) -> bool:
    return event["type"] in ("done", "error")
