"""Two OS processes sharing one Redis (a private redis-server) share budgets, rate-limit
windows and breaker state: what two web replicas rely on."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import redis.asyncio as aioredis

from routing.reliability.breakers_redis import RedisBreakers
from routing.reliability.budgets import Budget, Reservation
from routing.reliability.budgets_redis import RedisBudgetLedger
from tests.routing.reliability.proc_worker import BREAKER, BUDGET, REQUEST_COST

ROOT = Path(__file__).resolve().parents[3]


def run_two_workers(job: str, url: str, prefix: str, count: int) -> list[dict]:
    start_at = time.time() + 1.5  # both interpreters are up and connected by then
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.routing.reliability.proc_worker",
                job,
                url,
                prefix,
                str(start_at),
                str(count),
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    results = []
    for worker in workers:
        out, err = worker.communicate(timeout=60)
        assert worker.returncode == 0, err
        results.append(json.loads(out))
    return results


async def test_two_processes_cannot_overshoot_a_nearly_spent_hard_budget(private_redis):
    client = aioredis.Redis.from_url(private_redis)
    ledger = RedisBudgetLedger(client, prefix="x:")
    seed = await ledger.reserve([Budget("seed", BUDGET.scope, BUDGET.scope_id, BUDGET.period)], 0)
    assert isinstance(seed, Reservation)
    remaining = 4 * REQUEST_COST + REQUEST_COST // 2  # room for four and a half calls
    await ledger.settle(seed, BUDGET.hard_limit - remaining)

    results = run_two_workers("budget", private_redis, "x:", 50)

    [status] = await ledger.status([BUDGET])
    await client.aclose()
    # Four fit, a fifth is let in while half a call is left; then the budget is spent.
    assert sum(r["reserved"] for r in results) == 5
    assert status.reserved == 0
    assert status.spent <= BUDGET.hard_limit + REQUEST_COST
    assert status.spent == BUDGET.hard_limit - remaining + 5 * REQUEST_COST


async def test_two_processes_share_one_rate_limit_window(private_redis):
    results = run_two_workers("rate", private_redis, "x:", 30)
    # Each asks 30 times under a 40/min limit: separate windows would admit all 60.
    assert sum(r["admitted"] for r in results) == 40


async def test_breaker_opened_in_one_process_skips_in_others_and_gives_one_probe(private_redis):
    client = aioredis.Redis.from_url(private_redis)
    breakers = RedisBreakers(client, prefix="x:")
    for _ in range(BREAKER.failure_threshold):
        await breakers.record_failure("7:gpt", BREAKER, probe=False)
    await client.aclose()

    results = run_two_workers("breaker", private_redis, "x:", 20)  # they start after the cool-down

    assert sum(r["probes"] for r in results) == 1
    assert sum(r["allowed"] for r in results) == 1
    assert {s for r in results for s in r["states"]} == {"half_open"}
