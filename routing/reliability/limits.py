"""Admission counters: requests/min and tokens/min per API key (GCRA, a sliding window with
no bursts beyond the limit) and calendar quotas such as tokens/day per workspace.

``admit`` checks every limit of a request and consumes from all of them or none, so a
rejected call never eats into another limit. Tokens are charged at the estimate on
admission; ``adjust`` corrects them once the actual count is known.
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


@dataclass(frozen=True)
class LimitCharge:
    limit: Limit
    amount: int  # 1 for a request, the estimated tokens for a token limit


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
    def message(self) -> str:
        if self.retry_after is None:
            return f"This request is larger than the {self.name} limit of {self.limit}."
        return f"{self.name} limit of {self.limit} reached; retry after {math.ceil(self.retry_after)} s."


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


def too_large(charges: Sequence[LimitCharge]) -> Throttled | None:
    for charge in charges:
        if charge.amount > charge.limit.limit:
            return Throttled(charge.limit.name, charge.limit.limit, None)
    return None


class RateLimiter(Protocol):
    async def admit(self, charges: Sequence[LimitCharge]) -> Admitted | Throttled: ...

    async def adjust(self, charges: Sequence[LimitCharge]) -> None: ...


class LocalRateLimiter:
    """The embedded default: counters in this process under one lock."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._tat: dict[str, float] = {}  # GCRA: the theoretical arrival time per key
        self._used: dict[str, int] = {}  # quota counters per key and period

    async def admit(self, charges: Sequence[LimitCharge]) -> Admitted | Throttled:
        rejected = too_large(charges)
        if rejected:
            return rejected
        at = datetime.now(UTC)
        with self._lock:
            now = self._clock()
            worst: Throttled | None = None
            for charge in charges:
                wait = self._wait(charge, now, at)
                if wait > 0 and (worst is None or wait > (worst.retry_after or 0)):
                    worst = Throttled(charge.limit.name, charge.limit.limit, wait)
            if worst:
                return worst
            self._apply(charges, now, at)
            if len(self._tat) > 10_000:  # idle keys whose window has passed hold no state
                self._tat = {key: tat for key, tat in self._tat.items() if tat > now}
        return Admitted(tuple(charges))

    async def adjust(self, charges: Sequence[LimitCharge]) -> None:
        """Add (or give back, when negative) units without checking the limits."""
        with self._lock:
            self._apply(charges, self._clock(), datetime.now(UTC))

    def _wait(self, charge: LimitCharge, now: float, at: datetime) -> float:
        limit = charge.limit
        if isinstance(limit, Quota):
            used = self._used.get(quota_key(limit, at), 0)
            return (
                seconds_until_period_end(limit.period, at)
                if used + charge.amount > limit.limit
                else 0.0
            )
        interval = limit.per_seconds / limit.limit
        tat = max(self._tat.get(limit.key, now), now)
        return max(tat + charge.amount * interval - limit.per_seconds - now, 0.0)

    def _apply(self, charges: Sequence[LimitCharge], now: float, at: datetime) -> None:
        for charge in charges:
            limit = charge.limit
            if isinstance(limit, Quota):
                key = quota_key(limit, at)
                self._used[key] = self._used.get(key, 0) + charge.amount
            else:
                tat = max(self._tat.get(limit.key, now), now)
                self._tat[limit.key] = tat + charge.amount * limit.per_seconds / limit.limit
