"""The process-wide engines follow settings.REDIS_URL: shared in Redis when set, in-process
otherwise, and every handle for a deployment sees the same breaker."""

from __future__ import annotations

import uuid

from routing.reliability import BreakerConfig, budget_ledger, circuit_breaker_for, rate_limiter
from routing.reliability.redis_store import KEY_PREFIX, shared_redis
from tests.routing.reliability.conftest import REDIS_TEST_URL

CONFIG = BreakerConfig(failure_threshold=2, cooldown=60)


async def test_every_handle_for_a_deployment_shares_one_breaker(settings, backend_kind):
    settings.REDIS_URL = REDIS_TEST_URL if backend_kind == "redis" else ""
    model = f"model-{uuid.uuid4().hex}"
    try:
        for _ in range(2):
            await circuit_breaker_for(7, model, CONFIG).record_failure()

        permit = await circuit_breaker_for(7, model, CONFIG).allow()

        assert (permit.allowed, permit.state) == (False, "open")
        assert circuit_breaker_for(7, model).key == f"7:{model}"
        assert type(rate_limiter()).__name__.startswith(
            "Redis" if backend_kind == "redis" else "Local"
        )
        assert type(budget_ledger()).__name__.startswith(
            "Redis" if backend_kind == "redis" else "Local"
        )
    finally:
        if backend_kind == "redis":
            client = shared_redis()
            await client.delete(f"{KEY_PREFIX}cb:7:{model}")
            await client.aclose()
