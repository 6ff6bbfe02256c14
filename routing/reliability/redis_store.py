"""The process's shared Redis client for counters that must hold across replicas.

One connection pool per event loop (one loop per web process in production; tests start a
loop per test, and a pool cannot outlive its loop). ``None`` means the embedded default:
counters stay in-process.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable
from typing import TypeVar

import redis.asyncio as aioredis
from django.conf import settings

T = TypeVar("T")

KEY_PREFIX = "hub:rel:"

_per_loop: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, object]] = (
    weakref.WeakKeyDictionary()
)


def redis_configured() -> bool:
    return bool(getattr(settings, "REDIS_URL", ""))


def redis_client_for(url: str) -> aioredis.Redis:
    """A client with a bounded pool; scripts keep values as bytes for speed."""
    return aioredis.Redis.from_url(url, max_connections=64, health_check_interval=30)


def shared_redis() -> aioredis.Redis:
    """The client for settings.REDIS_URL on the running loop; call only when configured."""
    return per_loop("redis", lambda: redis_client_for(settings.REDIS_URL))


def per_loop(name: str, factory: Callable[[], T]) -> T:
    """One ``factory()`` result per running event loop, kept while the loop lives."""
    loop = asyncio.get_running_loop()
    objects = _per_loop.setdefault(loop, {})
    if name not in objects:
        objects[name] = factory()
    return objects[name]  # type: ignore[return-value]  # a name always maps to one factory's type
