"""Background work of routing, run by Celery (the embedded worker or the scaled one)."""

from __future__ import annotations

from celery import shared_task

from routing.pipeline.stored_responses import stored_responses_purge


@shared_task(name="routing.purge_stored_responses")
def purge_stored_responses_task() -> int:
    """Delete /v1/responses answers past HUB_RESPONSES_RETENTION_DAYS (hourly, see
    schedules); reads already skip them, this frees the space."""
    return stored_responses_purge()
