"""Deliver a notification by email and webhook. Failures are logged, never raised: an
alert that cannot be mailed must not break the check or the call that raised it."""

from __future__ import annotations

import logging
from typing import Any

import httpx
from django.conf import settings
from django.core.mail import send_mass_mail

from analytics.alerts.models import Notification
from analytics.alerts.selectors import alert_recipients, alert_settings_for

logger = logging.getLogger(__name__)

WEBHOOK_TIMEOUT = httpx.Timeout(5.0, connect=3.0)


def notification_deliver(notification_id: int) -> dict[str, bool]:
    """Send the notification through every channel the workspace turned on."""
    notification = (
        Notification.objects.select_related("workspace").filter(pk=notification_id).first()
    )
    if notification is None:
        return {}
    alert_settings = alert_settings_for(workspace=notification.workspace)
    outcome: dict[str, bool] = {}
    if alert_settings.email_enabled:
        outcome["email"] = email_send(notification)
    if alert_settings.webhook_url:
        outcome["webhook"] = webhook_post(alert_settings.webhook_url, webhook_payload(notification))
    return outcome


def email_send(notification: Notification) -> bool:
    """One message to each owner and admin, so no one sees the others' addresses."""
    recipients = alert_recipients(workspace=notification.workspace)
    if not recipients:
        return False
    subject = f"[Provider Hub] {notification.workspace.name}: {notification.title}"
    body = (
        f"{notification.text}\n\nWorkspace: {notification.workspace.name}\n"
        f"Level: {notification.level}\nAt: {notification.created_at:%Y-%m-%d %H:%M} UTC\n"
    )
    messages = [(subject, body, settings.DEFAULT_FROM_EMAIL, [to]) for to in recipients]
    try:
        send_mass_mail(messages, fail_silently=False)
    except Exception:  # any SMTP or socket failure: log, keep going
        logger.warning("alert email %s could not be sent", notification.pk, exc_info=True)
        return False
    return True


def webhook_payload(notification: Notification) -> dict[str, Any]:
    """Slack-compatible (``text``) with the fields a script would want besides."""
    return {
        "text": f"*{notification.title}*\n{notification.text}".strip(),
        "title": notification.title,
        "message": notification.text,
        "level": notification.level,
        "kind": notification.kind,
        "key": notification.key,
        "state": notification.state,
        "workspace": notification.workspace.slug,
        "created_at": notification.created_at.isoformat(),
    }


def webhook_post(url: str, payload: dict[str, Any]) -> bool:
    try:
        with httpx.Client(timeout=WEBHOOK_TIMEOUT, trust_env=False) as client:
            response = client.post(url, json=payload)
    except httpx.HTTPError as error:
        logger.warning("alert webhook failed: %s", type(error).__name__)
        return False
    if response.status_code >= 400:
        logger.warning("alert webhook answered %s", response.status_code)
        return False
    return True
