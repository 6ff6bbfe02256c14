"""Circuit breakers per provider deployment: stop sending traffic to a deployment that keeps
failing, and let exactly one probe find out whether it has recovered.

closed --(N consecutive failures, or error rate over the window with enough requests)--> open
open --(cool-down elapsed; the first caller gets the probe)--> half_open
half_open --(probe succeeds)--> closed;  --(probe fails)--> open again, cool-down restarts

While half-open every other caller is skipped; a probe whose outcome never arrives (its
process died) is replaced after ``probe_lease`` seconds. This module holds the contract and
the in-process backend; ``breakers_redis`` holds the shared one.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal, Protocol

BreakerState = Literal["closed", "open", "half_open"]


@dataclass(frozen=True)
class BreakerConfig:
    failure_threshold: int = 5  # consecutive failures that open the breaker
    error_rate: float = 0.5  # ... or this share of failures over the window
    min_requests: int = 20  # ... once the window holds at least this many requests
    window: float = 60.0  # seconds
    buckets: int = 10  # the window is counted in this many slices
    cooldown: float = 30.0  # seconds open before a probe is allowed
    probe_lease: float = 60.0  # seconds before an unanswered probe is handed to someone else

    @property
    def bucket_seconds(self) -> float:
        return self.window / self.buckets


@dataclass(frozen=True)
class BreakerPermit:
    """May this call go to the deployment? ``probe`` marks the one half-open trial call,
    whose outcome must be reported with ``probe=True``."""

    allowed: bool
    probe: bool
    state: BreakerState


def deployment_key(provider_id: int, model: str = "") -> str:
    """A breaker per deployment: one model at a provider, or the whole provider."""
    return f"{provider_id}:{model}" if model else str(provider_id)


class BreakerBackend(Protocol):
    async def allow(self, key: str, config: BreakerConfig) -> BreakerPermit: ...

    async def record_success(
        self, key: str, config: BreakerConfig, *, probe: bool
    ) -> BreakerState: ...

    async def record_failure(
        self, key: str, config: BreakerConfig, *, probe: bool
    ) -> BreakerState: ...

    async def open_keys(self, keys: Iterable[str], config: BreakerConfig) -> set[str]: ...


@dataclass
class _Breaker:
    state: BreakerState = "closed"
    failures: int = 0
    opened_at: float = 0.0
    probe_at: float = 0.0
    window: dict[int, list[int]] = field(default_factory=dict)  # bucket -> [requests, errors]


class LocalBreakers:
    """The embedded default: breakers in this process, guarded by one lock."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._breakers: dict[str, _Breaker] = {}

    async def allow(self, key: str, config: BreakerConfig) -> BreakerPermit:
        with self._lock:
            return self._allow(key, config, self._clock())

    async def record_success(self, key: str, config: BreakerConfig, *, probe: bool) -> BreakerState:
        with self._lock:
            breaker = self._breakers.setdefault(key, _Breaker())
            if breaker.state == "closed":
                breaker.failures = 0
                self._count(breaker, config, self._clock(), error=False)
            elif breaker.state == "half_open" and probe:
                del self._breakers[key]
                return "closed"
            return breaker.state

    async def record_failure(self, key: str, config: BreakerConfig, *, probe: bool) -> BreakerState:
        now = self._clock()
        with self._lock:
            breaker = self._breakers.setdefault(key, _Breaker())
            if breaker.state == "closed":
                breaker.failures += 1
                requests, errors = self._count(breaker, config, now, error=True)
                too_many = breaker.failures >= config.failure_threshold
                too_often = (
                    requests >= config.min_requests and errors >= config.error_rate * requests
                )
                if too_many or too_often:
                    self._breakers[key] = _Breaker(state="open", opened_at=now)
            elif breaker.state == "half_open" and probe:
                self._breakers[key] = _Breaker(state="open", opened_at=now)
            return self._breakers[key].state

    async def open_keys(self, keys: Iterable[str], config: BreakerConfig) -> set[str]:
        """The keys a caller would be skipped for now (open or probing), without taking a probe."""
        now = self._clock()
        with self._lock:
            return {key for key in keys if self._skipped(self._breakers.get(key), config, now)}

    def _allow(self, key: str, config: BreakerConfig, now: float) -> BreakerPermit:
        breaker = self._breakers.get(key)
        if breaker is None or breaker.state == "closed":
            return BreakerPermit(True, False, "closed")
        if self._skipped(breaker, config, now):
            return BreakerPermit(False, False, breaker.state)
        breaker.state, breaker.probe_at = "half_open", now
        return BreakerPermit(True, True, "half_open")

    @staticmethod
    def _skipped(breaker: _Breaker | None, config: BreakerConfig, now: float) -> bool:
        if breaker is None or breaker.state == "closed":
            return False
        if breaker.state == "open":
            return now < breaker.opened_at + config.cooldown
        return now < breaker.probe_at + config.probe_lease

    @staticmethod
    def _count(
        breaker: _Breaker, config: BreakerConfig, now: float, *, error: bool
    ) -> tuple[int, int]:
        bucket = int(now // config.bucket_seconds)
        for old in [b for b in breaker.window if b <= bucket - config.buckets]:
            del breaker.window[old]
        counts = breaker.window.setdefault(bucket, [0, 0])
        counts[0] += 1
        counts[1] += int(error)
        return sum(c[0] for c in breaker.window.values()), sum(
            c[1] for c in breaker.window.values()
        )


@dataclass(frozen=True)
class CircuitBreaker:
    """One deployment's breaker, bound to the process's backend. Call ``allow()`` before an
    attempt; report its outcome with the permit's ``probe`` flag."""

    key: str
    backend: BreakerBackend
    config: BreakerConfig = BreakerConfig()

    async def allow(self) -> BreakerPermit:
        return await self.backend.allow(self.key, self.config)

    async def record_success(self, *, probe: bool = False) -> BreakerState:
        return await self.backend.record_success(self.key, self.config, probe=probe)

    async def record_failure(self, *, probe: bool = False) -> BreakerState:
        return await self.backend.record_failure(self.key, self.config, probe=probe)
