"""The process's breakers, limiter and ledger: Redis-backed when settings.REDIS_URL is set
(shared by every replica and worker), in-process otherwise (the embedded default).

Call these on the running event loop; each returns the same object for the loop's life.
"""

from __future__ import annotations

from routing.reliability.breakers import (
    BreakerBackend,
    BreakerConfig,
    CircuitBreaker,
    LocalBreakers,
    deployment_key,
)
from routing.reliability.breakers_redis import RedisBreakers
from routing.reliability.budgets import BudgetLedger, LocalBudgetLedger
from routing.reliability.budgets_redis import RedisBudgetLedger
from routing.reliability.limits import LocalRateLimiter, RateLimiter
from routing.reliability.limits_redis import RedisRateLimiter
from routing.reliability.redis_store import KEY_PREFIX, per_loop, redis_configured, shared_redis

_local_breakers = LocalBreakers()
_local_limiter = LocalRateLimiter()
_local_ledger = LocalBudgetLedger()


def local_backends_reset() -> None:
    """Start the in-process breakers, limits and budget counters afresh (tests; Redis-backed
    ones are left alone: their keys belong to every process)."""
    global _local_breakers, _local_limiter, _local_ledger
    _local_breakers, _local_limiter, _local_ledger = (
        LocalBreakers(), LocalRateLimiter(), LocalBudgetLedger(),
    )  # fmt: skip


def breaker_backend() -> BreakerBackend:
    if not redis_configured():
        return _local_breakers
    return per_loop("breakers", lambda: RedisBreakers(shared_redis(), prefix=KEY_PREFIX))


def rate_limiter() -> RateLimiter:
    if not redis_configured():
        return _local_limiter
    return per_loop("limiter", lambda: RedisRateLimiter(shared_redis(), prefix=KEY_PREFIX))


def budget_ledger() -> BudgetLedger:
    if not redis_configured():
        return _local_ledger
    return per_loop("ledger", lambda: RedisBudgetLedger(shared_redis(), prefix=KEY_PREFIX))


def circuit_breaker_for(
    provider_id: int, model: str = "", config: BreakerConfig | None = None
) -> CircuitBreaker:
    """The breaker of one deployment (a model at a provider, or the whole provider)."""
    return CircuitBreaker(
        deployment_key(provider_id, model), breaker_backend(), config or BreakerConfig()
    )
