"""Working one run: its pending cells through the pipeline (source ``eval``, so budgets,
limits, routing and usage records apply), a bounded number at a time per provider, each
judged by its assertions and saved the moment it ends.

A task claims a queued run with a conditional update, so a message delivered twice works it
once. While it works, a watcher refreshes the run's heartbeat and notices a cancel (the
status is no longer ``running``): the calls in flight are cancelled and the cells not yet
called are marked cancelled. A worker told to stop starts no new cell, lets the ones in
flight finish and hands the run back to the queue; the next worker takes up the cells
still pending, so nothing done is done twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from analytics.models import UsageSource
from hub.evals.assertions import (
    MODEL_GRADED,
    Output,
    ToolCall,
    Verdict,
    assertion_parse,
    cell_outcome,
    check,
)
from hub.evals.matrix import question_of
from hub.evals.model_graded import graded_check
from hub.evals.models import Cell, CellStatus, Run, RunStatus, Suite
from hub.evals.pairing import pairs_judge
from hub.evals.routing_feed import run_publish
from routing.pipeline import chat
from routing.pipeline.call_log import CallLog
from routing.pipeline.dry_run import route_dry_run
from routing.pipeline.errors import ApiError
from workspaces.access import Actor
from workspaces.models import Membership

logger = logging.getLogger(__name__)
WATCH_EVERY_S = 1.0  # how soon a cancel is noticed; the heartbeat is written as often
RATE_LIMIT_RETRIES = 3  # a cell the workspace's own rate limit refused waits and tries again
RETRY_WAIT_LIMIT_S = 30.0
LANE_PROBE_TOKENS = 200


def _never() -> bool:
    return False


@dataclass
class Answer:
    """What one call (or the cache) gave a cell."""

    text: str = ""
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    latency_ms: float | None = None
    cost_usd: Decimal = Decimal(0)
    input_tokens: int = 0
    output_tokens: int = 0
    answered_by: str = ""
    request_id: str = ""
    error: str = ""
    cached: bool = False


def run_actor(run: Run) -> Actor | None:
    """The member who started the run, with the role they hold now (None: no longer one)."""
    if run.created_by_id is None:
        return None
    membership = (
        Membership.objects.filter(workspace_id=run.workspace_id, user_id=run.created_by_id)
        .select_related("user", "workspace")
        .first()
    )
    if membership is None:
        return None
    return Actor(user=membership.user, workspace=membership.workspace, role=membership.role)


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
    cancelled: bool = False

    async def all_cells(self) -> str:
        cells = [c async for c in Cell.objects.filter(run=self.run, status=CellStatus.PENDING)]
        for model in dict.fromkeys(c.model_name for c in cells):
            self.lane_of[model] = await self._lane(model)
        tasks: list[asyncio.Task[Any]] = [asyncio.create_task(self._cell(c)) for c in cells]
        watcher = asyncio.create_task(self._watch(tasks))  # cancels what is in ``tasks``
        await asyncio.gather(*tasks, return_exceptions=True)
        if self.run.pairwise and not (self.cancelled or self.should_stop()):
            tasks.append(asyncio.create_task(pairs_judge(self.run, self.actor, self.graders)))
            await asyncio.gather(tasks[-1], return_exceptions=True)
        watcher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watcher
        return await self._finish()

    async def _lane(self, model: str) -> str:
        """The provider the route would call first: cells share its concurrency."""
        try:
            dry = await route_dry_run(
                actor=self.actor, model=model, prompt_tokens=LANE_PROBE_TOKENS
            )
        except ApiError:
            return f"model:{model}"  # the call will say why it cannot be routed
        first = dry.first
        lane = f"provider:{first.deployment.provider_id}" if first else f"model:{model}"
        self.lanes.setdefault(lane, asyncio.Semaphore(max(1, settings.HUB_EVAL_CONCURRENCY)))
        return lane

    async def _watch(self, tasks: list[asyncio.Task[Any]]) -> None:
        """Refresh the heartbeat; a run no longer ``running`` was cancelled: stop its calls."""
        while True:
            await asyncio.sleep(WATCH_EVERY_S)
            alive = await Run.objects.filter(pk=self.run.pk, status=RunStatus.RUNNING).aupdate(
                heartbeat_at=timezone.now()
            )
            if not alive:
                self.cancelled = True
                for task in tasks:
                    task.cancel()
                return

    async def _cell(self, cell: Cell) -> None:
        if self.should_stop() or self.cancelled:
            return  # stays pending: the next worker takes it up
        answer = await _cached(cell) if self.run.use_cache else None
        if answer is None:
            lane = self.lanes.get(self.lane_of[cell.model_name])
            async with lane if lane is not None else contextlib.nullcontext():
                if self.should_stop() or self.cancelled:
                    return
                answer = await self._call(cell)
        verdicts: list[Verdict] = []
        if not answer.error:
            async with self.graders:  # judges and embeddings: a few at a time as well
                verdicts = await verdicts_for(cell, answer, self.actor)
        await _save(cell, answer, verdicts)

    async def _call(self, cell: Cell) -> Answer:
        body = {"model": cell.model_name, "messages": cell.messages, **self.run.params}
        for attempt in range(RATE_LIMIT_RETRIES + 1):
            logs: list[CallLog] = []
            try:
                completion = await chat(
                    actor=self.actor, body=body, source=UsageSource.EVAL, on_log=logs.append
                )
            except ApiError as error:
                if attempt < RATE_LIMIT_RETRIES and _worth_waiting(error):
                    await asyncio.sleep(error.retry_after or 1.0)
                    continue
                return _answered(logs[0], error=f"{error.status}: {error.message}")
            return _answered(logs[0], completion=completion)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _finish(self) -> str:
        pending = Cell.objects.filter(run=self.run, status=CellStatus.PENDING)
        if self.cancelled:
            await pending.aupdate(status=CellStatus.CANCELLED)
            return RunStatus.CANCELLED
        if self.should_stop() and await pending.aexists():
            released = await Run.objects.filter(pk=self.run.pk, status=RunStatus.RUNNING).aupdate(
                status=RunStatus.QUEUED, heartbeat_at=None
            )
            return RunStatus.QUEUED if released else RunStatus.CANCELLED
        done = await Run.objects.filter(pk=self.run.pk, status=RunStatus.RUNNING).aupdate(
            status=RunStatus.DONE, finished_at=timezone.now()
        )
        if not done:  # cancelled as the last cell ended
            await pending.aupdate(status=CellStatus.CANCELLED)
            return RunStatus.CANCELLED
        if await Suite.objects.filter(pk=self.run.suite_id, feeds_routing=True).aexists():
            finished = await Run.objects.select_related("suite", "workspace").aget(pk=self.run.pk)
            await sync_to_async(run_publish)(finished)
        return RunStatus.DONE


def _worth_waiting(error: ApiError) -> bool:
    """A rate limit that lifts within seconds; a spent budget or quota does not."""
    limited = error.code in ("rate_limit_exceeded", "rate_limited")
    return limited and (error.retry_after or 1.0) <= RETRY_WAIT_LIMIT_S


def _answered(log: CallLog, *, completion: dict[str, Any] | None = None, error: str = "") -> Answer:
    message = ((completion or {}).get("choices") or [{}])[0].get("message") or {}
    return Answer(
        text=message.get("content") or "",
        tool_calls=list(message.get("tool_calls") or []),
        latency_ms=round(log.latency_ms, 1),
        cost_usd=log.cost_usd,
        input_tokens=log.input_tokens,
        output_tokens=log.output_tokens,
        answered_by=log.deployment.label if log.deployment else "",
        request_id=log.request_id,
        error=error,
    )


async def _cached(cell: Cell) -> Answer | None:
    """The workspace's last answer to exactly this request, if a call gave one."""
    hit = (
        await Cell.objects.filter(
            workspace_id=cell.workspace_id,
            cache_key=cell.cache_key,
            status=CellStatus.DONE,
            cached=False,
        )
        .exclude(pk=cell.pk)
        .order_by("-id")
        .afirst()
    )
    if hit is None:
        return None
    return Answer(
        text=hit.output,
        tool_calls=hit.tool_calls,
        latency_ms=hit.latency_ms,
        cost_usd=hit.cost_usd,
        input_tokens=hit.input_tokens,
        output_tokens=hit.output_tokens,
        answered_by=hit.answered_by,
        request_id=hit.request_id,
        cached=True,
    )


