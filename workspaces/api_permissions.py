"""Who the REST caller is in the workspace named by the URL, and what they may do there.

A session acts in any workspace the user belongs to; an API key only in the one it is bound
to. Every other workspace is a 404, so the API never confirms that a workspace exists.
"""

from __future__ import annotations

from django.http import Http404
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request

from workspaces.access import Actor
from workspaces.roles import Permission
from workspaces.selectors import actor_for_session


def key_actor(request: Request) -> Actor | None:
    """The API key's Actor when the request authenticated with a key, else None."""
    return request.auth if isinstance(request.auth, Actor) else None


def actor_for_request(request: Request, *, workspace_slug: str) -> Actor:
    """The caller acting in ``workspace_slug``; 404 when that is not their workspace."""
    actor = key_actor(request)
    if actor is None:
        return actor_for_session(user=request.user, workspace_slug=workspace_slug)
    if actor.workspace.slug != workspace_slug:
        raise Http404("No such workspace.")
    return actor


def require_permission(actor: Actor, permission: Permission) -> None:
    """403 in the OpenAI error shape unless the role (and the key's scopes) allow it."""
    if not actor.can(permission):
        raise PermissionDenied(f"Your role or key scope does not allow this ({permission.value}).")


def require_session(request: Request) -> None:
    """Some actions belong to a person, not a script: creating workspaces, accepting invites."""
    if key_actor(request) is not None:
        raise PermissionDenied("This action needs a signed-in user, not an API key.")
