"""Background work for providers, run by Celery (the embedded worker or the scaled one)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="providers.sync_all_models")
def sync_all_models_task() -> dict[str, str]:
    """Refresh every enabled provider's catalog from its model list (hourly, see schedules)."""
    from providers.catalog import sync_all_models

    return sync_all_models()


@shared_task(name="providers.run_health_checks")
def run_health_checks_task() -> dict[str, str]:
    """Check every enabled provider, raise alerts on changes, and drop checks past 31 days
    (every 5 minutes, see schedules)."""
    from providers.health.checks import health_checks_prune, run_health_checks

    outcomes = run_health_checks()
    health_checks_prune()
    return {f"{o.provider.workspace_id}:{o.provider.slug}": o.status.value for o in outcomes}
