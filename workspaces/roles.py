"""The role matrix: what each workspace role may do.

| permission          | owner | admin | member | viewer |
|---------------------|:-----:|:-----:|:------:|:------:|
| view                |   x   |   x   |   x    |   x    |
| use_models          |   x   |   x   |   x    |        |
| create_own_keys     |   x   |   x   |   x    |        |
| manage_keys         |   x   |   x   |        |        |
| manage_providers    |   x   |   x   |        |        |
| manage_budgets      |   x   |   x   |        |        |
| manage_collections  |   x   |   x   |        |        |
| manage_members      |   x   |   x   |        |        |
| manage_owners       |   x   |       |        |        |
| manage_workspace    |   x   |       |        |        |

``manage_members`` lets admins invite and change members and viewers;
only owners may grant, change or remove the owner and admin roles
(``manage_owners``) and rename or delete the workspace.
"""

from __future__ import annotations

from enum import StrEnum

from django.db import models


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    ADMIN = "admin", "Admin"
    MEMBER = "member", "Member"
    VIEWER = "viewer", "Viewer"


class Permission(StrEnum):
    VIEW = "view"
    USE_MODELS = "use_models"
    CREATE_OWN_KEYS = "create_own_keys"
    MANAGE_KEYS = "manage_keys"
    MANAGE_PROVIDERS = "manage_providers"
    MANAGE_BUDGETS = "manage_budgets"
    MANAGE_COLLECTIONS = "manage_collections"
    MANAGE_MEMBERS = "manage_members"
    MANAGE_OWNERS = "manage_owners"
    MANAGE_WORKSPACE = "manage_workspace"


_VIEWER = frozenset({Permission.VIEW})
_MEMBER = _VIEWER | {Permission.USE_MODELS, Permission.CREATE_OWN_KEYS}
_ADMIN = _MEMBER | {
    Permission.MANAGE_KEYS,
    Permission.MANAGE_PROVIDERS,
    Permission.MANAGE_BUDGETS,
    Permission.MANAGE_COLLECTIONS,
    Permission.MANAGE_MEMBERS,
}
_OWNER = _ADMIN | {Permission.MANAGE_OWNERS, Permission.MANAGE_WORKSPACE}

ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    Role.OWNER: _OWNER,
    Role.ADMIN: _ADMIN,
    Role.MEMBER: _MEMBER,
    Role.VIEWER: _VIEWER,
}

PRIVILEGED_ROLES = frozenset({Role.OWNER, Role.ADMIN})


def role_allows(role: str, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS.get(role, frozenset())
