"""Admission limits: per-key requests/min and tokens/min, the workspace's tokens/day, all
charged together or not at all, with a Retry-After the caller can honour."""

from __future__ import annotations

import asyncio
import math
from dataclasses import replace
from datetime import UTC, datetime

from routing.reliability.limits import (
    Admitted,
    LimitCharge,
    Quota,
    RateLimit,
    Throttled,
    api_key_limits,
    workspace_quota,
)
from routing.reliability.periods import Period, seconds_until_period_end


async def test_requests_per_minute_admits_the_limit_then_throttles_with_retry_after(limiter):
    charge = api_key_limits(key_id=1, requests_per_minute=6, tokens_per_minute=None, tokens=0)

    decisions = await asyncio.gather(*(limiter.admit(charge) for _ in range(10)))

    assert sum(isinstance(d, Admitted) for d in decisions) == 6
    throttled = next(d for d in decisions if isinstance(d, Throttled))
    assert throttled.name == "requests/min"
    assert 59 < throttled.retry_after <= 61  # the six leave the window together, a minute on
    assert throttled.retry_after_seconds == math.ceil(throttled.retry_after)
    assert f"requests/min limit of 6 reached; retry after {throttled.retry_after_seconds} s" in (
        throttled.message
    )


async def test_no_window_of_the_limit_s_length_ever_holds_more_than_the_limit(limiter):
    """A burst of the limit, then steady demand: in any rolling window at most the limit is
    admitted (GCRA let a whole second limit's worth in on top of a burst)."""
    window, limit = 1.0, 5
    charge = [LimitCharge(RateLimit("requests/s", "k:window", limit, per_seconds=window), 1)]
    admitted_at: list[float] = []
    loop = asyncio.get_running_loop()
    began = loop.time()
    while loop.time() - began < 3.2:
        if isinstance(await limiter.admit(charge), Admitted):
            admitted_at.append(loop.time())
        await asyncio.sleep(0.01)
    busiest = max(
        sum(1 for t in admitted_at if start <= t < start + window) for start in admitted_at
    )
    assert busiest <= limit
    assert len(admitted_at) >= 3 * limit - 1  # and the limit is not undershot: one window each


async def test_a_throttled_slot_frees_after_its_retry_after(limiter):
    charge = [LimitCharge(RateLimit("requests/s", "k:rps", 5, per_seconds=0.5), 1)]
    for _ in range(5):
        assert isinstance(await limiter.admit(charge), Admitted)
    throttled = await limiter.admit(charge)
    assert isinstance(throttled, Throttled)

    await asyncio.sleep(throttled.retry_after + 0.02)

    assert isinstance(await limiter.admit(charge), Admitted)


async def test_tokens_limit_rejects_without_consuming_the_request_limit(limiter):
    def charges(tokens: int) -> list[LimitCharge]:
        return api_key_limits(
            key_id=2, requests_per_minute=2, tokens_per_minute=1000, tokens=tokens
        )

    assert isinstance(await limiter.admit(charges(900)), Admitted)
    rejected = await limiter.admit(charges(200))
    assert isinstance(rejected, Throttled) and rejected.name == "tokens/min"

    assert isinstance(await limiter.admit(charges(50)), Admitted)  # request slot 2 was still free


async def test_adjust_returns_tokens_estimated_but_not_used(limiter):
    charges = api_key_limits(
        key_id=3, requests_per_minute=None, tokens_per_minute=1000, tokens=1000
    )
    admitted = await limiter.admit(charges)
    assert isinstance(admitted, Admitted)

    await limiter.adjust([replace(admitted.charges[0], amount=-600)])  # the call used 400

    assert isinstance(await limiter.admit([LimitCharge(charges[0].limit, 500)]), Admitted)


async def test_daily_quota_holds_until_utc_midnight(limiter):
    assert isinstance(
        await limiter.admit(workspace_quota(workspace_id=5, tokens_per_day=1000, tokens=800)),
        Admitted,
    )

    rejected = await limiter.admit(workspace_quota(workspace_id=5, tokens_per_day=1000, tokens=300))

    assert isinstance(rejected, Throttled) and rejected.name == "workspace tokens/day"
    expected = seconds_until_period_end(Period.DAY, datetime.now(UTC))
    assert abs(rejected.retry_after - expected) < 5


async def test_a_request_larger_than_a_limit_is_refused_without_retry_after(limiter):
    rejected = await limiter.admit([LimitCharge(Quota("tokens/day", "ws:6:tpd", 100), 101)])
    assert isinstance(rejected, Throttled) and rejected.retry_after is None
    assert "larger than the tokens/day limit" in rejected.message


async def test_peek_foresees_admit_and_charges_nothing(limiter):
    """What a dry run of routing asks: would this call be refused now? Asked any number of
    times, it leaves the counters as they were."""
    per_key = api_key_limits(key_id=9, requests_per_minute=2, tokens_per_minute=100, tokens=40)
    quota = workspace_quota(workspace_id=9, tokens_per_day=90, tokens=40)
    charges = [*per_key, *quota]
    for _ in range(5):
        assert await limiter.peek(charges) is None
    assert isinstance(await limiter.admit(charges), Admitted)
    assert await limiter.peek(charges) is None
    assert isinstance(await limiter.admit(charges), Admitted)  # the peeks took no share

    foreseen = await limiter.peek(charges)
    refused = await limiter.admit(charges)
    assert isinstance(foreseen, Throttled) and isinstance(refused, Throttled)
    assert foreseen.name == refused.name and foreseen.limit == refused.limit
    assert abs(foreseen.retry_after - refused.retry_after) < 1.0

    too_big = workspace_quota(workspace_id=9, tokens_per_day=90, tokens=91)
    assert (await limiter.peek(too_big)).retry_after is None  # larger than the limit itself
