"""Breaker and retry settings, read from the hub's settings (HUB_BREAKER_*, HUB_RETRY_ATTEMPTS)."""

from __future__ import annotations

from django.conf import settings

from routing.reliability.breakers import BreakerConfig
from routing.reliability.retries import RetryPolicy


def retry_policy() -> RetryPolicy:
    """Attempts per candidate (the first included); backoff as RetryPolicy says."""
    return RetryPolicy(max_attempts=settings.HUB_RETRY_ATTEMPTS)


def breaker_config() -> BreakerConfig:
    """Failures before a deployment's breaker opens, and its cool-down."""
    return BreakerConfig(
        failure_threshold=settings.HUB_BREAKER_FAILURES, cooldown=settings.HUB_BREAKER_COOLDOWN
    )
