"""Background work for providers, run by Celery (the embedded worker or the scaled one)."""

from __future__ import annotations

from celery import shared_task

from providers.catalog import sync_all_models


@shared_task(name="providers.sync_all_models")
def sync_all_models_task() -> dict[str, str]:
    """Refresh every enabled provider's catalog from its model list (hourly, see schedules)."""

    return sync_all_models()
