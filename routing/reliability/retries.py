"""When to try again, how long to wait, and when to move on to the next candidate.

Retrying the same deployment helps with blips; falling back helps when it is down. Both
are decided here from the failure alone, so the pipeline's loop stays a few lines.
"""

from __future__ import annotations

import asyncio
import enum
import random
from dataclasses import dataclass

import httpx

from providers.adapters.base import UpstreamError


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 2  # per candidate, the first try included
    base_delay: float = 0.25  # seconds; the backoff ceiling doubles from here
    max_delay: float = 8.0  # no computed wait is longer
    max_retry_after: float = 30.0  # a provider's Retry-After beyond this is not waited for
    fallback_on_content_policy: bool = False  # a refusal is the answer unless configured


@dataclass(frozen=True)
class CandidateTimeouts:
    """Per-candidate limits for the adapters, in seconds: connecting, waiting for the first
    token (a stream's first chunk, or the whole body when not streaming) and the whole call."""

    connect: float = 5.0
    first_token: float = 30.0
    total: float = 300.0


class FailureAction(enum.StrEnum):
    RETRY = "retry"  # the same candidate may succeed on another attempt
    FALLBACK = "fallback"  # move on to the next candidate now
    FAIL = "fail"  # the request itself is wrong or refused: answer the caller


CONTENT_POLICY_CLASSES = frozenset({"content_policy", "content_filter", "safety"})


def retry_delay(
    attempt: int, retry_after: float | None = None, policy: RetryPolicy = RetryPolicy()
) -> float:
    """Seconds to wait before attempt ``attempt + 1`` (``attempt`` counts from 1).

    Full jitter (uniform over [0, base * 2**(attempt-1)], capped) spreads retries from many
    callers; a provider's Retry-After wins when given, capped at ``max_retry_after``.
    """
    if retry_after is not None and retry_after >= 0:
        return min(retry_after, policy.max_retry_after)
    ceiling = min(policy.max_delay, policy.base_delay * 2 ** max(attempt - 1, 0))
    return random.uniform(0, ceiling)


def failure_action(error: BaseException, policy: RetryPolicy = RetryPolicy()) -> FailureAction:
    """Classify a failed attempt: connection errors, timeouts, 5xx and 429 are retryable;
    other 4xx fail the request; a content-policy refusal falls back only when configured."""
    if isinstance(error, UpstreamError):
        if error.error_class in CONTENT_POLICY_CLASSES:
            return (
                FailureAction.FALLBACK if policy.fallback_on_content_policy else FailureAction.FAIL
            )
        status = error.status
        if status is None or status in (408, 429) or status >= 500:
            return FailureAction.RETRY
        if error.retryable:
            return FailureAction.RETRY
        if status in (401, 403):
            return FailureAction.FALLBACK  # this deployment's credentials, not the request
        return FailureAction.FAIL
    if isinstance(error, TimeoutError | asyncio.TimeoutError | ConnectionError | OSError):
        return FailureAction.RETRY
    if isinstance(error, httpx.TransportError):
        return FailureAction.RETRY  # connect, read, write, protocol and pool timeouts
    return FailureAction.FAIL


def should_retry_same(
    action: FailureAction, attempt: int, retry_after: float | None, policy: RetryPolicy
) -> bool:
    """Retry this candidate, rather than fall back: attempts left and a wait worth taking."""
    if action is not FailureAction.RETRY or attempt >= policy.max_attempts:
        return False
    return retry_after is None or retry_after <= policy.max_retry_after
