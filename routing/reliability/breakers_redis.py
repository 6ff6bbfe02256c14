"""Circuit breakers shared by every process through Redis: one hash per deployment, every
transition one Lua script, so two replicas never both take the half-open probe.

Time is Redis server time, so replicas with drifting clocks agree on cool-downs.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

import redis.asyncio as aioredis
from redis.exceptions import NoScriptError
from redis.typing import EncodableT

from routing.reliability.breakers import BreakerConfig, BreakerPermit, BreakerState

_SCRIPT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local key, op, probe = KEYS[1], ARGV[1], ARGV[2] == '1'
local threshold, rate, min_req = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local bucket_s, buckets = tonumber(ARGV[6]), tonumber(ARGV[7])
local cooldown, lease, ttl = tonumber(ARGV[8]), tonumber(ARGV[9]), tonumber(ARGV[10])
local st = redis.call('HMGET', key, 'state', 'fails', 'opened', 'probe')
local state = st[1] or 'closed'
local fails = tonumber(st[2]) or 0
local opened = tonumber(st[3]) or 0
local probe_at = tonumber(st[4]) or 0

local function open_now()
  redis.call('DEL', key)
  redis.call('HSET', key, 'state', 'open', 'opened', tostring(now))
  redis.call('EXPIRE', key, ttl)
  return 'open'
end

local function skipped()
  if state == 'open' then return now < opened + cooldown end
  return now < probe_at + lease
end

local function count(is_error)
  local bucket = math.floor(now / bucket_s)
  redis.call('HINCRBY', key, 'r' .. bucket, 1)
  if is_error then redis.call('HINCRBY', key, 'e' .. bucket, 1) end
  local requests, errors = 0, 0
  local all = redis.call('HGETALL', key)
  for i = 1, #all, 2 do
    local name = all[i]
    local kind, b = string.sub(name, 1, 1), tonumber(string.sub(name, 2))
    if (kind == 'r' or kind == 'e') and b then
      if b <= bucket - buckets then
        redis.call('HDEL', key, name)
      elseif kind == 'r' then
        requests = requests + tonumber(all[i + 1])
      else
        errors = errors + tonumber(all[i + 1])
      end
    end
  end
  redis.call('EXPIRE', key, ttl)
  return requests, errors
end

if op == 'allow' then
  if state == 'closed' then return {'closed', 1, 0} end
  if skipped() then return {state, 0, 0} end
  redis.call('HSET', key, 'state', 'half_open', 'probe', tostring(now))
  redis.call('EXPIRE', key, ttl)
  return {'half_open', 1, 1}
elseif op == 'peek' then
  if state == 'closed' or not skipped() then return 0 end
  return 1
elseif op == 'success' then
  if state == 'closed' then
    redis.call('HSET', key, 'fails', 0)
    count(false)
  elseif state == 'half_open' and probe then
    redis.call('DEL', key)
    return 'closed'
  end
  return state
else
  if state == 'closed' then
    fails = fails + 1
    redis.call('HSET', key, 'fails', fails)
    local requests, errors = count(true)
    if fails >= threshold or (requests >= min_req and errors >= rate * requests) then
      return open_now()
    end
  elseif state == 'half_open' and probe then
    return open_now()
  end
  return state
end
"""


def _state(reply: object) -> BreakerState:
    """A state name from the script (bytes unless the client decodes replies)."""
    assert isinstance(reply, bytes | str), reply
    # The script answers only the three BreakerState names, which mypy cannot see in Lua.
    return cast(BreakerState, reply.decode() if isinstance(reply, bytes) else reply)


class RedisBreakers:
    """Breakers in Redis under ``prefix``; safe to share across processes and machines."""

    def __init__(self, client: aioredis.Redis, *, prefix: str) -> None:
        self._client = client
        self._prefix = prefix + "cb:"
        self._script = client.register_script(_SCRIPT)

    async def _run(self, op: str, key: str, config: BreakerConfig, probe: bool = False) -> object:
        ttl = int(max(config.window, config.cooldown + config.probe_lease) * 4) + 60
        return await self._script(
            keys=[self._prefix + key],
            args=[
                op, int(probe), config.failure_threshold, config.error_rate, config.min_requests,
                config.bucket_seconds, config.buckets, config.cooldown, config.probe_lease, ttl,
            ],
        )  # fmt: skip

    async def allow(self, key: str, config: BreakerConfig) -> BreakerPermit:
        reply = await self._run("allow", key, config)
        assert isinstance(reply, list), reply  # {state, allowed, probe}
        state, allowed, probe = reply
        return BreakerPermit(bool(allowed), bool(probe), _state(state))

    async def record_success(self, key: str, config: BreakerConfig, *, probe: bool) -> BreakerState:
        return _state(await self._run("success", key, config, probe))

    async def record_failure(self, key: str, config: BreakerConfig, *, probe: bool) -> BreakerState:
        return _state(await self._run("failure", key, config, probe))

    async def open_keys(self, keys: Iterable[str], config: BreakerConfig) -> set[str]:
        """The keys a caller would be skipped for now, in one round trip; takes no probe.

        EVALSHA goes into the pipeline directly: a registered Script in a pipeline makes
        redis-py ask SCRIPT EXISTS first, one more round trip on every call."""
        keys = list(keys)
        args: list[EncodableT] = [
            "peek", 0, 0, 0, 0, config.bucket_seconds, config.buckets, config.cooldown,
            config.probe_lease, 0,
        ]  # fmt: skip
        for attempt in (1, 2):
            try:
                async with self._client.pipeline(transaction=False) as pipe:
                    for key in keys:
                        pipe.evalsha(self._script.sha, 1, self._prefix + key, *args)
                    results = await pipe.execute()
                break
            except NoScriptError:
                if attempt == 2:
                    raise
                await self._client.script_load(_SCRIPT)  # Redis restarted or was flushed
        return {key for key, skipped in zip(keys, results, strict=True) if skipped}
