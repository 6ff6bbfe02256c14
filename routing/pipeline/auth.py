"""Authenticate step: who is calling, from the request's API key.

The key goes through ``workspaces.api_keys.actor_for_key`` (Django's cache, then the database),
the one key-to-identity lookup REST uses too; the Actor found is also kept a few seconds
in-process, cleared by routing.signals when keys, members or users change.
"""

from __future__ import annotations

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest
from django.utils import timezone

from routing.pipeline.errors import ApiError, database_unavailable
from routing.pipeline.local_cache import LocalTTLCache
from workspaces.access import Actor
from workspaces.api_keys import actor_for_key, api_key_from_headers
from workspaces.roles import Permission

actors: LocalTTLCache[str, Actor] = LocalTTLCache(ttl=getattr(settings, "HUB_AUTH_LOCAL_TTL", 5.0))

UNAUTHENTICATED = "Invalid, expired or revoked API key."


async def authenticate(request: HttpRequest, *, permission: Permission) -> Actor:
    """The actor behind the request's key; 401 without a live key, 403 without ``permission``."""
    raw_key = api_key_from_headers(request.headers)
    if raw_key is None:
        raise ApiError(
            "Missing API key: send Authorization: Bearer hub-…", status=401, code="missing_api_key"
        )
    actor = actors.get(raw_key)
    if actor is None:
        try:
            actor = await sync_to_async(actor_for_key)(raw_key)
        except DatabaseError:
            raise database_unavailable() from None
        if actor is None:
            raise ApiError(UNAUTHENTICATED, status=401, code="invalid_api_key")
        actors.set(raw_key, actor)
    if actor.is_expired(timezone.now()):
        actors.forget(raw_key)
        raise ApiError(UNAUTHENTICATED, status=401, code="invalid_api_key")
    require(actor, permission)
    return actor


def require(actor: Actor, permission: Permission) -> None:
    if not actor.can(permission):
        raise ApiError(
            f"This key or role does not allow this ({permission.value}).",
            status=403,
            code="insufficient_scope",
        )
