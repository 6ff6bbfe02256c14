"""Health arithmetic on plain numbers: status rules, percentiles, uptime and the score.

No database here, so every rule can be tested on known data. ``selectors`` gathers the
numbers; this module decides what they mean.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum

STATUS_WINDOW = timedelta(minutes=15)  # recent traffic that decides the status
METRICS_WINDOW = timedelta(hours=24)  # p50, p95, error rate and score
UPTIME_WINDOWS = {"24h": timedelta(hours=24), "7d": timedelta(days=7), "30d": timedelta(days=30)}
DOWN_AFTER_FAILED_CHECKS = 2
MIN_REQUESTS = 5  # fewer real requests than this say nothing about a rate
DOWN_ERROR_RATE = 0.5

SCORE_WEIGHTS = {"uptime": 40, "latency": 30, "errors": 30}


class HealthStatus(StrEnum):
    HEALTHY = "healthy"
    DEGRADED = "degraded"
    DOWN = "down"
    UNKNOWN = "unknown"
    DISABLED = "disabled"


class Reason(StrEnum):
    CHECKS_FAILED = "checks_failed"
    CHECK_FAILED = "check_failed"
    HIGH_ERROR_RATE = "high_error_rate"
    HIGH_LATENCY = "high_latency"


@dataclass(frozen=True)
class Thresholds:
    """A workspace's limits (from its alert settings) for degraded latency and errors."""

    latency_ms: float
    error_rate: float


@dataclass(frozen=True)
class Samples:
    """What is known about a provider over one window.

    ``checks`` are active check outcomes, newest first; ``check_latencies`` those of the
    successful ones. ``request_latencies`` are successful real calls: time to first token
    when streamed, the whole call otherwise.
    """

    checks: Sequence[bool] = ()
    check_latencies: Sequence[float] = ()
    requests: int = 0
    request_errors: int = 0
    request_latencies: Sequence[float] = ()

    @property
    def has_traffic(self) -> bool:
        return self.requests >= MIN_REQUESTS

    def error_rate(self) -> float | None:
        """Failed share of real requests when there were enough, else of active checks."""
        if self.has_traffic:
            return self.request_errors / self.requests
        if self.checks:
            return sum(1 for ok in self.checks if not ok) / len(self.checks)
        return None

    def latencies(self) -> Sequence[float]:
        """Real calls' latencies when there were enough, else the checks'."""
        if len(self.request_latencies) >= MIN_REQUESTS:
            return self.request_latencies
        return self.check_latencies


@dataclass(frozen=True)
class Verdict:
    status: HealthStatus
    reasons: tuple[Reason, ...] = field(default=())
    error_rate: float | None = None
    p95_ms: float | None = None


def percentile(values: Sequence[float], fraction: float) -> float | None:
    """Linear-interpolated percentile (``fraction`` in 0..1); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def status_decide(recent: Samples, thresholds: Thresholds) -> Verdict:
    """The status over the recent window.

    down: the last ``DOWN_AFTER_FAILED_CHECKS`` active checks all failed, or at least
    ``MIN_REQUESTS`` real requests of which ``DOWN_ERROR_RATE`` or more failed.
    degraded: the last check failed, or the error rate reached the workspace's threshold,
    or p95 latency went above the workspace's threshold.
    unknown: no check and no traffic yet.
    """
    last = list(recent.checks[:DOWN_AFTER_FAILED_CHECKS])
    error_rate = recent.error_rate() if recent.has_traffic else None
    p95 = percentile(recent.latencies(), 0.95)
    if len(last) == DOWN_AFTER_FAILED_CHECKS and not any(last):
        return Verdict(HealthStatus.DOWN, (Reason.CHECKS_FAILED,), error_rate, p95)
    if error_rate is not None and error_rate >= DOWN_ERROR_RATE:
        return Verdict(HealthStatus.DOWN, (Reason.HIGH_ERROR_RATE,), error_rate, p95)
    reasons: list[Reason] = []
    if last and not last[0]:
        reasons.append(Reason.CHECK_FAILED)
    if error_rate is not None and error_rate >= thresholds.error_rate:
        reasons.append(Reason.HIGH_ERROR_RATE)
    if p95 is not None and p95 > thresholds.latency_ms:
        reasons.append(Reason.HIGH_LATENCY)
    if reasons:
        return Verdict(HealthStatus.DEGRADED, tuple(reasons), error_rate, p95)
    if not recent.checks and recent.requests == 0:
        return Verdict(HealthStatus.UNKNOWN)
    return Verdict(HealthStatus.HEALTHY, (), error_rate, p95)


def uptime(ok: int, total: int) -> float | None:
    """Share of active checks that succeeded; None before the first check."""
    return ok / total if total else None


def latency_score(p95_ms: float | None, threshold_ms: float) -> float:
    """1 while p95 is within the threshold, then threshold / p95; 0 with no successful call."""
    if p95_ms is None:
        return 0.0
    if p95_ms <= threshold_ms:
        return 1.0
    return threshold_ms / p95_ms


def health_score(
    *, uptime: float | None, p95_ms: float | None, error_rate: float | None, threshold_ms: float
) -> float | None:
    """0..100 = 40 * uptime + 30 * latency score + 30 * (1 - error rate).

    Uptime is the 24 h share of successful active checks; the latency score is
    ``latency_score(p95)``; the error rate that of real traffic when there was enough,
    else of the checks. None until the first check.
    """
    if uptime is None or error_rate is None:
        return None
    score = (
        SCORE_WEIGHTS["uptime"] * uptime
        + SCORE_WEIGHTS["latency"] * latency_score(p95_ms, threshold_ms)
        + SCORE_WEIGHTS["errors"] * (1 - error_rate)
    )
    return round(score, 1)
