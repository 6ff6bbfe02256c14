"""Background work for analytics, run by Celery (the embedded worker or the scaled one)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="alerts.deliver", ignore_result=True)
def alert_deliver_task(notification_id: int) -> dict[str, bool]:
    """Email and webhook for one notification, off the path of whatever raised it."""
    from analytics.alerts.delivery import notification_deliver

    return notification_deliver(notification_id)
