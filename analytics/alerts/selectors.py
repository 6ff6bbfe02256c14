"""Reads of alert settings, states and notifications, always scoped to one workspace."""

from __future__ import annotations

from django.db.models import QuerySet

from analytics.alerts.models import AlertSettings, AlertState, Notification
from workspaces.models import Membership, Workspace
from workspaces.roles import PRIVILEGED_ROLES


def alert_settings_for(*, workspace: Workspace) -> AlertSettings:
    """The workspace's settings; the defaults (unsaved) until someone changes them."""
    found = AlertSettings.objects.for_workspace(workspace).first()
    return found if found is not None else AlertSettings(workspace=workspace)


def alert_state_get(*, workspace: Workspace, key: str) -> str | None:
    """The state last recorded for ``key``, or None when it was never raised."""
    return (
        AlertState.objects.for_workspace(workspace)
        .filter(key=key)
        .exclude(state="")  # a placeholder left by a raise the cool-down held back
        .values_list("state", flat=True)
        .first()
    )


def notification_list(*, workspace: Workspace, unread_only: bool = False) -> QuerySet[Notification]:
    notifications = Notification.objects.for_workspace(workspace)
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    return notifications.order_by("-created_at", "-id")


def alert_recipients(*, workspace: Workspace) -> list[str]:
    """Email addresses of the workspace's owners and admins, the people alerts are for."""
    emails = (
        Membership.objects.for_workspace(workspace)
        .filter(role__in=PRIVILEGED_ROLES, user__is_active=True)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    return sorted(set(emails))
