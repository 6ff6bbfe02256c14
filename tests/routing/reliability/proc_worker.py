"""A separate OS process hammering a shared Redis: ``python -m tests.routing.reliability.proc_worker
<job> <redis url> <prefix> <start at (unix time)> <count>``; prints one JSON line.

Each job waits until ``start at`` so that two workers contend at the same moment.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time

import redis.asyncio as aioredis

from routing.reliability.breakers import BreakerConfig
from routing.reliability.breakers_redis import RedisBreakers
from routing.reliability.budgets import Budget, Reservation, ScopeKind
from routing.reliability.budgets_redis import RedisBudgetLedger
from routing.reliability.limits import LimitCharge, RateLimit
from routing.reliability.limits_redis import RedisRateLimiter
from routing.reliability.periods import Period

BUDGET = Budget("team", ScopeKind.WORKSPACE, 1, Period.MONTH, hard_limit=1_000_000)
REQUEST_COST = 30_000
RPM = RateLimit("requests/min", "key:1:rpm", 40)
BREAKER = BreakerConfig(failure_threshold=3, cooldown=0.5, probe_lease=30)


async def budget(client: aioredis.Redis, prefix: str, count: int) -> dict:
    ledger = RedisBudgetLedger(client, prefix=prefix)

    async def one() -> bool:
        outcome = await ledger.reserve([BUDGET], REQUEST_COST)
        if not isinstance(outcome, Reservation):
            return False
        await asyncio.sleep(0.001)
        await ledger.settle(outcome, REQUEST_COST)
        return True

    results = await asyncio.gather(*(one() for _ in range(count)))
    return {"reserved": sum(results)}


async def rate(client: aioredis.Redis, prefix: str, count: int) -> dict:
    limiter = RedisRateLimiter(client, prefix=prefix)
    decisions = await asyncio.gather(*(limiter.admit([LimitCharge(RPM, 1)]) for _ in range(count)))
    return {"admitted": sum(1 for d in decisions if not hasattr(d, "retry_after"))}


async def breaker(client: aioredis.Redis, prefix: str, count: int) -> dict:
    breakers = RedisBreakers(client, prefix=prefix)
    permits = await asyncio.gather(*(breakers.allow("7:gpt", BREAKER) for _ in range(count)))
    return {
        "probes": sum(p.probe for p in permits),
        "allowed": sum(p.allowed for p in permits),
        "states": sorted({p.state for p in permits}),
    }


JOBS = {"budget": budget, "rate": rate, "breaker": breaker}


async def main(job: str, url: str, prefix: str, start_at: float, count: int) -> None:
    client = aioredis.Redis.from_url(url, max_connections=count)
    await client.ping()  # connect before the start line, so both contend at once
    await asyncio.sleep(max(start_at - time.time(), 0))
    result = await JOBS[job](client, prefix, count)
    await client.aclose()
    print(json.dumps(result))


if __name__ == "__main__":
    job, url, prefix, start_at, count = sys.argv[1:6]
    asyncio.run(main(job, url, prefix, float(start_at), int(count)))
