"""Writes for alerts: ``alert_raise`` (the one way to alert anyone), quiet state changes,
settings and read marks.

An alert key (``provider:12:status``, ``budget:7``) carries a state (``down``, ``80``).
``alert_raise`` notifies only when the state differs from the one last recorded, and not
when the same state of that key was already notified within the workspace's cool-down.
A suppressed change is not recorded, so it goes out on the first call after the cool-down
if the state still holds: flapping sends a bounded number of alerts, and the last one
sent is never stale for longer than the cool-down.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from analytics.alerts.models import AlertSettings, AlertState, Notification, NotificationLevel
from analytics.alerts.selectors import alert_settings_for
from providers.url_guard import is_internal_host
from workspaces.access import Actor
from workspaces.models import Workspace
from workspaces.roles import Permission

SETTINGS_FIELDS = (
    "email_enabled",
    "webhook_url",
    "latency_threshold_ms",
    "error_rate_threshold",
    "cooldown_minutes",
)


def alert_raise(
    *,
    workspace: Workspace,
    key: str,
    state: str,
    title: str,
    text: str,
    level: str = NotificationLevel.WARNING,
) -> bool:
    """Notify (in the hub, by email, by webhook) that ``key`` is now ``state``.

    Returns True when a notification was created; False when the state is unchanged or the
    cool-down holds it back. Never include secrets in ``title`` or ``text``: they are
    emailed and posted as they are. Delivery runs in the background after commit.
    """
    if level not in NotificationLevel.values:
        raise ValueError(f"level must be one of {', '.join(NotificationLevel.values)}")
    settings = alert_settings_for(workspace=workspace)
    now = timezone.now()
    with transaction.atomic():
        current, _ = AlertState.objects.select_for_update().get_or_create(
            workspace=workspace, key=key, defaults={"state": "", "changed_at": now}
        )
        if current.state == state:
            return False
        if settings.cooldown_minutes and (
            Notification.objects.for_workspace(workspace)
            .filter(key=key, state=state)
            .filter(created_at__gte=now - timedelta(minutes=settings.cooldown_minutes))
            .exists()
        ):
            return False
        current.state, current.changed_at = state, now
        current.save(update_fields=["state", "changed_at"])
        notification = Notification.objects.create(
            workspace=workspace,
            kind=key.split(":", 1)[0][:32],
            key=key,
            state=state,
            level=level,
            title=title[:200],
            text=text,
            created_at=now,
        )
    transaction.on_commit(lambda: _queue_delivery(notification.pk))
    return True


def alert_state_record(*, workspace: Workspace, key: str, state: str) -> bool:
    """Record ``state`` for ``key`` without notifying anyone (an all-clear nobody needs to
    hear about, or a reset such as a new budget period). True when it changed."""
    with transaction.atomic():
        current, created = AlertState.objects.select_for_update().get_or_create(
            workspace=workspace, key=key, defaults={"state": state}
        )
        if created or current.state == state:
            return created
        current.state, current.changed_at = state, timezone.now()
        current.save(update_fields=["state", "changed_at"])
    return True


def _queue_delivery(notification_id: int) -> None:
    # Imported here to break a real cycle: the tasks module runs the health checks, which
    # raise their alerts through this module.
    from analytics.tasks import alert_deliver_task

    alert_deliver_task.delay(notification_id)


def alert_settings_update(*, actor: Actor, **fields: Any) -> AlertSettings:
    """Change the workspace's alert settings; owners and admins only."""
    if not actor.can(Permission.MANAGE_PROVIDERS):
        raise PermissionDenied("Your role does not allow changing alert settings.")
    unknown = set(fields) - set(SETTINGS_FIELDS)
    if unknown:
        raise ValidationError({name: "Unknown field." for name in sorted(unknown)})
    settings = alert_settings_for(workspace=actor.workspace)
    for name, value in fields.items():
        setattr(settings, name, value)
    settings.webhook_url = webhook_url_validate(
        settings.webhook_url or "", allow_internal=bool(getattr(actor.user, "is_staff", False))
    )
    settings.full_clean(exclude=["workspace"])
    settings.save()
    return settings


def webhook_url_validate(url: str, *, allow_internal: bool) -> str:
    """The cleaned URL, or a ValidationError on ``webhook_url``. Like provider base URLs,
    only site administrators may aim at private or loopback addresses (SSRF)."""
    url = url.strip()
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValidationError({"webhook_url": "Enter an http:// or https:// URL with a host."})
    if not allow_internal and is_internal_host(parts.hostname):
        raise ValidationError(
            {
                "webhook_url": "Only site administrators may send webhooks to a private or "
                "loopback address."
            }
        )
    return url


def notification_mark_read(*, actor: Actor, notification: Notification) -> Notification:
    if notification.workspace_id != actor.workspace.pk:
        raise PermissionDenied("Not a notification of this workspace.")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, actor: Actor) -> int:
    return (
        Notification.objects.for_workspace(actor.workspace)
        .filter(read_at__isnull=True)
        .update(read_at=timezone.now())
    )
