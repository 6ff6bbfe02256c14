"""Periodic tasks every installation runs, kept in django-celery-beat's tables so admins can
see, pause or re-time them in the admin."""

from __future__ import annotations

from django_celery_beat.models import IntervalSchedule, PeriodicTask

# name -> (task, every N minutes)
PERIODIC_TASKS: dict[str, tuple[str, int]] = {
    "Sync model catalogs": ("providers.sync_all_models", 60),
    "Check provider health": ("analytics.run_health_checks", 5),
    "Interrupt workbench answers left streaming": ("workbench.interrupt_stale_answers", 1),
    "Purge stored /v1/responses past retention": ("routing.purge_stored_responses", 60),
    "Queue again RAG documents a dead worker left": ("rag.requeue_stalled_documents", 1),
    "Queue again evaluation runs a dead worker left": ("evals.requeue_stalled_runs", 1),
    "Close agent runs a dead worker left": ("agents.fail_lost_runs", 1),
}


def periodic_tasks_ensure() -> None:
    """Create missing schedules; never undo an admin's change to an existing one."""
    for name, (task, minutes) in PERIODIC_TASKS.items():
        if PeriodicTask.objects.filter(name=name).exists():
            continue
        interval, _ = IntervalSchedule.objects.get_or_create(
            every=minutes, period=IntervalSchedule.MINUTES
        )
        PeriodicTask.objects.create(name=name, task=task, interval=interval)
