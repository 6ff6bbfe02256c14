"""Authenticate step: who is calling, from the request's API key.

The key goes through ``workspaces.api_keys.actor_for_key`` (Django's cache, then the database),
the one key-to-identity lookup REST uses too; the Actor found is also kept a few seconds
in-process, cleared by routing.signals when keys, members or users change. While the database
is away, a key this process knew within HUB_OUTAGE_GRACE_SECONDS is served as it was (nothing
can be revoked meanwhile: revoking writes to that database).
"""

from __future__ import annotations

from asgiref.sync import sync_to_async
from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from routing.pipeline.errors import ApiError, database_unavailable
from routing.pipeline.local_cache import LocalTTLCache
from workspaces.access import Actor
from workspaces.api_keys import actor_for_key, api_key_from_headers
from workspaces.key_failures import KeyAttemptsExceeded
from workspaces.roles import Permission

actors: LocalTTLCache[str, Actor] = LocalTTLCache(
    ttl=getattr(settings, "HUB_AUTH_LOCAL_TTL", 5.0), keep_for=settings.HUB_OUTAGE_GRACE_SECONDS
)

UNAUTHENTICATED = "Invalid, expired or revoked API key."


async def authenticate(request: HttpRequest, *, permission: Permission) -> Actor:
    """The actor behind the request's key; 401 without a live key, 403 without ``permission``."""
    raw_key = api_key_from_headers(request.headers)
    if raw_key is None:
        raise ApiError(
            "Missing API key: send Authorization: Bearer hub-…", status=401, code="missing_api_key"
        )
    address = request.META.get("REMOTE_ADDR")
    actor = await actors.get_or_load(
        raw_key, lambda: _actor_or_refusal(raw_key, address), on_outage=database_unavailable
    )
    if actor.is_expired(timezone.now()):
        actors.forget(raw_key)
        raise ApiError(UNAUTHENTICATED, status=401, code="invalid_api_key")
    require(actor, permission)
    return actor


async def _actor_or_refusal(raw_key: str, address: str | None) -> Actor:
    try:
        actor = await sync_to_async(actor_for_key)(raw_key, address=address)
    except KeyAttemptsExceeded as refused:
        raise ApiError(
            str(refused), status=429, code="too_many_failed_keys", retry_after=refused.retry_after
        ) from None
    if actor is None:
        raise ApiError(UNAUTHENTICATED, status=401, code="invalid_api_key")
    return actor


def require(actor: Actor, permission: Permission) -> None:
    if not actor.can(permission):
        raise ApiError(
            f"This key or role does not allow this ({permission.value}).",
            status=403,
            code="insufficient_scope",
        )
