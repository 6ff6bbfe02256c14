"""Backends under test: the in-process one, and the Redis one (on its own database number,
since the suite's cache fixture flushes the configured one). Without REDIS_URL the Redis
variants are reported as skipped, never silently left out; CI sets it."""

from __future__ import annotations

import os
import socket
import subprocess
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis.asyncio as aioredis

from routing.reliability.breakers import LocalBreakers
from routing.reliability.breakers_redis import RedisBreakers
from routing.reliability.budgets import LocalBudgetLedger
from routing.reliability.budgets_redis import RedisBudgetLedger
from routing.reliability.limits import LocalRateLimiter
from routing.reliability.limits_redis import RedisRateLimiter

RELIABILITY_TEST_DB = 11


def _test_redis_url() -> str:
    url = os.environ.get("REDIS_URL", "")
    if not url:
        return ""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{RELIABILITY_TEST_DB}"))


REDIS_TEST_URL = _test_redis_url()
BACKENDS = ["local", "redis"]


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    """These engines never use Django's cache: do not flush a Redis others are using."""
    yield


@pytest.fixture(params=BACKENDS)
def backend_kind(request: pytest.FixtureRequest) -> str:
    if request.param == "redis" and not REDIS_TEST_URL:
        pytest.skip("REDIS_URL is not set: the Redis backend is tested where it is (CI)")
    return request.param


@pytest.fixture
async def redis_prefix(backend_kind: str) -> AsyncIterator[tuple[aioredis.Redis | None, str]]:
    """A client and a key prefix unique to the test; its keys are deleted afterwards."""
    if backend_kind == "local":
        yield None, ""
        return
    client = aioredis.Redis.from_url(REDIS_TEST_URL)
    prefix = f"test:{uuid.uuid4().hex}:"
    yield client, prefix
    keys = [key async for key in client.scan_iter(match=prefix + "*")]
    if keys:
        await client.delete(*keys)
    await client.aclose()


@pytest.fixture
def breakers(redis_prefix):
    client, prefix = redis_prefix
    return LocalBreakers() if client is None else RedisBreakers(client, prefix=prefix)


@pytest.fixture
def limiter(redis_prefix):
    client, prefix = redis_prefix
    return LocalRateLimiter() if client is None else RedisRateLimiter(client, prefix=prefix)


@pytest.fixture
def ledger(redis_prefix):
    client, prefix = redis_prefix
    return LocalBudgetLedger() if client is None else RedisBudgetLedger(client, prefix=prefix)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def private_redis() -> Iterator[str]:
    """A redis-server of our own on a free loopback port, for tests across OS processes."""
    port = _free_port()
    server = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                raise RuntimeError("redis-server did not start") from None
            time.sleep(0.02)
    yield f"redis://127.0.0.1:{port}/0"
    server.terminate()
    server.wait(timeout=10)
