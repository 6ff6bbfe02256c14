"""Admission counters: requests/min and tokens/min per API key, and calendar quotas such as
tokens/day per workspace.

A rate limit is a sliding window: at most ``limit`` units in any ``per_seconds`` (a minute),
never a burst on top. The window is kept as 60 buckets of a second (of ``per_seconds / 60``)
plus the current one; a request is admitted when the units of those 61 buckets, which span
at least the whole window, leave room for it. ``admit`` checks every limit of a request and
consumes from all of them or none, so a rejected call never eats into another limit. Tokens
are charged at the estimate on admission; ``adjust`` corrects the bucket each charge went to
once the actual count is known.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from routing.reliability.periods import Period, period_label, seconds_until_period_end


@dataclass(frozen=True)
class RateLimit:
    """At most ``limit`` units per rolling ``per_seconds``; ``name`` is shown to the caller."""

    name: str
    key: str
    limit: int
    per_seconds: float = 60.0


@dataclass(frozen=True)
class Quota:
    """At most ``limit`` units per calendar period (UTC)."""

    name: str
    key: str
    limit: int
    period: Period = Period.DAY


Limit = RateLimit | Quota


WINDOW_BUCKETS = 60  # a window is this many buckets back, plus the current one


@dataclass(frozen=True)
class LimitCharge:
    limit: Limit
    amount: int  # 1 for a request, the estimated tokens for a token limit
    bucket: int | None = None  # where an admitted rate-limit charge went, for ``adjust``


@dataclass(frozen=True)
class Admitted:
    charges: tuple[LimitCharge, ...]


@dataclass(frozen=True)
class Throttled:
    """A 429: which limit, and when to come back (``None``: the request alone exceeds it)."""

    name: str
    limit: int
    retry_after: float | None

    @property
    def retry_after_seconds(self) -> int | None:
        """Whole seconds, rounded up and never 0: what Retry-After and the message say."""
        return None if self.retry_after is None else max(math.ceil(self.retry_after), 1)

    @property
    def message(self) -> str:
        if self.retry_after is None:
            return f"This request is larger than the {self.name} limit of {self.limit}."
        return (
            f"{self.name} limit of {self.limit} reached; retry after {self.retry_after_seconds} s."
        )


def api_key_limits(
    *, key_id: int, requests_per_minute: int | None, tokens_per_minute: int | None, tokens: int
) -> list[LimitCharge]:
    """The per-key charges of one request estimated at ``tokens``; ``None`` means unlimited."""
    charges = []
    if requests_per_minute:
        charges.append(
            LimitCharge(RateLimit("requests/min", f"key:{key_id}:rpm", requests_per_minute), 1)
        )
    if tokens_per_minute:
        charges.append(
            LimitCharge(RateLimit("tokens/min", f"key:{key_id}:tpm", tokens_per_minute), tokens)
        )
    return charges


def workspace_quota(
    *, workspace_id: int, tokens_per_day: int | None, tokens: int
) -> list[LimitCharge]:
    if not tokens_per_day:
        return []
    return [
        LimitCharge(Quota("workspace tokens/day", f"ws:{workspace_id}:tpd", tokens_per_day), tokens)
    ]


def quota_key(quota: Quota, at: datetime) -> str:
    return f"{quota.key}:{period_label(quota.period, at)}"


def bucket_width(limit: RateLimit) -> float:
    return limit.per_seconds / WINDOW_BUCKETS


def window_wait(buckets: dict[int, int], now: float, amount: int, limit: RateLimit) -> float:
    """Seconds from ``now`` until ``amount`` more fits ``limit``, given the units of its
    buckets in the window (0: it fits now). The oldest buckets leave the window first."""
    used = sum(buckets.values())
    excess = used + amount - limit.limit
    if excess <= 0:
        return 0.0
    freed = 0
    for bucket in sorted(buckets):
        freed += buckets[bucket]
        if freed >= excess:
            return max((bucket + WINDOW_BUCKETS + 1) * bucket_width(limit) - now, 0.001)
    return limit.per_seconds  # only a negative adjustment could leave it short


def too_large(charges: Sequence[LimitCharge]) -> Throttled | None:
    for charge in charges:
        if charge.amount > charge.limit.limit:
            return Throttled(charge.limit.name, charge.limit.limit, None)
    return None


class RateLimiter(Protocol):
    async def admit(self, charges: Sequence[LimitCharge]) -> Admitted | Throttled: ...

    async def peek(self, charges: Sequence[LimitCharge]) -> Throttled | None:
        """What ``admit`` would refuse now, charging nothing (a dry run of routing)."""
        ...

    async def adjust(self, charges: Sequence[LimitCharge]) -> None: ...


class LocalRateLimiter:
    """The embedded default: counters in this process under one lock."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._windows: dict[str, dict[int, int]] = {}  # rate-limit key -> bucket -> units
        self._used: dict[str, int] = {}  # quota counters per key and period

    async def admit(self, charges: Sequence[LimitCharge]) -> Admitted | Throttled:
        rejected = too_large(charges)
        if rejected:
            return rejected
        at = datetime.now(UTC)
        with self._lock:
            now = self._clock()
            worst = self._worst(charges, now, at)
            if worst:
                return worst
            admitted = tuple(self._apply(charge, now, at) for charge in charges)
            if len(self._windows) > 10_000:  # keys idle for a whole window hold nothing
                for key in [k for k, window in self._windows.items() if not window]:
                    del self._windows[key]
        return Admitted(admitted)

    async def peek(self, charges: Sequence[LimitCharge]) -> Throttled | None:
        rejected = too_large(charges)
        if rejected:
            return rejected
        with self._lock:
            return self._worst(charges, self._clock(), datetime.now(UTC))

    def _worst(self, charges: Sequence[LimitCharge], now: float, at: datetime) -> Throttled | None:
        """The refusal with the longest wait among ``charges``; ``None`` when all fit."""
        worst: Throttled | None = None
        for charge in charges:
            wait = self._wait(charge, now, at)
            if wait > 0 and (worst is None or wait > (worst.retry_after or 0)):
                worst = Throttled(charge.limit.name, charge.limit.limit, wait)
        return worst

    async def adjust(self, charges: Sequence[LimitCharge]) -> None:
        """Add (or give back, when negative) units to the buckets the charges went to,
        without checking the limits; a bucket that has left its window is past caring."""
        with self._lock:
            now, at = self._clock(), datetime.now(UTC)
            for charge in charges:
                limit = charge.limit
                if isinstance(limit, Quota):
                    self._apply(charge, now, at)
                elif charge.bucket is not None:
                    window = self._window(limit, now)
                    if charge.bucket in window:
                        window[charge.bucket] += charge.amount

    def _window(self, limit: RateLimit, now: float) -> dict[int, int]:
        """The limit's buckets still in its window, the older ones dropped."""
        window = self._windows.setdefault(limit.key, {})
        oldest = int(now // bucket_width(limit)) - WINDOW_BUCKETS
        for bucket in [b for b in window if b < oldest]:
            del window[bucket]
        return window

    def _wait(self, charge: LimitCharge, now: float, at: datetime) -> float:
        limit = charge.limit
        if isinstance(limit, Quota):
            used = self._used.get(quota_key(limit, at), 0)
            return (
                seconds_until_period_end(limit.period, at)
                if used + charge.amount > limit.limit
                else 0.0
            )
        return window_wait(self._window(limit, now), now, charge.amount, limit)

    def _apply(self, charge: LimitCharge, now: float, at: datetime) -> LimitCharge:
        limit = charge.limit
        if isinstance(limit, Quota):
            key = quota_key(limit, at)
            self._used[key] = self._used.get(key, 0) + charge.amount
            return charge
        bucket = int(now // bucket_width(limit))
        window = self._window(limit, now)
        window[bucket] = window.get(bucket, 0) + charge.amount
        return LimitCharge(limit, charge.amount, bucket)
