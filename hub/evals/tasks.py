"""Background work of evaluations, run by Celery on a queue of its own (``evals``): a run's
cells, and the sweep that queues again a run whose worker died.

A worker told to stop (SIGTERM, a deploy) lets the calls in flight finish, hands the run back
to the queue and exits within Celery's warm shutdown; one killed outright is caught by the
sweep once the run's heartbeat is older than ``STALLED_AFTER``."""

from __future__ import annotations

import threading
from datetime import timedelta

from asgiref.sync import async_to_sync
from celery import shared_task
from celery.signals import worker_shutting_down
from django.utils import timezone

from hub.evals.execution import run_execute
from hub.evals.models import Run, RunStatus

STALLED_AFTER = timedelta(minutes=2)  # the heartbeat is written every second
_worker_stopping = threading.Event()


@worker_shutting_down.connect(weak=False, dispatch_uid="evals-runs-stop")
def _stop_running(**_: object) -> None:
    _worker_stopping.set()


@shared_task(name="evals.run", acks_late=True)
def run_task(run_id: int) -> str:
    status = async_to_sync(run_execute)(run_id, should_stop=_worker_stopping.is_set)
    if status == RunStatus.QUEUED:  # released by a stopping worker: the next one takes it
        run_task.delay(run_id)
    return status


@shared_task(name="evals.requeue_stalled_runs")
def requeue_stalled_runs_task() -> int:
    """Every minute (see schedules); returns how many runs were queued again."""
    stalled = Run.objects.filter(
        status=RunStatus.RUNNING, heartbeat_at__lt=timezone.now() - STALLED_AFTER
    )
    queued = [
        pk  # conditional again: a worker may have beaten in between
        for pk in list(stalled.values_list("pk", flat=True))
        if stalled.filter(pk=pk).update(status=RunStatus.QUEUED, heartbeat_at=None)
    ]
    for run_id in queued:
        run_task.delay(run_id)
    return len(queued)
