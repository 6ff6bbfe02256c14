"""Recent numbers per deployment, from this process's own traffic: time to first token,
tokens per second, error share and requests in flight. Strategies ``latency``, ``balanced``
and ``least_busy`` order candidates by them. Exponentially weighted, so a provider that
slows down or recovers shows within a few calls."""

from __future__ import annotations

import threading
from dataclasses import dataclass

SMOOTHING = 0.2  # weight of the newest observation


@dataclass
class DeploymentStats:
    ttft_ms: float | None = None
    tokens_per_second: float | None = None
    error_share: float = 0.0
    in_flight: int = 0


_stats: dict[str, DeploymentStats] = {}
_lock = threading.Lock()


def _ewma(old: float | None, new: float) -> float:
    return new if old is None else old + SMOOTHING * (new - old)


def stats_for(label: str) -> DeploymentStats:
    return _stats.get(label) or DeploymentStats()


def call_started(label: str) -> None:
    with _lock:
        _stats.setdefault(label, DeploymentStats()).in_flight += 1


def call_ended(
    label: str,
    *,
    ok: bool,
    ttft_ms: float | None = None,
    output_tokens: int = 0,
    generation_seconds: float = 0.0,
) -> None:
    with _lock:
        stats = _stats.setdefault(label, DeploymentStats())
        stats.in_flight = max(stats.in_flight - 1, 0)
        stats.error_share = _ewma(stats.error_share, 0.0 if ok else 1.0)
        if ok and ttft_ms is not None:
            stats.ttft_ms = _ewma(stats.ttft_ms, ttft_ms)
        if ok and output_tokens > 1 and generation_seconds > 0:
            stats.tokens_per_second = _ewma(
                stats.tokens_per_second, output_tokens / generation_seconds
            )


def stats_reset() -> None:
    with _lock:
        _stats.clear()
