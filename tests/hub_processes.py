"""Hub installations run as real processes, for drills a thread in the test process cannot
stage: a SIGTERM, a SIGKILL, two replicas. Each installation has a database of its own (a
SQLite file, or a throw-away PostgreSQL database when DATABASE_URL is PostgreSQL, as in CI)
and, with REDIS_URL, a Redis database of its own."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import redis

from tests.simulated import ROOT, free_port

DRILL_REDIS_DB = 12  # and one more per pytest-xdist worker: 12 for gw0, 13 for gw1...
SEED = """
from tests import factories
from tests.live_hub import wire_provider
from workspaces.models import ApiKeyScope
from workspaces.services import api_key_create

owner = factories.make_user("alice")
workspace = factories.make_workspace("Drill", owner=owner)
wire_provider(workspace, slug="sim", base_url={url!r})
key = api_key_create(actor=factories.actor_for(owner, workspace), name="drill",
                     scopes=[ApiKeyScope.INFERENCE])[1]
print(workspace.slug, key)
"""


@dataclass
class Installation:
    env: dict[str, str]
    slug: str
    key: str

    def manage(self, *args: str, timeout: float = 120) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True,
            text=True, timeout=timeout, check=True,
        )  # fmt: skip
        return done.stdout.strip()

    def request_ids(self) -> set[str]:
        """Every usage record's request id, read by a process of the installation's own."""
        code = (
            "from analytics.models import UsageRecord\n"
            "print(' '.join(UsageRecord.objects.values_list('request_id', flat=True)))"
        )
        return set(self.manage("shell", "-c", code).split())


class HubProcess:
    """The hub's ASGI app under uvicorn in a process of its own, with its lifespan on."""

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

    def terminate(self, timeout: float = 30) -> int:
        """SIGTERM, as an orchestrator stops a replica; waits for the process to exit."""
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=timeout)

    def kill(self) -> None:
        """As the OOM killer does: no shutdown, no last save."""
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


@contextlib.contextmanager
def installation(
    tmp_path: Path, simulator_url: str, *, redis_url: str = "", **settings: str
) -> Iterator[Installation]:
    """A migrated installation with a workspace wired to the simulator and an inference key;
    on `redis_url` (a private redis-server) when given, else on a database of REDIS_URL's."""
    env = {k: v for k, v in os.environ.items() if k not in ("QDRANT_URL", "PYTEST_XDIST_WORKER")}
    env.update(
        DJANGO_SETTINGS_MODULE="hub.settings", DEBUG="true", HUB_DATA_DIR=str(tmp_path),
        LOG_LEVEL="WARNING", CELERY_TASK_ALWAYS_EAGER="false", **settings,
    )  # fmt: skip
    with _database(tmp_path) as database_url, _redis(redis_url) as redis_url:
        env["DATABASE_URL"] = database_url
        if redis_url:
            env["REDIS_URL"] = redis_url
        else:
            env.pop("REDIS_URL", None)
        site = Installation(env=env, slug="", key="")
        site.manage("migrate", "-v0")
        site.slug, site.key = site.manage("shell", "-c", SEED.format(url=simulator_url)).split()[
            -2:
        ]
        yield site


@contextlib.contextmanager
def _database(tmp_path: Path) -> Iterator[str]:
    configured = os.environ.get("DATABASE_URL", "")
    if not configured.startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{tmp_path / 'hub.sqlite3'}"
        return
    name = f"hub_drill_{uuid.uuid4().hex[:10]}"
    admin = configured.replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(urlsplit(configured)._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def _redis(private_url: str) -> Iterator[str]:
    if private_url:
        yield private_url
        return
    configured = os.environ.get("REDIS_URL", "")
    if not configured:
        yield ""
        return
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    database = DRILL_REDIS_DB + int(worker[2:] or 0)
    url = urlunsplit(urlsplit(configured)._replace(path=f"/{database}"))
    client = redis.Redis.from_url(url)
    client.flushdb()
    try:
        yield url
    finally:
        client.flushdb()
        client.close()
