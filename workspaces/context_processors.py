"""Puts the current workspace, the user's workspaces and the actor's rights into every page."""

from __future__ import annotations

from django.http import HttpRequest

from workspaces.roles import Permission
from workspaces.selectors import workspace_list


def current_workspace(request: HttpRequest) -> dict:
    """``can.<permission>`` lets templates hide controls the role may not use; the views
    enforce the same rules."""
    actor = getattr(request, "actor", None)
    if not request.user.is_authenticated:
        return {}
    return {
        "actor": actor,
        "current_workspace": actor.workspace if actor else None,
        "user_workspaces": workspace_list(user=request.user),
        "can": {permission.value: actor.can(permission) for permission in Permission}
        if actor
        else {},
    }
