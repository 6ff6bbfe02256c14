"""Rate limits and quotas shared by every process through Redis: all of a request's limits
are checked and charged in one Lua script, on Redis server time."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import redis.asyncio as aioredis
from redis.typing import EncodableT

from routing.reliability.limits import (
    Admitted,
    LimitCharge,
    Quota,
    Throttled,
    quota_key,
    too_large,
)
from routing.reliability.periods import seconds_until_period_end

# ARGV: check (1) or adjust (0), then per key: kind ('g' GCRA / 'q' quota), limit,
# per_seconds (GCRA) or seconds to the period's end (quota), amount.
_SCRIPT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local check = ARGV[1] == '1'
local n = #KEYS
local worst, worst_i = 0, 0
local new = {}
for i = 1, n do
  local kind, limit = ARGV[4 * i - 2], tonumber(ARGV[4 * i - 1])
  local span, amount = tonumber(ARGV[4 * i]), tonumber(ARGV[4 * i + 1])
  local current = tonumber(redis.call('GET', KEYS[i]))
  if kind == 'g' then
    local tat = current or now
    if tat < now then tat = now end
    local new_tat = tat + amount * span / limit
    local wait = new_tat - span - now
    if check and wait > worst then worst, worst_i = wait, i end
    new[i] = new_tat
  else
    local used = (current or 0) + amount
    if check and used > limit and span > worst then worst, worst_i = span, i end
    new[i] = used
  end
end
if worst_i > 0 then return {worst_i, tostring(worst)} end
for i = 1, n do
  local kind, span = ARGV[4 * i - 2], tonumber(ARGV[4 * i])
  if kind == 'g' then
    local ttl = math.ceil((new[i] - now) * 1000) + 1000
    if ttl > 1000 then
      redis.call('SET', KEYS[i], string.format('%.6f', new[i]), 'PX', ttl)
    else
      redis.call('DEL', KEYS[i])
    end
  else
    redis.call('SET', KEYS[i], string.format('%d', new[i]), 'EX', math.ceil(span) + 3600)
  end
end
return {0, '0'}
"""


class RedisRateLimiter:
    """Rate limits in Redis under ``prefix``; two processes share one window."""

    def __init__(self, client: aioredis.Redis, *, prefix: str) -> None:
        self._prefix = prefix + "rl:"
        self._script = client.register_script(_SCRIPT)

    async def admit(self, charges: Sequence[LimitCharge]) -> Admitted | Throttled:
        rejected = too_large(charges)
        if rejected:
            return rejected
        if not charges:
            return Admitted(())
        index, wait = await self._run(charges, check=True)
        if index:
            limit = charges[index - 1].limit
            return Throttled(limit.name, limit.limit, max(float(wait), 0.001))
        return Admitted(tuple(charges))

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
                args += [
                    "q",
                    limit.limit,
                    seconds_until_period_end(limit.period, at),
                    charge.amount,
                ]
            else:
                keys.append(self._prefix + limit.key)
                args += ["g", limit.limit, limit.per_seconds, charge.amount]
        index, wait = await self._script(keys=keys, args=args)
        return int(index), wait
