"""Admit step: may this call go ahead? The caller's scope is checked at authentication;
rate limits, quotas and budget reservations (workspaces / analytics issues) plug in here."""

from __future__ import annotations

from providers.adapters.base import JSON
from routing.auth import Caller, require
from workspaces.roles import Permission


def admit(caller: Caller, body: JSON) -> None:
    """Raise ApiError (403, 429) when the call may not proceed."""
    require(caller, Permission.USE_MODELS)
