"""Per-model admission: at most ``limit`` requests run at once; the rest wait in priority order
(lower number first, then arrival). Exposes queue depth and in-flight counts."""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class PriorityGate:
    def __init__(self, limit: int = 1) -> None:
        self.limit = limit
        self.in_flight = 0
        self._waiters: list[tuple[int, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    @property
    def waiting(self) -> int:
        return sum(1 for *_, future in self._waiters if not future.done())

    @asynccontextmanager
    async def slot(self, priority: int = 10) -> AsyncIterator[None]:
        await self._acquire(priority)
        try:
            yield
        finally:
            self._release()

    async def _acquire(self, priority: int) -> None:
        if self.in_flight < self.limit and not self.waiting:
            self.in_flight += 1
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiters, (priority, next(self._order), future))
        try:
            await future  # the releasing request hands its slot over
        except asyncio.CancelledError:
            if future.done() and not future.cancelled():
                self._release()  # got the slot just as it was cancelled: pass it on
            raise

    def _release(self) -> None:
        while self._waiters:
            _, _, future = heapq.heappop(self._waiters)
            if not future.done():
                future.set_result(None)  # the slot moves to the waiter; in_flight unchanged
                return
        self.in_flight -= 1
