"""Background work of evaluations, run by Celery on a queue of its own (``evals``): a run's
cells, and the sweep that keeps runs from being forgotten.

A worker told to stop (SIGTERM, a deploy) lets the calls in flight finish, hands the run back
to the queue and exits within Celery's warm shutdown; one killed outright is caught by the
sweep once the run's heartbeat is older than ``STALLED_AFTER``. A queued run whose message
was lost (the broker was down when it was sent) is sent again after ``RESEND_AFTER``; the
claim is conditional, so a duplicate message does nothing."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from asgiref.sync import async_to_sync
from celery import shared_task
from celery.signals import worker_ready, worker_shutting_down
from django.db import DatabaseError
from django.db.models import Q
from django.utils import timezone

from hub.evals.execution import run_execute
from hub.evals.models import Cell, CellStatus, Run, RunStatus

STALLED_AFTER = timedelta(minutes=2)  # the heartbeat is written every second
RESEND_AFTER = timedelta(minutes=10)  # a queued run's heartbeat says when it was last sent
RESUME_AT_START = 1_000
_worker_stopping = threading.Event()
logger = logging.getLogger(__name__)


@worker_shutting_down.connect(weak=False, dispatch_uid="evals-runs-stop")
def _stop_running(**_: object) -> None:
    _worker_stopping.set()


@worker_ready.connect(weak=False, dispatch_uid="evals-runs-resume")
def _resume_queued(**_: object) -> None:
    """A starting worker sends the queued runs again: a stopping worker's hand-back may not
    have reached the broker before it exited. A duplicate message claims nothing."""
    try:
        queued = list(Run.objects.filter(status=RunStatus.QUEUED).values_list("pk", flat=True))
    except DatabaseError:
        logger.warning("Queued runs could not be read at start-up; the sweep will send them")
        return
    for run_id in queued[:RESUME_AT_START]:
        run_enqueue(run_id)


def run_enqueue(run_id: int) -> None:
    """Send the run to a worker; if the broker cannot be reached, the sweep sends it later."""
    try:
        run_task.delay(run_id)
    except Exception:
        logger.exception("Run %s could not be queued now; the sweep will send it again", run_id)


@shared_task(name="evals.run", acks_late=True)
def run_task(run_id: int) -> str:
    status = async_to_sync(run_execute)(run_id, should_stop=_worker_stopping.is_set)
    if status == RunStatus.QUEUED:  # released by a stopping worker: the next one takes it
        run_enqueue(run_id)
    return status


@shared_task(name="evals.requeue_stalled_runs")
def requeue_stalled_runs_task() -> int:
    """Every minute (see schedules): runs whose worker died are queued again, queued runs
    not sent for a while are sent again, and a cancelled run's leftover cells are closed.
    Returns how many runs were sent."""
    now = timezone.now()
    stalled = Run.objects.filter(status=RunStatus.RUNNING, heartbeat_at__lt=now - STALLED_AFTER)
    sent = [
        pk  # conditional again: a worker may have beaten in between
        for pk in list(stalled.values_list("pk", flat=True))
        if stalled.filter(pk=pk).update(status=RunStatus.QUEUED, heartbeat_at=now)
    ]
    forgotten = Run.objects.filter(status=RunStatus.QUEUED).filter(
        Q(heartbeat_at__lt=now - RESEND_AFTER)
        | Q(heartbeat_at__isnull=True, created_at__lt=now - RESEND_AFTER)
    )
    sent += [
        pk
        for pk in list(forgotten.values_list("pk", flat=True))
        if forgotten.filter(pk=pk).update(heartbeat_at=now)
    ]
    Cell.objects.filter(
        run__status=RunStatus.CANCELLED, run__finished_at__lt=now - STALLED_AFTER,
        status=CellStatus.PENDING,
    ).update(status=CellStatus.CANCELLED)  # fmt: skip
    for run_id in sent:
        run_enqueue(run_id)
    return len(sent)
