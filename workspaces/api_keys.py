"""Workspace API keys: generation, hashing and fast lookup.

Keys carry 256 bits of randomness, so a single SHA-256 is the right digest: a slow
password hasher adds milliseconds to every call and no security for random secrets.
Lookups are cached (shared through Redis when configured) and invalidated on revoke.
``actor_for_key`` is the one way from a raw key to who acts with it, for /v1 and REST alike.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.core.cache import cache
from django.utils import timezone

from workspaces.access import Actor
from workspaces.key_failures import key_attempt_failed, key_attempts_check
from workspaces.models import ApiKey, Membership, Workspace

KEY_PREFIX = "hub-"
CACHE_SECONDS = 60
LAST_USED_RESOLUTION = timedelta(minutes=1)


def api_key_from_headers(headers: Mapping[str, str]) -> str | None:
    """The raw key a request carries: ``Authorization: Bearer hub-…``, or ``x-api-key`` as
    Anthropic's SDK sends it."""
    scheme, _, token = headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return headers.get("x-api-key") or None


def generate_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def hash_key(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


def looks_like_key(raw_key: str) -> bool:
    return raw_key.startswith(KEY_PREFIX) and 20 <= len(raw_key) <= 128


def cache_key_for(key_hash: str) -> str:
    return f"hub:apikey:{key_hash}"


@dataclass(frozen=True)
class KeyRecord:
    """What authentication needs of a key, cheap to cache."""

    api_key_id: int
    workspace_id: int
    user_id: int
    role: str
    scopes: frozenset[str]
    expires_at: datetime | None

    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()


def key_record_lookup(raw_key: str) -> KeyRecord | None:
    """The live key behind ``raw_key``, or None if it is unknown, revoked or its owner left."""
    if not looks_like_key(raw_key):
        return None
    key_hash = hash_key(raw_key)
    record = cache.get(cache_key_for(key_hash))
    if record is None:
        record = _load_record(key_hash)
        if record is None:
            return None
        cache.set(cache_key_for(key_hash), record, CACHE_SECONDS)
    if record.is_expired():
        return None
    return record


def _load_record(key_hash: str) -> KeyRecord | None:
    api_key = ApiKey.objects.filter(key_hash=key_hash, revoked_at__isnull=True).first()
    if api_key is None:
        return None
    membership = Membership.objects.filter(
        workspace_id=api_key.workspace_id, user_id=api_key.created_by_id
    ).first()
    if membership is None:
        return None
    return KeyRecord(
        api_key_id=api_key.pk,
        workspace_id=api_key.workspace_id,
        user_id=api_key.created_by_id,
        role=membership.role,
        scopes=frozenset(api_key.scopes),
        expires_at=api_key.expires_at,
    )


def key_record_forget(key_hash: str) -> None:
    cache.delete(cache_key_for(key_hash))


def key_mark_used(record: KeyRecord) -> None:
    """Record use at most once a minute per key: a write per request would be the bottleneck."""
    if cache.add(f"hub:apikey-used:{record.api_key_id}", 1, LAST_USED_RESOLUTION.seconds):
        ApiKey.objects.filter(pk=record.api_key_id).update(last_used_at=timezone.now())


def actor_of_key_id(api_key_id: int) -> Actor | None:
    """The actor a key acts as now, for work it queued (an agent run): None once the key was
    revoked or expired, or its owner left or was deactivated, so queued work stops with it."""
    api_key = (
        ApiKey.objects.filter(pk=api_key_id, revoked_at__isnull=True)
        .select_related("workspace", "created_by")
        .first()
    )
    if api_key is None or not api_key.created_by.is_active:
        return None
    if api_key.expires_at is not None and api_key.expires_at <= timezone.now():
        return None
    membership = Membership.objects.filter(
        workspace_id=api_key.workspace_id, user_id=api_key.created_by_id
    ).first()
    if membership is None:
        return None
    return Actor(
        user=api_key.created_by, workspace=api_key.workspace, role=membership.role,
        scopes=frozenset(api_key.scopes), api_key_id=api_key.pk, expires_at=api_key.expires_at,
    )  # fmt: skip


def actor_for_key(raw_key: str, *, address: str | None = None) -> Actor | None:
    """Who acts with ``raw_key``: its creator, in its workspace, with its scopes; None when the
    key is unknown, revoked or expired, or its owner left or was deactivated. Marks it used.
    ``address`` is the client's: one that failed too often this minute gets
    KeyAttemptsExceeded instead of a lookup (see key_failures)."""
    key_attempts_check(address)
    record = key_record_lookup(raw_key)
    user = workspace = None
    if record is not None:
        user = User.objects.filter(pk=record.user_id, is_active=True).first()
        workspace = Workspace.objects.filter(pk=record.workspace_id).first()
    if record is None or user is None or workspace is None:
        key_attempt_failed(address)
        return None
    key_mark_used(record)
    return Actor(
        user=user,
        workspace=workspace,
        role=record.role,
        scopes=record.scopes,
        api_key_id=record.api_key_id,
        expires_at=record.expires_at,
    )
