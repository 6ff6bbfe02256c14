"""Per-model request queue: a concurrency limit, then priority order, then arrival."""

from __future__ import annotations

import asyncio

from providers.local.queueing import PriorityGate


async def test_waiters_run_by_priority_then_arrival():
    gate = PriorityGate(limit=1)
    order: list[str] = []
    started = asyncio.Event()

    async def job(name: str, priority: int, hold: float = 0.0) -> None:
        async with gate.slot(priority):
            order.append(name)
            started.set()
            await asyncio.sleep(hold)

    first = asyncio.create_task(job("first", 10, hold=0.05))
    await started.wait()
    waiters = [asyncio.create_task(job(n, p)) for n, p in [("low", 20), ("high", 1), ("mid", 10)]]
    await asyncio.sleep(0.01)
    assert gate.in_flight == 1 and gate.waiting == 3
    await asyncio.gather(first, *waiters)
    assert order == ["first", "high", "mid", "low"]
    assert gate.in_flight == 0 and gate.waiting == 0


async def test_a_cancelled_waiter_gives_its_turn_away():
    gate = PriorityGate(limit=1)
    async with gate.slot():
        waiter = asyncio.create_task(gate.slot().__aenter__())
        await asyncio.sleep(0)
        waiter.cancel()
    async with gate.slot():
        assert gate.in_flight == 1
    assert gate.in_flight == 0
