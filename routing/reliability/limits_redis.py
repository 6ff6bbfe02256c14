"""Rate limits and quotas shared by every process through Redis: all of a request's limits
are checked and charged in one Lua script, on Redis server time, with the sliding windows
of routing.reliability.limits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import redis.asyncio as aioredis
from redis.typing import EncodableT

from routing.reliability.limits import (
    WINDOW_BUCKETS,
    Admitted,
    LimitCharge,
    Quota,
    Throttled,
    bucket_width,
    quota_key,
    too_large,
    window_wait,
)
from routing.reliability.periods import seconds_until_period_end

# ARGV: check (1) or adjust (0), then per key: kind ('w' window / 'q' quota), limit,
# per_seconds (window) or seconds to the period's end (quota), amount, bucket ('' to admit:
# the current one). A window is a hash of bucket -> units, buckets of per_seconds / 60.
# Returns {0, bucket of now} when admitted, {i, seconds to wait} when key i refuses.
_SCRIPT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local check = ARGV[1] == '1'
local worst, worst_i, current = 0, 0, 0
for i = 1, #KEYS do
  local kind, limit = ARGV[5 * i - 3], tonumber(ARGV[5 * i - 2])
  local span, amount = tonumber(ARGV[5 * i - 1]), tonumber(ARGV[5 * i])
  if kind == 'w' then
    local width = span / 60
    current = math.floor(now / width)
    local fields = redis.call('HGETALL', KEYS[i])
    local buckets, used, gone = {}, 0, {}
    for j = 1, #fields, 2 do
      local bucket, units = tonumber(fields[j]), tonumber(fields[j + 1])
      if bucket < current - 60 then
        gone[#gone + 1] = fields[j]
      else
        buckets[#buckets + 1] = bucket
        used = used + units
      end
    end
    if #gone > 0 then redis.call('HDEL', KEYS[i], unpack(gone)) end
    local excess = used + amount - limit
    if check and excess > 0 then
      table.sort(buckets)
      local freed, wait = 0, span
      for _, bucket in ipairs(buckets) do
        freed = freed + tonumber(redis.call('HGET', KEYS[i], tostring(bucket)))
        if freed >= excess then
          wait = (bucket + 61) * width - now
          break
        end
      end
      if wait < 0.001 then wait = 0.001 end
      if wait > worst then worst, worst_i = wait, i end
    end
  else
    local used = (tonumber(redis.call('GET', KEYS[i])) or 0) + amount
    if check and used > limit and span > worst then worst, worst_i = span, i end
  end
end
if worst_i > 0 then return {worst_i, tostring(worst)} end
for i = 1, #KEYS do
  local kind, span, amount = ARGV[5 * i - 3], tonumber(ARGV[5 * i - 1]), tonumber(ARGV[5 * i])
  if kind == 'w' then
    local width = span / 60
    local bucket = ARGV[5 * i + 1]
    if bucket == '' then bucket = tostring(math.floor(now / width)) end
    if tonumber(bucket) >= math.floor(now / width) - 60 then
      redis.call('HINCRBY', KEYS[i], bucket, amount)
      redis.call('PEXPIRE', KEYS[i], math.ceil(span * 61 / 60 * 1000) + 1000)
    end
  else
    redis.call('INCRBY', KEYS[i], amount)
    redis.call('EXPIRE', KEYS[i], math.ceil(span) + 3600)
  end
end
return {0, tostring(current)}
"""


class RedisRateLimiter:
    """Rate limits in Redis under ``prefix``; two processes share one window."""

    def __init__(self, client: aioredis.Redis, *, prefix: str) -> None:
        self._prefix = prefix + "rl:"
        self._client = client
        self._script = client.register_script(_SCRIPT)

    async def admit(self, charges: Sequence[LimitCharge]) -> Admitted | Throttled:
        rejected = too_large(charges)
        if rejected:
            return rejected
        if not charges:
            return Admitted(())
        index, value = await self._run(charges, check=True)
        if index:
            limit = charges[index - 1].limit
            return Throttled(limit.name, limit.limit, max(float(value), 0.001))
        bucket = int(value)
        return Admitted(
            tuple(
                c if isinstance(c.limit, Quota) else LimitCharge(c.limit, c.amount, bucket)
                for c in charges
            )
        )

    async def peek(self, charges: Sequence[LimitCharge]) -> Throttled | None:
        """Reads the counters the script keeps, on Redis server time, and writes nothing:
        the same sums as the script's check (routing.reliability.limits.window_wait)."""
        rejected = too_large(charges)
        if rejected or not charges:
            return rejected
        seconds, micros = await self._client.time()
        now, at = seconds + micros / 1_000_000, datetime.now(UTC)
        worst: Throttled | None = None
        for charge in charges:
            limit = charge.limit
            if isinstance(limit, Quota):
                used = int(await self._client.get(self._prefix + quota_key(limit, at)) or 0)
                over = used + charge.amount > limit.limit
                wait = seconds_until_period_end(limit.period, at) if over else 0.0
            else:
                oldest = int(now // bucket_width(limit)) - WINDOW_BUCKETS
                fields = await self._client.hgetall(self._prefix + limit.key)
                buckets = {int(b): int(u) for b, u in fields.items() if int(b) >= oldest}
                wait = window_wait(buckets, now, charge.amount, limit)
            if wait > 0 and (worst is None or wait > (worst.retry_after or 0)):
                worst = Throttled(limit.name, limit.limit, wait)
        return worst

    async def adjust(self, charges: Sequence[LimitCharge]) -> None:
        """Add (or give back, when negative) units without checking the limits."""
        if charges:
            await self._run(charges, check=False)

    async def _run(self, charges: Sequence[LimitCharge], *, check: bool) -> tuple[int, bytes]:
        at = datetime.now(UTC)
        keys: list[str] = []
        args: list[EncodableT] = [int(check)]
        for charge in charges:
            limit = charge.limit
            if isinstance(limit, Quota):
                keys.append(self._prefix + quota_key(limit, at))
                span = seconds_until_period_end(limit.period, at)
                args += ["q", limit.limit, span, charge.amount, ""]
            else:
                keys.append(self._prefix + limit.key)
                bucket = "" if charge.bucket is None else str(charge.bucket)
                args += ["w", limit.limit, limit.per_seconds, charge.amount, bucket]
        index, wait = await self._script(keys=keys, args=args)
        return int(index), wait
