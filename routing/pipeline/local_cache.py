"""A small in-process TTL cache in front of Django's cache and the database.

The hot path asks it first: a hit costs a dict lookup, where even a Redis round trip or a
thread hop costs a few hundred microseconds. Entries are fresh for seconds; signal handlers
(routing.signals) clear them when the rows behind them change in this process. An entry past
its TTL is kept a while longer (``keep_for``), to be served only when the database cannot
say anything newer: a brief outage then fails no caller this process knew moments before.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

from django.db import DatabaseError

K = TypeVar("K")
V = TypeVar("V")


class LocalTTLCache(Generic[K, V]):
    def __init__(self, *, ttl: float, keep_for: float = 0.0, max_entries: int = 10_000) -> None:
        self.ttl = ttl
        self.keep_for = keep_for
        self.max_entries = max_entries
        self._entries: dict[K, tuple[float, V]] = {}  # key -> (stored at, value)

    def get(self, key: K) -> V | None:
        """The value while fresh (within ``ttl``)."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        stored, value = entry
        age = time.monotonic() - stored
        if age > self.ttl:
            if age > self.ttl + self.keep_for:
                self._entries.pop(key, None)
            return None
        return value

    def get_stale(self, key: K) -> V | None:
        """The value, fresh or not, while within ``ttl + keep_for``."""
        entry = self._entries.get(key)
        if entry is None or time.monotonic() - entry[0] > self.ttl + self.keep_for:
            return None
        return entry[1]

    async def get_or_load(
        self, key: K, load: Callable[[], Awaitable[V]], *, on_outage: Callable[[], Exception]
    ) -> V:
        """The fresh value, else ``load()``'s (cached); when loading meets a DatabaseError, the
        stale value if there is one, else ``on_outage()`` is raised."""
        found = self.get(key)
        if found is not None:
            return found
        try:
            found = await load()
        except DatabaseError:
            stale = self.get_stale(key)
            if stale is None:
                raise on_outage() from None
            return stale
        self.set(key, found)
        return found

    def set(self, key: K, value: V) -> None:
        if len(self._entries) >= self.max_entries:
            self._entries.clear()  # crude but bounded; a refill costs one lookup per key
        self._entries[key] = (time.monotonic(), value)

    def forget(self, key: K) -> None:
        self._entries.pop(key, None)

    def clear(self) -> None:
        self._entries.clear()
