"""Working one run: its pending cells through the pipeline (source ``eval``, so budgets,
limits, routing and usage records apply), a bounded number at a time per provider, each
judged by its assertions and saved the moment it ends.

A task claims a queued run with a conditional update, so a message delivered twice works it
once. While it works, a watcher refreshes the run's heartbeat and notices when the run is no
longer ``running``: cancelled (the calls in flight are cancelled, the cells not yet called
marked cancelled) or queued again by the sweep because this worker looked dead (it stops and
leaves the cells to whoever takes the run). A worker told to stop starts no new cell, lets
the ones in flight finish and hands the run back to the queue, pairwise judging still to do
included; the next worker takes up what is pending, so nothing done is done twice. A cell
that breaks is saved as an error with the reason; it never leaves the run unfinished.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import DatabaseError
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from analytics.models import UsageSource
from hub.evals.assertions import Verdict
from hub.evals.cell_work import (
    Answer,
    answered,
    cached_answer,
    cell_fail,
    cell_save,
    verdicts_for,
    worth_waiting,
)
from hub.evals.models import Cell, CellStatus, Run, RunStatus, Suite
from hub.evals.pairing import pairs_judge
from hub.evals.routing_feed import run_publish
from routing.pipeline import chat
from routing.pipeline.call_log import CallLog
from routing.pipeline.dry_run import route_dry_run
from routing.pipeline.errors import ApiError
from workspaces.access import Actor
from workspaces.selectors import actor_of_member

logger = logging.getLogger(__name__)
WATCH_EVERY_S = 1.0  # how soon a cancel is noticed; the heartbeat is written as often
RATE_LIMIT_RETRIES = 3  # a cell the workspace's own rate limit refused waits and tries again
LANE_PROBE_TOKENS = 200


def _never() -> bool:
    return False


def run_actor(run: Run) -> Actor | None:
    """The member who started the run, with the role they hold now (None: no longer one)."""
    return actor_of_member(workspace_id=run.workspace_id, user_id=run.created_by_id)


async def run_execute(run_id: int, should_stop: Callable[[], bool] = _never) -> str:
    """Work one queued run; returns its status afterwards ("" when it was not queued)."""
    now = timezone.now()
    claimed = await Run.objects.filter(pk=run_id, status=RunStatus.QUEUED).aupdate(
        status=RunStatus.RUNNING,
        started_at=Coalesce(F("started_at"), Value(now)),
        heartbeat_at=now,
    )
    if not claimed:
        return ""
    run = await Run.objects.aget(pk=run_id)
    try:
        actor = await sync_to_async(run_actor)(run)
        if actor is None:
            return await _fail(run, "The member who started this run has left the workspace.")
        return await _Work(run, actor, should_stop).all_cells()
    except Exception as error:  # a run must never stay "running" with no one working it
        logger.exception("Evaluation run %s failed", run_id)
        return await _fail(run, f"The run failed unexpectedly ({type(error).__name__}).")


async def _fail(run: Run, reason: str) -> str:
    await Run.objects.filter(pk=run.pk, status=RunStatus.RUNNING).aupdate(
        status=RunStatus.FAILED, error=reason, finished_at=timezone.now()
    )
    return RunStatus.FAILED


@dataclass
class _Work:
    run: Run
    actor: Actor
    should_stop: Callable[[], bool]
    lanes: dict[str, asyncio.Semaphore] = field(default_factory=dict)
    lane_of: dict[str, str] = field(default_factory=dict)
    graders: asyncio.Semaphore = field(
        default_factory=lambda: asyncio.Semaphore(max(1, settings.HUB_EVAL_CONCURRENCY))
    )
    stopped_by: str = ""  # "cancelled", or "lost": the run is no longer this worker's
    paired: bool = False

    async def all_cells(self) -> str:
        cells = [c async for c in Cell.objects.filter(run=self.run, status=CellStatus.PENDING)]
        for model in dict.fromkeys(c.model_name for c in cells):
            self.lane_of[model] = await self._lane(model)
        tasks: list[asyncio.Task[Any]] = [asyncio.create_task(self._cell(c)) for c in cells]
        watcher = asyncio.create_task(self._watch(tasks))  # cancels what is in ``tasks``
        await asyncio.gather(*tasks, return_exceptions=True)
        if self.run.pairwise and not (self.stopped_by or self.should_stop()):
            tasks.append(asyncio.create_task(self._pairs()))
            await asyncio.gather(tasks[-1], return_exceptions=True)
        watcher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watcher
        return await self._finish()

    async def _lane(self, model: str) -> str:
        """The provider the route would call first: cells share its concurrency (a model
        that cannot be routed now gets a lane of its own, as bounded)."""
        try:
            dry = await route_dry_run(
                actor=self.actor, model=model, prompt_tokens=LANE_PROBE_TOKENS
            )
            first = dry.first
        except ApiError:
            first = None  # the calls will say why
        lane = f"provider:{first.deployment.provider_id}" if first else f"model:{model}"
        self.lanes.setdefault(lane, asyncio.Semaphore(max(1, settings.HUB_EVAL_CONCURRENCY)))
        return lane

    async def _watch(self, tasks: list[asyncio.Task[Any]]) -> None:
        """Refresh the heartbeat. A run no longer ``running`` was cancelled, or was queued
        again by the sweep (this worker looked dead): either way its calls stop here."""
        while True:
            await asyncio.sleep(WATCH_EVERY_S)
            try:
                alive = await Run.objects.filter(pk=self.run.pk, status=RunStatus.RUNNING).aupdate(
                    heartbeat_at=timezone.now()
                )
                status = "" if alive else await _status(self.run.pk)
            except DatabaseError:  # a short outage: the sweep waits minutes, so go on
                logger.warning("Run %s: the heartbeat could not be written", self.run.pk)
                continue
            if alive:
                continue
            self.stopped_by = "cancelled" if status == RunStatus.CANCELLED else "lost"
            for task in tasks:
                task.cancel()
            return

    async def _cell(self, cell: Cell) -> None:
        try:
            await self._cell_work(cell)
        except (asyncio.CancelledError, DatabaseError):
            raise  # stays pending: cancelled, or for the next worker
        except Exception as error:  # one broken cell never stops the run or hides in it
            logger.exception("Cell %s of run %s failed", cell.pk, self.run.pk)
            await cell_fail(cell, f"The cell failed unexpectedly ({type(error).__name__}).")

    async def _cell_work(self, cell: Cell) -> None:
        if self.should_stop() or self.stopped_by:
            return  # stays pending: the next worker takes it up
        answer = await cached_answer(cell) if self.run.use_cache else None
        if answer is None:
            async with self.lanes[self.lane_of[cell.model_name]]:
                if self.should_stop() or self.stopped_by:
                    return
                answer = await self._call(cell)
        verdicts: list[Verdict] = []
        if not answer.error:
            async with self.graders:  # judges and embeddings: a few at a time as well
                verdicts = await verdicts_for(cell, answer, self.actor)
        await cell_save(cell, answer, verdicts)

    async def _call(self, cell: Cell) -> Answer:
        body = {"model": cell.model_name, "messages": cell.messages, **self.run.params}
        for attempt in range(RATE_LIMIT_RETRIES + 1):
            logs: list[CallLog] = []
            try:
                completion = await chat(
                    actor=self.actor, body=body, source=UsageSource.EVAL, on_log=logs.append
                )
            except ApiError as error:
                if attempt < RATE_LIMIT_RETRIES and worth_waiting(error):
                    await asyncio.sleep(error.retry_after or 1.0)
                    continue
                return answered(logs[0], error=f"{error.status}: {error.message}")
            return answered(logs[0], completion=completion)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _pairs(self) -> None:
        try:
            await pairs_judge(self.run, self.actor, self.graders)
        except DatabaseError:
            raise
        except Exception:
            logger.exception("Pairwise judging of run %s failed", self.run.pk)
        self.paired = True

    async def _finish(self) -> str:
        pending = Cell.objects.filter(run=self.run, status=CellStatus.PENDING)
        if self.stopped_by == "lost":
            return ""  # queued again, maybe taken by another worker: its cells are not ours
        if self.stopped_by == "cancelled":
            await pending.aupdate(status=CellStatus.CANCELLED)
            return RunStatus.CANCELLED
        unfinished = await pending.aexists() or bool(self.run.pairwise and not self.paired)
        if self.should_stop() and unfinished:
            released = await Run.objects.filter(pk=self.run.pk, status=RunStatus.RUNNING).aupdate(
                status=RunStatus.QUEUED, heartbeat_at=timezone.now()
            )
            if released:
                return RunStatus.QUEUED
            await pending.aupdate(status=CellStatus.CANCELLED)  # a cancel came first
            return RunStatus.CANCELLED
        # Every cell was worked; one still pending could not be saved: it fails now.
        await pending.aupdate(
            status=CellStatus.ERROR, passed=False, score=0.0,
            error="The cell could not be saved; see the worker's log.",
        )  # fmt: skip
        done = await Run.objects.filter(pk=self.run.pk, status=RunStatus.RUNNING).aupdate(
            status=RunStatus.DONE, finished_at=timezone.now()
        )
        if not done:
            return RunStatus.CANCELLED  # cancelled as the last cell ended
        await self._publish()
        return RunStatus.DONE

    async def _publish(self) -> None:
        """Hand the scores to routing; a failure is logged, the run stays done."""
        if not await Suite.objects.filter(pk=self.run.suite_id, feeds_routing=True).aexists():
            return
        finished = await Run.objects.select_related("suite", "workspace").aget(pk=self.run.pk)
        try:
            await sync_to_async(run_publish)(finished)
        except Exception:
            logger.exception("Publishing the quality scores of run %s failed", self.run.pk)


async def _status(run_id: int) -> str:
    return await Run.objects.filter(pk=run_id).values_list("status", flat=True).afirst() or ""
