"""Puts the current workspace and the user's other workspaces into every page."""

from __future__ import annotations

from django.http import HttpRequest

from workspaces.selectors import workspace_list


def current_workspace(request: HttpRequest) -> dict:
    actor = getattr(request, "actor", None)
    if not request.user.is_authenticated:
        return {}
    return {
        "actor": actor,
        "current_workspace": actor.workspace if actor else None,
        "user_workspaces": workspace_list(user=request.user),
    }
