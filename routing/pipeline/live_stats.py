"""Recent numbers per deployment (a provider's model), from this process's own traffic: time
to first token, tokens per second, error share, requests in flight and how long answers run.
Strategies ``latency``, ``balanced`` and ``least_busy`` order candidates by the first four;
budgets reserve for the last when a call sets no ``max_tokens``. Exponentially weighted, so
a provider that slows down or recovers shows within a few calls. Keyed by provider id, which
is one workspace's, so two workspaces' providers of the same slug never mix."""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

from providers.deployments import Deployment

SMOOTHING = 0.2  # weight of the newest observation
DEFAULT_OUTPUT_TOKENS = 256  # a model not seen answering yet
OUTPUT_TOKENS_BOUNDS = (1, 4096)  # what a reservation assumes, whatever history says


@dataclass
class DeploymentStats:
    ttft_ms: float | None = None
    tokens_per_second: float | None = None
    error_share: float = 0.0
    in_flight: int = 0
    output_tokens: float | None = None


_stats: dict[tuple[int, str], DeploymentStats] = {}
_lock = threading.Lock()


def _ewma(old: float | None, new: float) -> float:
    return new if old is None else old + SMOOTHING * (new - old)


def _key(deployment: Deployment) -> tuple[int, str]:
    return deployment.provider_id, deployment.model


def stats_for(deployment: Deployment) -> DeploymentStats:
    return _stats.get(_key(deployment)) or DeploymentStats()


def call_started(deployment: Deployment) -> None:
    with _lock:
        _stats.setdefault(_key(deployment), DeploymentStats()).in_flight += 1


def call_ended(
    deployment: Deployment,
    *,
    ok: bool,
    ttft_ms: float | None = None,
    output_tokens: int = 0,
    generation_seconds: float = 0.0,
) -> None:
    with _lock:
        stats = _stats.setdefault(_key(deployment), DeploymentStats())
        stats.in_flight = max(stats.in_flight - 1, 0)
        stats.error_share = _ewma(stats.error_share, 0.0 if ok else 1.0)
        if ok and ttft_ms is not None:
            stats.ttft_ms = _ewma(stats.ttft_ms, ttft_ms)
        if ok and output_tokens > 1 and generation_seconds > 0:
            stats.tokens_per_second = _ewma(
                stats.tokens_per_second, output_tokens / generation_seconds
            )


def output_observed(deployment: Deployment, output_tokens: int) -> None:
    """A finished answer's length, as the provider counted it."""
    with _lock:
        stats = _stats.setdefault(_key(deployment), DeploymentStats())
        stats.output_tokens = _ewma(stats.output_tokens, output_tokens)


def likely_output_tokens(deployment: Deployment) -> int:
    """How long an answer of this deployment is likely to be, within OUTPUT_TOKENS_BOUNDS."""
    recent = stats_for(deployment).output_tokens
    guess = DEFAULT_OUTPUT_TOKENS if recent is None else math.ceil(recent)
    low, high = OUTPUT_TOKENS_BOUNDS
    return min(max(guess, low), high)


def stats_reset() -> None:
    with _lock:
        _stats.clear()
