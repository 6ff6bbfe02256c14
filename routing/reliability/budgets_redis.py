"""Budgets shared by every process through Redis. Each budget period is a hash (spent,
reserved, mark, one ``r:<id>`` field per open reservation) plus a sorted set of reservation
leases; reserve, settle and release are each one Lua script over all the call's budgets.
Not for Redis Cluster: a call's budgets live in different hash slots.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

import redis.asyncio as aioredis
from redis.typing import EncodableT

from routing.reliability.budgets import (
    Budget,
    BudgetCrossing,
    BudgetStatus,
    Rejection,
    Reservation,
    budget_period_end,
)

# KEYS: hash, leases per budget. ARGV: amount, id, now, lease_until, then per budget:
# hard limit (-1 when none), expire-at (unix seconds). The hard-limit test is
# routing.reliability.budgets.reserve_refused.
_RESERVE = """
local amount, id, now, lease_until = tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local n = #KEYS / 2
for i = 1, n do
  local h, z = KEYS[2 * i - 1], KEYS[2 * i]
  for _, old in ipairs(redis.call('ZRANGEBYSCORE', z, '-inf', now, 'LIMIT', 0, 100)) do
    local held = tonumber(redis.call('HGET', h, 'r:' .. old))
    if held and held ~= 0 then
      redis.call('HINCRBY', h, 'reserved', -held)
      redis.call('HDEL', h, 'r:' .. old)
    end
    redis.call('ZREM', z, old)
  end
  local hard = tonumber(ARGV[3 + 2 * i])
  if hard >= 0 then
    local v = redis.call('HMGET', h, 'spent', 'reserved')
    local spent, reserved = tonumber(v[1]) or 0, tonumber(v[2]) or 0
    if spent + reserved >= hard then
      return {i, spent, reserved}
    end
  end
end
for i = 1, n do
  local h, z = KEYS[2 * i - 1], KEYS[2 * i]
  redis.call('HINCRBY', h, 'reserved', amount)
  redis.call('HSET', h, 'r:' .. id, amount)
  redis.call('ZADD', z, lease_until, id)
  local expire_at = tonumber(ARGV[4 + 2 * i])
  redis.call('EXPIREAT', h, expire_at)
  redis.call('EXPIREAT', z, expire_at)
end
return {0, 0, 0}
"""

# KEYS: hash, leases per budget. ARGV: id, actual (-1 to release), then per budget:
# alert base (-1 when none), thresholds as "50,80,100". Returns per budget: spent, mark before.
_SETTLE = """
local id, actual = ARGV[1], tonumber(ARGV[2])
local out = {}
for i = 1, #KEYS / 2 do
  local h, z = KEYS[2 * i - 1], KEYS[2 * i]
  local held = tonumber(redis.call('HGET', h, 'r:' .. id))
  if held and held ~= 0 then
    redis.call('HINCRBY', h, 'reserved', -held)
    redis.call('HDEL', h, 'r:' .. id)
  end
  redis.call('ZREM', z, id)
  local mark = tonumber(redis.call('HGET', h, 'mark')) or 0
  local spent = 0
  if actual >= 0 then
    spent = redis.call('HINCRBY', h, 'spent', actual)
    local base = tonumber(ARGV[1 + 2 * i])
    if base > 0 then
      local percent = spent * 100 / base
      local new_mark = mark
      for t in string.gmatch(ARGV[2 + 2 * i], '%d+') do
        local threshold = tonumber(t)
        if threshold > new_mark and threshold <= percent then new_mark = threshold end
      end
      if new_mark > mark then redis.call('HSET', h, 'mark', new_mark) end
    end
  end
  out[2 * i - 1], out[2 * i] = spent, mark
end
return out
"""


class RedisBudgetLedger:
    """Budgets in Redis under ``prefix``; two processes reserving at once share one limit."""

    def __init__(
        self, client: aioredis.Redis, *, prefix: str, lease_seconds: float = 900.0
    ) -> None:
        self.lease_seconds = lease_seconds
        self._client = client
        self._prefix = prefix + "budget:"
        self._reserve = client.register_script(_RESERVE)
        self._settle = client.register_script(_SETTLE)

    def _keys(self, counter_keys: Sequence[str]) -> list[str]:
        return [self._prefix + key + suffix for key in counter_keys for suffix in ("", ":leases")]

    async def reserve(
        self, budgets: Sequence[Budget], estimated_cost: int
    ) -> Reservation | Rejection:
        at = datetime.now(UTC)
        counter_keys = tuple(budget.counter_key(at) for budget in budgets)
        reservation = Reservation(uuid.uuid4().hex, tuple(budgets), counter_keys, estimated_cost)
        now = time.time()
        args: list[EncodableT] = [estimated_cost, reservation.id, now, now + self.lease_seconds]
        for budget in budgets:
            expire_at = int(budget_period_end(budget, at).timestamp()) + 86_400
            args += [-1 if budget.hard_limit is None else budget.hard_limit, expire_at]
        index, spent, reserved = await self._reserve(keys=self._keys(counter_keys), args=args)
        if index:
            budget = budgets[index - 1]
            return Rejection(budget, budget.hard_limit or 0, int(spent), int(reserved))
        return reservation

    async def seed(self, budget: Budget, spent: int, at: datetime) -> None:
        key = self._prefix + budget.counter_key(at)
        if await self._client.hsetnx(key, "spent", spent):
            await self._client.expireat(
                key, int(budget_period_end(budget, at).timestamp()) + 86_400
            )

    async def settle(self, reservation: Reservation, actual_cost: int) -> list[BudgetCrossing]:
        reservation.finish()
        values = await self._run_settle(reservation, actual_cost)
        crossings = []
        for i, budget in enumerate(reservation.budgets):
            spent, before = int(values[2 * i]), int(values[2 * i + 1])
            crossed = tuple(
                t for t in sorted(budget.thresholds)
                if before < t and budget.alert_base and t <= spent * 100 / budget.alert_base
            )  # fmt: skip
            if crossed:
                crossings.append(BudgetCrossing(budget, crossed, spent))
        return crossings

    async def release(self, reservation: Reservation) -> None:
        reservation.finish()
        await self._run_settle(reservation, -1)

    async def _run_settle(self, reservation: Reservation, actual_cost: int) -> list[int]:
        args: list[EncodableT] = [reservation.id, actual_cost]
        for budget in reservation.budgets:
            args += [budget.alert_base or -1, ",".join(map(str, budget.thresholds))]
        return await self._settle(keys=self._keys(reservation.counter_keys), args=args)

    async def status(self, budgets: Sequence[Budget]) -> list[BudgetStatus]:
        """Spent and reserved per budget in one round trip (expired leases still counted
        until the next reservation sweeps them)."""
        at = datetime.now(UTC)
        async with self._client.pipeline(transaction=False) as pipe:
            for budget in budgets:
                pipe.hmget(self._prefix + budget.counter_key(at), "spent", "reserved")
            rows = await pipe.execute()
        return [
            BudgetStatus(budget, int(spent or 0), int(reserved or 0))
            for budget, (spent, reserved) in zip(budgets, rows, strict=True)
        ]
