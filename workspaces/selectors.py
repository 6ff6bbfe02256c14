"""Reads for workspaces, members, invitations and keys, always scoped to the caller."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import Http404

from workspaces.access import Actor
from workspaces.models import ApiKey, Invitation, Membership, Workspace
from workspaces.roles import Permission


def workspace_list(*, user: User) -> QuerySet[Workspace]:
    return Workspace.objects.filter(memberships__user=user).order_by("name")


def actor_of_member(*, workspace_id: int, user_id: int | None) -> Actor | None:
    """The member as they act now, with the role they hold today; None when they are no
    longer one (background work started by someone who has since left)."""
    if user_id is None:
        return None
    membership = (
        Membership.objects.filter(workspace_id=workspace_id, user_id=user_id)
        .select_related("user", "workspace")
        .first()
    )
    if membership is None:
        return None
    return Actor(user=membership.user, workspace=membership.workspace, role=membership.role)


def actor_for_session(*, user: User, workspace_slug: str) -> Actor:
    """The signed-in user acting in a workspace; 404 (not 403) when they are not a member."""
    if not user.is_authenticated:
        raise Http404("No such workspace.")
    membership = (
        Membership.objects.select_related("workspace")
        .filter(user=user, workspace__slug=workspace_slug)
        .first()
    )
    if membership is None:
        raise Http404("No such workspace.")
    return Actor(user=user, workspace=membership.workspace, role=membership.role)


def membership_list(*, workspace: Workspace) -> QuerySet[Membership]:
    return Membership.objects.for_workspace(workspace).select_related("user")


def invitation_list(*, workspace: Workspace) -> QuerySet[Invitation]:
    return Invitation.objects.for_workspace(workspace).select_related("created_by")


def api_key_list(*, actor: Actor) -> QuerySet[ApiKey]:
    """Admins see every key of the workspace; others see their own."""
    keys = ApiKey.objects.for_workspace(actor.workspace).select_related("created_by")
    if not actor.can(Permission.MANAGE_KEYS):
        keys = keys.filter(created_by=actor.user)
    return keys


def membership_list_for_user(*, user: User) -> QuerySet[Membership]:
    """The user's own memberships, one per workspace, for the workspace list."""
    return (
        Membership.objects.filter(user=user).select_related("workspace").order_by("workspace__name")
    )
