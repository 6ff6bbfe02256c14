"""Authenticate step: who is calling, from an API key (``Authorization: Bearer`` or ``x-api-key``).

The key lookup goes through workspaces.api_keys (Django cache, then database); the resolved
Caller is also kept a few seconds in-process, cleared by routing.signals on revoke.
"""

from __future__ import annotations

from dataclasses import dataclass

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest

from routing.pipeline.errors import ApiError, database_unavailable
from routing.pipeline.local_cache import LocalTTLCache
from workspaces import api_keys
from workspaces.access import SCOPE_PERMISSIONS, Actor
from workspaces.roles import Permission, role_allows


@dataclass(frozen=True)
class Caller:
    """Who a call is for: enough to scope, admit and record it, cheap to cache."""

    workspace_id: int
    workspace_slug: str
    user_id: int | None
    role: str
    scopes: frozenset[str] | None = None  # None: a signed-in user, not a key
    api_key_id: int | None = None
    expires_at_ts: float | None = None

    def can(self, permission: Permission) -> bool:
        if not role_allows(self.role, permission):
            return False
        if self.scopes is None:
            return True
        return any(permission in SCOPE_PERMISSIONS.get(scope, ()) for scope in self.scopes)

    @classmethod
    def from_actor(cls, actor: Actor) -> Caller:
        return cls(
            workspace_id=actor.workspace.pk,
            workspace_slug=actor.workspace.slug,
            user_id=actor.user.pk,
            role=actor.role,
            scopes=actor.scopes,
            api_key_id=actor.api_key_id,
        )


callers: LocalTTLCache[str, Caller] = LocalTTLCache(
    ttl=getattr(settings, "HUB_AUTH_LOCAL_TTL", 5.0)
)

UNAUTHENTICATED = "Invalid, expired or revoked API key."


def raw_key_from(request: HttpRequest) -> str | None:
    authorization = request.headers.get("Authorization", "")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return request.headers.get("x-api-key") or None


async def authenticate(request: HttpRequest, *, permission: Permission) -> Caller:
    """The caller behind the request's key; 401 without a live key, 403 without ``permission``."""
    raw_key = raw_key_from(request)
    if raw_key is None:
        raise ApiError(
            "Missing API key: send Authorization: Bearer hub-…", status=401, code="missing_api_key"
        )
    caller = callers.get(raw_key)
    if caller is None:
        try:
            caller = await sync_to_async(caller_for_key)(raw_key)
        except DatabaseError:
            raise database_unavailable() from None
        if caller is None:
            raise ApiError(UNAUTHENTICATED, status=401, code="invalid_api_key")
        callers.set(raw_key, caller)
    if caller.expires_at_ts is not None and caller.expires_at_ts <= _now_ts():
        callers.clear()
        raise ApiError(UNAUTHENTICATED, status=401, code="invalid_api_key")
    require(caller, permission)
    return caller


def require(caller: Caller, permission: Permission) -> None:
    if not caller.can(permission):
        raise ApiError(
            f"This key or role does not allow this ({permission.value}).",
            status=403,
            code="insufficient_scope",
        )


def caller_for_key(raw_key: str) -> Caller | None:
    """Sync: the live key's Caller, or None (unknown, revoked, expired, owner inactive or gone)."""
    from django.contrib.auth import get_user_model

    from workspaces.models import Workspace

    record = api_keys.key_record_lookup(raw_key)
    if record is None:
        return None
    if not get_user_model().objects.filter(pk=record.user_id, is_active=True).exists():
        return None
    slug = Workspace.objects.filter(pk=record.workspace_id).values_list("slug", flat=True).first()
    if slug is None:
        return None
    api_keys.key_mark_used(record)
    return Caller(
        workspace_id=record.workspace_id,
        workspace_slug=slug,
        user_id=record.user_id,
        role=record.role,
        scopes=record.scopes,
        api_key_id=record.api_key_id,
        expires_at_ts=record.expires_at.timestamp() if record.expires_at else None,
    )


def _now_ts() -> float:
    import time

    return time.time()
