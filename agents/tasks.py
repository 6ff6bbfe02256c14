"""Agent runs started from a page or REST without waiting: a Celery task on the ``agents``
queue, and the sweep that closes runs a dead worker left.

A run is not resumed on another worker: its tools may have acted on the world, and doing a
step twice is worse than saying it stopped. A worker told to stop finishes its runs within
Celery's warm shutdown; one killed outright leaves a running run whose heartbeat (every
half second) goes stale, and the sweep marks it failed with the reason.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from asgiref.sync import async_to_sync
from celery import shared_task
from django.utils import timezone

from agents.models import Run, RunStatus
from agents.runner import Context, execute
from workspaces.api_keys import actor_of_key_id
from workspaces.selectors import actor_of_member

LOST_AFTER = timedelta(minutes=2)
logger = logging.getLogger(__name__)


def run_enqueue(run_id: int) -> None:
    try:
        run_task.delay(run_id)
    except Exception:
        logger.exception("Agent run %s could not be queued", run_id)
        Run.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
            status=RunStatus.FAILED, error="The run could not be queued (is the broker up?).",
            finished_at=timezone.now(),
        )  # fmt: skip


@shared_task(name="agents.run", acks_late=True)
def run_task(run_id: int) -> str:
    run = Run.objects.select_related("agent").filter(pk=run_id).first()
    if run is None or run.status != RunStatus.QUEUED:
        return "skipped"
    if run.api_key_id is not None:
        actor = actor_of_key_id(run.api_key_id)
        gone = "The API key that started the run was revoked or has expired."
    else:
        actor = actor_of_member(workspace_id=run.workspace_id, user_id=run.created_by_id)
        gone = "Whoever started the run is no longer a member."
    if actor is None or actor.workspace.pk != run.workspace_id:
        Run.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
            status=RunStatus.FAILED, error=gone, finished_at=timezone.now()
        )
        return RunStatus.FAILED

    async def work() -> None:
        async for _ in execute(Context(actor=actor, run=run, agent=run.agent)):
            pass

    async_to_sync(work)()
    return Run.objects.values_list("status", flat=True).get(pk=run_id)


@shared_task(name="agents.fail_lost_runs")
def fail_lost_runs_task() -> int:
    """Every minute: running runs whose heartbeat stopped are closed as failed."""
    now = timezone.now()
    return Run.objects.filter(
        status=RunStatus.RUNNING, heartbeat_at__lt=now - LOST_AFTER
    ).update(
        status=RunStatus.FAILED, finished_at=now,
        error="The worker running it stopped before the run ended.",
    )  # fmt: skip
