"""Who is acting, in which workspace, with which rights: one object for sessions and API keys."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth.models import User

from workspaces.models import ApiKeyScope, Workspace
from workspaces.roles import Permission, role_allows

SCOPE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    ApiKeyScope.READ: frozenset({Permission.VIEW}),
    ApiKeyScope.INFERENCE: frozenset({Permission.USE_MODELS}),
    ApiKeyScope.MANAGE: frozenset(Permission) - {Permission.USE_MODELS},
}


def scopes_allowed_for_role(role: str) -> list[str]:
    """The key scopes a member of this role may put on a key."""
    return [
        scope
        for scope, permissions in SCOPE_PERMISSIONS.items()
        if scope != ApiKeyScope.MANAGE or role_allows(role, Permission.MANAGE_KEYS)
        if any(role_allows(role, p) for p in permissions)
    ]


@dataclass(frozen=True)
class Actor:
    """A user acting in a workspace, through a session (``scopes`` is None) or an API key.
    The one permission rule: the role's permissions, narrowed by the key's scopes."""

    user: User
    workspace: Workspace
    role: str
    scopes: frozenset[str] | None = None
    api_key_id: int | None = None
    expires_at: datetime | None = None  # the key's expiry; None for sessions and open keys
    _granted: frozenset[Permission] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        granted = frozenset(p for p in Permission if role_allows(self.role, p))
        if self.scopes is not None:
            by_scope = frozenset().union(
                *(SCOPE_PERMISSIONS.get(s, frozenset()) for s in self.scopes)
            )
            granted &= by_scope
        object.__setattr__(self, "_granted", granted)

    def can(self, permission: Permission) -> bool:
        return permission in self._granted

    def is_expired(self, now: datetime) -> bool:
        return self.expires_at is not None and self.expires_at <= now
