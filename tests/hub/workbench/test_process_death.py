"""A web process killed mid-answer (``kill -9``), for real: two hub processes share a database;
the first streams an answer and dies; the second shows that answer interrupted, with the text
saved before the kill, and regenerates it.

The hubs are processes of one installation (tests.hub_processes) with a database of its own,
talking to the simulated provider at 20 tokens a second.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.sync.client import connect
from websockets.sync.connection import Connection

from hub.workbench.interruptions import INTERRUPTED_ERROR
from tests import factories
from tests.hub_processes import HubProcess, Installation, installation

pytestmark = pytest.mark.live_server
STALE_S = 1.5
PROMPT = " ".join(f"word{n}" for n in range(100))  # about 5 s of tokens
ANSWER = f"You said: {PROMPT}"


@pytest.fixture
def site(tmp_path: Path, slow_simulator) -> Iterator[Installation]:
    """A fresh installation with a simulated provider at 20 tokens a second."""
    with installation(
        tmp_path, slow_simulator.url, HUB_WORKBENCH_STALE_SECONDS=str(STALE_S)
    ) as fresh:
        yield fresh


def signed_in(hub: HubProcess) -> httpx.Client:
    client = httpx.Client(base_url=hub.url, timeout=10)
    client.get("/login/")
    token = client.cookies["csrftoken"]
    response = client.post(
        "/login/",
        data={"username": "alice", "password": factories.PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302, response.text[:500]
    return client


@contextmanager
def chat_socket(hub: HubProcess, client: httpx.Client, slug: str) -> Iterator[Connection]:
    headers = {"Origin": hub.url, "Cookie": f"sessionid={client.cookies['sessionid']}"}
    url = f"ws://127.0.0.1:{hub.port}/ws/w/{slug}/chat/"
    with connect(url, additional_headers=headers, open_timeout=10) as ws:
        assert json.loads(ws.recv(timeout=10))["type"] == "ready"
        yield ws


def events_until(ws: Connection, done: Callable[[dict[str, Any]], bool]) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    while not events or not done(events[-1]):
        events.append(json.loads(ws.recv(timeout=15)))
    return events


def shown_answer(client: httpx.Client, slug: str, conversation_id: int, answer_id: int) -> dict:
    """The answer as the conversation page hands it to its script."""
    html = client.get(f"/w/{slug}/chat/{conversation_id}/").text
    start = html.index(">", html.index('id="chat-conversation"')) + 1
    data = json.loads(html[start : html.index("</script>", start)])
    return next(m for m in data["messages"] if m["id"] == answer_id)


def test_an_answer_of_a_killed_process_is_shown_interrupted_and_can_be_retried(site):
    slug = site.slug
    doomed, survivor = HubProcess(site.env), HubProcess(site.env)
    try:
        doomed.wait_started()
        survivor.wait_started()
        there, here = signed_in(doomed), signed_in(survivor)
        with chat_socket(doomed, there, slug) as ws:
            ws.send(json.dumps({"type": "send", "content": PROMPT, "model": "sim/echo"}))
            started = json.loads(ws.recv(timeout=10))
            conversation_id = started["conversation"]["id"]
            prompt_id, answer_id = (m["id"] for m in started["messages"])
            # Past the stale threshold, still streaming in the other process: left alone.
            events_until(ws, lambda e: e["type"] == "token" and e["n"] >= 20 * (STALE_S + 0.5))
            alive = shown_answer(here, slug, conversation_id, answer_id)
            assert alive["status"] == "streaming" and alive["content"].startswith("You said:")
            doomed.kill()

        time.sleep(STALE_S + 0.5)
        dead = shown_answer(here, slug, conversation_id, answer_id)
        assert dead["status"] == "error" and dead["error"] == INTERRUPTED_ERROR
        assert len(alive["content"]) <= len(dead["content"]) < len(ANSWER)
        assert ANSWER.startswith(dead["content"])  # the text saved before the kill, kept

        with chat_socket(survivor, here, slug) as retry:
            retry.send(json.dumps({"type": "regenerate", "conversation_id": conversation_id,
                                   "message_id": prompt_id, "model": "sim/echo"}))  # fmt: skip
            done = events_until(retry, lambda e: e["type"] in ("done", "error"))[-1]
        assert done["status"] == "complete" and done["text"] == ANSWER
    finally:
        doomed.stop()
        survivor.stop()
