"""Retry policy: full-jitter backoff, Retry-After honoured and capped, and which failures
retry, fall back or go straight back to the caller."""

from __future__ import annotations

import httpx

from providers.adapters.base import UpstreamError
from routing.reliability.retries import (
    FailureAction,
    RetryPolicy,
    failure_action,
    retry_delay,
    should_retry_same,
)

POLICY = RetryPolicy(base_delay=0.5, max_delay=3.0, max_retry_after=20.0, max_attempts=3)


def test_backoff_is_full_jitter_under_a_doubling_capped_ceiling():
    for attempt, ceiling in ((1, 0.5), (2, 1.0), (3, 2.0), (4, 3.0), (10, 3.0)):
        delays = [retry_delay(attempt, policy=POLICY) for _ in range(300)]
        assert all(0 <= d <= ceiling for d in delays)
        assert max(delays) > ceiling * 0.8 and min(delays) < ceiling * 0.2  # spread, not fixed


def test_retry_after_wins_and_is_capped():
    assert retry_delay(1, retry_after=7, policy=POLICY) == 7
    assert retry_delay(1, retry_after=120, policy=POLICY) == 20.0


def test_transient_failures_retry():
    for error in (
        UpstreamError("busy", status=429, retry_after=2),
        UpstreamError("bad gateway", status=502),
        UpstreamError("unreachable", status=None),
        httpx.ConnectError("refused"),
        httpx.ReadTimeout("slow"),
        TimeoutError(),
        ConnectionResetError(),
    ):
        assert failure_action(error) is FailureAction.RETRY, error


def test_request_errors_go_back_to_the_caller_and_bad_credentials_fall_back():
    assert failure_action(UpstreamError("bad field", status=400)) is FailureAction.FAIL
    assert failure_action(UpstreamError("too long", status=413)) is FailureAction.FAIL
    assert failure_action(ValueError("bug")) is FailureAction.FAIL
    assert failure_action(UpstreamError("revoked key", status=401)) is FailureAction.FALLBACK


def test_content_policy_refusal_falls_back_only_when_configured():
    refusal = UpstreamError("refused", status=400, error_class="content_policy")
    assert failure_action(refusal) is FailureAction.FAIL
    assert (
        failure_action(refusal, RetryPolicy(fallback_on_content_policy=True))
        is FailureAction.FALLBACK
    )


def test_same_candidate_is_retried_only_with_attempts_left_and_a_short_enough_wait():
    assert should_retry_same(FailureAction.RETRY, 1, None, POLICY)
    assert not should_retry_same(FailureAction.RETRY, 3, None, POLICY)
    assert not should_retry_same(FailureAction.RETRY, 1, 60.0, POLICY)  # fall back instead
    assert not should_retry_same(FailureAction.FALLBACK, 1, None, POLICY)
