"""How long an adapter waits: connecting, for the first token, for the whole answer.

Defaults come from settings; a provider's ``options`` (or the router, per candidate) may
narrow them with ``connect_timeout``, ``first_token_timeout`` and ``total_timeout`` seconds.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from providers.adapters.base import Target


@dataclass(frozen=True)
class Timeouts:
    connect: float
    first_token: float
    total: float


def timeouts_for(target: Target) -> Timeouts:
    options = target.options or {}
    return Timeouts(
        connect=float(options.get("connect_timeout") or settings.HUB_UPSTREAM_CONNECT_TIMEOUT),
        first_token=float(
            options.get("first_token_timeout") or settings.HUB_UPSTREAM_FIRST_TOKEN_TIMEOUT
        ),
        total=float(options.get("total_timeout") or settings.HUB_UPSTREAM_TOTAL_TIMEOUT),
    )
