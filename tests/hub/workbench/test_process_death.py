"""A web process killed mid-answer (``kill -9``), for real: two hub processes share a database;
the first streams an answer and dies; the second shows that answer interrupted, with the text
saved before the kill, and regenerates it.

The hubs are subprocesses on their own SQLite file (a test database in memory cannot be shared
between processes), talking to the simulated provider at 20 tokens a second.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.sync.client import ClientConnection, connect

from hub.workbench.interruptions import INTERRUPTED_ERROR
from tests import factories
from tests.simulated import ROOT, free_port

pytestmark = pytest.mark.live_server
STALE_S = 1.5
PROMPT = " ".join(f"word{n}" for n in range(100))  # about 5 s of tokens
ANSWER = f"You said: {PROMPT}"
SEED = """
from tests import factories
from tests.live_hub import wire_provider

owner = factories.make_user("alice")
workspace = factories.make_workspace("Crash", owner=owner)
wire_provider(workspace, slug="sim", base_url={url!r})
print(workspace.slug)
"""


class HubProcess:
    """The hub's ASGI app under uvicorn in a process of its own."""

    def __init__(self, env: dict[str, str]) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "hub.asgi:application", "--host", "127.0.0.1",
             "--port", str(self.port), "--no-access-log", "--log-level", "warning"],
            cwd=ROOT, env=env,
        )  # fmt: skip

    def wait_started(self) -> HubProcess:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return self
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the hub process did not start") from None
                time.sleep(0.05)

    def kill(self) -> None:
        """As the OOM killer does: no shutdown, no last save."""
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture
def site(tmp_path: Path, slow_simulator) -> Iterator[tuple[dict[str, str], str]]:
    """The environment of a fresh installation on ``tmp_path`` with a simulated provider, and
    the slug of its workspace."""
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "QDRANT_URL")}
    env.update(
        DJANGO_SETTINGS_MODULE="hub.settings", DEBUG="true", HUB_DATA_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'hub.sqlite3'}", LOG_LEVEL="WARNING",
        HUB_WORKBENCH_STALE_SECONDS=str(STALE_S), CELERY_TASK_ALWAYS_EAGER="false",
    )  # fmt: skip

    def manage(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True,
            text=True, timeout=120, check=True,
        )  # fmt: skip
        return done.stdout.strip()

    manage("migrate", "-v0")
    slug = manage("shell", "-c", SEED.format(url=slow_simulator.url)).splitlines()[-1]
    yield env, slug


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
def chat_socket(hub: HubProcess, client: httpx.Client, slug: str) -> Iterator[ClientConnection]:
    headers = {"Origin": hub.url, "Cookie": f"sessionid={client.cookies['sessionid']}"}
    url = f"ws://127.0.0.1:{hub.port}/ws/w/{slug}/chat/"
    with connect(url, additional_headers=headers, open_timeout=10) as ws:
        assert json.loads(ws.recv(timeout=10))["type"] == "ready"
        yield ws


def events_until(
    ws: ClientConnection, done: Callable[[dict[str, Any]], bool]
) -> list[dict[str, Any]]:
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
    env, slug = site
    doomed, survivor = HubProcess(env), HubProcess(env)
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
