"""Failed API-key attempts per client address. Keys carry 256 random bits, so guessing one
is hopeless; what the limit stops is a client (or a scanner) hammering the database with
keys that do not exist. Past ``HUB_API_KEY_FAILURES_PER_MINUTE`` failures in a clock minute,
the address's key lookups are refused with 429 until that minute ends. Counters live in
Django's cache: shared by every replica when REDIS_URL is set."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache

WINDOW_S = 60


class KeyAttemptsExceeded(Exception):
    """This address failed too many key lookups this minute."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            f"Too many requests with invalid API keys from this address; retry in {retry_after} s."
        )
        self.retry_after = retry_after


def _limit() -> int:
    return int(getattr(settings, "HUB_API_KEY_FAILURES_PER_MINUTE", 30))


def _counter(address: str, now: float) -> str:
    return f"hub:key-failures:{address}:{int(now // WINDOW_S)}"


def key_attempts_check(address: str | None) -> None:
    """Raise KeyAttemptsExceeded when ``address`` may not look a key up now."""
    limit = _limit()
    if not address or limit <= 0:
        return
    now = time.time()
    if (cache.get(_counter(address, now)) or 0) >= limit:
        raise KeyAttemptsExceeded(max(1, WINDOW_S - int(now % WINDOW_S)))


def key_attempt_failed(address: str | None) -> None:
    if not address or _limit() <= 0:
        return
    counter = _counter(address, time.time())
    cache.add(counter, 0, WINDOW_S * 2)
    try:
        cache.incr(counter)
    except ValueError:  # expired between add and incr: start this minute's count again
        cache.add(counter, 1, WINDOW_S * 2)