async def verdicts_for(cell: Cell, answer: Answer, actor: Actor) -> list[Verdict]:
    """Each of the cell's assertions judged on the answer; similar and judge ask a model."""
    output = Output(
        text=answer.text,
        tool_calls=[_tool_call(call) for call in answer.tool_calls],
        latency_ms=answer.latency_ms,
        cost_usd=float(answer.cost_usd),
    )
    values = {k: v if isinstance(v, str) else json.dumps(v) for k, v in cell.variables.items()}
    verdicts = []
    for raw in cell.assertions:
        assertion = assertion_parse(raw)
        if assertion.kind in MODEL_GRADED:
            verdict = await graded_check(
                assertion, answer.text, actor=actor, question=question_of(cell), values=values
            )
        else:
            verdict = check(assertion, output, values)
        verdicts.append(verdict)
    return verdicts


def _tool_call(call: dict[str, Any]) -> ToolCall:
    function = call.get("function") or {}
    try:
        arguments = json.loads(function.get("arguments") or "{}")
    except ValueError:
        arguments = {}
    return ToolCall(
        name=str(function.get("name") or ""),
        arguments=arguments if isinstance(arguments, dict) else {},
    )


async def _save(cell: Cell, answer: Answer, verdicts: list[Verdict]) -> None:
    fields: dict[str, Any] = {
        "output": answer.text, "tool_calls": answer.tool_calls, "latency_ms": answer.latency_ms,
        "input_tokens": answer.input_tokens, "output_tokens": answer.output_tokens,
        "answered_by": answer.answered_by, "request_id": answer.request_id,
        "cached": answer.cached, "finished_at": timezone.now(),
    }  # fmt: skip
    if answer.cached:
        fields.update(cost_usd=Decimal(0), saved_usd=answer.cost_usd)
    else:
        fields.update(cost_usd=answer.cost_usd, saved_usd=Decimal(0))
    if answer.error:
        fields.update(status=CellStatus.ERROR, error=answer.error, passed=False, score=0.0)
        fields["verdicts"] = []
    else:
        passed, score = cell_outcome(verdicts)
        fields.update(
            status=CellStatus.DONE, passed=passed, score=score,
            verdicts=[dataclasses.asdict(verdict) for verdict in verdicts],
        )  # fmt: skip
    await Cell.objects.filter(pk=cell.pk, status=CellStatus.PENDING).aupdate(**fields)
