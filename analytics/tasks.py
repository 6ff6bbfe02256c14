"""Background work for analytics, run by Celery (the embedded worker or the scaled one)."""

from __future__ import annotations

from celery import shared_task

from analytics.alerts.delivery import notification_deliver
from analytics.health.checks import health_checks_prune, run_health_checks


@shared_task(name="alerts.deliver", ignore_result=True)
def alert_deliver_task(notification_id: int) -> dict[str, bool]:
    """Email and webhook for one notification, off the path of whatever raised it."""
    return notification_deliver(notification_id)


@shared_task(name="analytics.run_health_checks")
def run_health_checks_task() -> dict[str, str]:
    """Check every enabled provider, raise alerts on changes, and drop checks past 31 days
    (every 5 minutes, see schedules)."""
    outcomes = run_health_checks()
    health_checks_prune()
    return {f"{o.provider.workspace_id}:{o.provider.slug}": o.status.value for o in outcomes}
