"""Circuit breakers: open on repeated failure or a high error rate, skip while open, one
probe after the cool-down, close on its success, re-open on its failure."""

from __future__ import annotations

import asyncio

from routing.reliability.breakers import BreakerConfig

FAST = BreakerConfig(failure_threshold=3, min_requests=100, cooldown=0.15, probe_lease=0.3)
KEY = "42:gpt-4o"


async def fail(breakers, times: int, config: BreakerConfig = FAST) -> str:
    state = "closed"
    for _ in range(times):
        state = await breakers.record_failure(KEY, config, probe=False)
    return state


async def test_opens_after_consecutive_failures_and_skips_callers(breakers):
    assert await fail(breakers, 2) == "closed"
    assert (await breakers.allow(KEY, FAST)).allowed

    assert await fail(breakers, 1) == "open"

    permit = await breakers.allow(KEY, FAST)
    assert (permit.allowed, permit.state) == (False, "open")
    assert await breakers.open_keys([KEY, "1:other"], FAST) == {KEY}


async def test_a_success_resets_the_consecutive_count(breakers):
    await fail(breakers, 2)
    await breakers.record_success(KEY, FAST, probe=False)
    assert await fail(breakers, 2) == "closed"


async def test_opens_on_error_rate_once_the_window_has_enough_requests(breakers):
    config = BreakerConfig(failure_threshold=100, error_rate=0.5, min_requests=10, window=60)
    for _ in range(4):
        await breakers.record_success(KEY, config, probe=False)
        assert await breakers.record_failure(KEY, config, probe=False) == "closed"
    await breakers.record_success(KEY, config, probe=False)  # 9 requests, 4 errors
    assert await breakers.record_failure(KEY, config, probe=False) == "open"  # 10, 5


async def test_exactly_one_concurrent_caller_gets_the_half_open_probe(breakers):
    await fail(breakers, 3)
    await asyncio.sleep(FAST.cooldown + 0.05)

    permits = await asyncio.gather(*(breakers.allow(KEY, FAST) for _ in range(25)))

    assert sum(p.probe for p in permits) == 1
    assert sum(p.allowed for p in permits) == 1
    assert await breakers.open_keys([KEY], FAST) == {KEY}  # still skipped while probing


async def test_probe_success_closes_the_breaker(breakers):
    await fail(breakers, 3)
    await asyncio.sleep(FAST.cooldown + 0.05)
    probe = await breakers.allow(KEY, FAST)

    assert await breakers.record_success(KEY, FAST, probe=probe.probe) == "closed"
    assert all([(await breakers.allow(KEY, FAST)).allowed for _ in range(3)])


async def test_late_success_of_an_ordinary_call_does_not_close_an_open_breaker(breakers):
    await fail(breakers, 3)
    assert await breakers.record_success(KEY, FAST, probe=False) == "open"


async def test_probe_failure_reopens_and_restarts_the_cool_down(breakers):
    await fail(breakers, 3)
    await asyncio.sleep(FAST.cooldown + 0.05)
    probe = await breakers.allow(KEY, FAST)

    assert await breakers.record_failure(KEY, FAST, probe=probe.probe) == "open"
    assert not (await breakers.allow(KEY, FAST)).allowed
    await asyncio.sleep(FAST.cooldown + 0.05)
    assert (await breakers.allow(KEY, FAST)).probe


async def test_an_unanswered_probe_is_handed_on_after_its_lease(breakers):
    await fail(breakers, 3)
    await asyncio.sleep(FAST.cooldown + 0.05)
    assert (await breakers.allow(KEY, FAST)).probe  # its caller never reports back
    assert not (await breakers.allow(KEY, FAST)).allowed

    await asyncio.sleep(FAST.probe_lease + 0.05)

    assert (await breakers.allow(KEY, FAST)).probe


async def test_breaker_checks_survive_a_redis_that_forgot_its_scripts(private_redis):
    """A restarted or flushed Redis has no scripts loaded; the breaker loads its own again."""
    import redis.asyncio as aioredis

    from routing.reliability.breakers_redis import RedisBreakers

    client = aioredis.Redis.from_url(private_redis)
    try:
        breakers = RedisBreakers(client, prefix="t:")
        assert await fail(breakers, 3) == "open"
        await client.script_flush()
        assert await breakers.open_keys([KEY, "1:other"], FAST) == {KEY}
        assert await breakers.open_keys(["1:other"], FAST) == set()
    finally:
        await client.aclose()
