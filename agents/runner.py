"""A run from start to end: the conversation put together, the loop driven in a task of its
own, its steps kept and written with the heartbeat, cancel watched, the run closed once
(its tokens and cost include the runs it delegated to).

``execute`` yields the loop's events to whoever started the run (the REST stream, /v1, a
delegating agent, the Celery task); the run page reads the stored steps, so it shows the
same story from any process, and after a reload.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import time
from collections.abc import AsyncGenerator, AsyncIterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import DatabaseError
from django.utils import timezone

from agents.events import Event, ModelStepDone, RunEnded, ToolStepDone
from agents.limits import RunBudget, RunLimits
from agents.loop import Loop, kept_conversation, run_loop
from agents.model_step import ModelCall
from agents.models import Agent, Run, RunStatus
from agents.run_setup import Prepared, run_prepare
from agents.toolbox import openai_tools, toolbox
from agents.tools.base import ToolResult
from agents.trace_store import TraceBuffer
from routing.pipeline.call_log import CallerLimits
from workspaces.access import Actor

JSON = dict[str, Any]
WATCH_EVERY_S = 0.5
logger = logging.getLogger(__name__)
CLOSE_RETRIES_S = (0.5, 1.0, 2.0, 4.0)
CLOSING = ("status", "stop_reason", "output", "error", "messages", "finished_at")
MAX_DELEGATION_DEPTH = 3


def limits_of(agent: Agent) -> RunLimits:
    return RunLimits(
        max_steps=agent.max_steps, max_tokens=agent.max_tokens, max_usd=agent.max_usd,
        max_seconds=float(agent.max_seconds), repeat_limit=agent.repeat_limit,
    )  # fmt: skip


def within(limits: RunLimits, caller: RunBudget) -> RunLimits:
    """``limits`` narrowed to what the delegating run has left."""
    left = caller.limits

    def least(mine: Any, theirs: Any) -> Any:
        return theirs if mine is None else mine if theirs is None else min(mine, theirs)

    return dataclasses.replace(
        limits,
        max_steps=max(1, min(limits.max_steps, left.max_steps - caller.steps)),
        max_tokens=least(
            limits.max_tokens,
            None if left.max_tokens is None else max(0, left.max_tokens - caller.tokens),
        ),
        max_usd=least(
            limits.max_usd,
            None if left.max_usd is None else max(Decimal(0), left.max_usd - caller.cost_usd),
        ),
        max_seconds=least(limits.max_seconds, caller.seconds_left),
    )


@dataclass
class Context:
    actor: Actor
    run: Run
    agent: Agent
    depth: int = 0
    caller: RunBudget | None = None  # a delegating run's budget, which this run spends too
    history: list[JSON] = field(default_factory=list)  # turns a /v1 caller sent before the task
    extra_system: str = ""  # a /v1 caller's system message, after the agent's instructions


async def start_run(
    *, actor: Actor, agent: Agent, text: str, thread_id: int | None = None,
    parent: Run | None = None,
) -> Run:  # fmt: skip
    return await Run.objects.acreate(
        workspace=actor.workspace, agent=agent, thread_id=thread_id, parent=parent,
        input=text, created_by=actor.user,
    )  # fmt: skip


async def execute(context: Context) -> AsyncGenerator[Event, None]:
    """Run ``context.run`` (queued) to its end, yielding its events; closing this early
    cancels the run."""
    run = context.run
    prepared = await run_prepare(run, context.agent,
                                 may_delegate=context.depth < MAX_DELEGATION_DEPTH)  # fmt: skip
    if prepared is None:
        return  # another worker has it, or it was cancelled before it started
    trace = TraceBuffer(run)
    built: list[Loop] = []
    events: asyncio.Queue[Event | None] = asyncio.Queue()
    task = asyncio.create_task(_drive(context, prepared, built, events))
    watcher = asyncio.create_task(_watch(trace, task))  # heartbeats from the start
    ended: RunEnded | None = None
    try:
        while (event := await events.get()) is not None:
            trace.add([event])
            if isinstance(event, RunEnded):
                ended = event
            yield event
        if ended is None:  # the watcher cancelled it
            ended = _cancelled()
            trace.add([ended])
            yield ended
    finally:
        watcher.cancel()
        if not task.done():
            task.cancel()
        with contextlib.suppress(BaseException):
            await task
        while not events.empty():  # steps that ended while the caller was leaving
            if (left := events.get_nowait()) is not None:
                trace.add([left])
                ended = left if isinstance(left, RunEnded) else ended
        if ended is None:  # the caller went away: the run is cancelled
            trace.add([_cancelled()])
        await _close(trace, built[0].added if built else [_user_turn(run)])


def _user_turn(run: Run) -> JSON:
    return {"role": "user", "content": run.input}


def _cancelled() -> RunEnded:
    return RunEnded(status=RunStatus.CANCELLED, error="Cancelled.")


async def _drive(
    context: Context, prepared: Prepared, built: list[Loop], events: asyncio.Queue[Event | None]
) -> None:
    """Build the loop (tools listed, MCP servers asked) and run it, handing events on; any
    failure ends the run as failed with its reason, logged with its traceback."""
    try:
        loop = await _loop(context, prepared)
        built.append(loop)
        async for event in _handed_off(context, loop):
            events.put_nowait(event)
    except Exception as error:
        logger.exception("agent run %s failed", context.run.pk)
        events.put_nowait(RunEnded(status=RunStatus.FAILED, error=f"The run failed: "
                                   f"{type(error).__name__}. The hub's log has details."))  # fmt: skip
    finally:
        events.put_nowait(None)


async def _watch(trace: TraceBuffer, task: asyncio.Task[None]) -> None:
    """Cancel the loop when someone asks; meanwhile write the steps so far, the totals and
    the heartbeat, every half second."""
    run = trace.run
    while not task.done():
        await asyncio.sleep(WATCH_EVERY_S)
        await trace.flush(heartbeat_at=timezone.now())
        try:
            asked = await Run.objects.filter(pk=run.pk, cancel_requested=True).aexists()
        except DatabaseError:  # away a moment: ask again next time
            continue
        if asked:
            task.cancel()
            return


async def _handed_off(context: Context, loop: Loop) -> AsyncIterator[Event]:
    """The loop's events; a completed run of an agent that hands off passes its output to
    the next agent as a child run (a sequential pipeline), whose result ends this run."""
    following = context.agent.hands_off_to_id
    async for event in run_loop(loop):
        if not (isinstance(event, RunEnded) and event.status == RunStatus.COMPLETED and following
                and context.depth < MAX_DELEGATION_DEPTH):  # fmt: skip
            yield event
            continue
        mine = Agent.objects.filter(workspace_id=context.run.workspace_id)
        nxt = await mine.filter(pk=following).afirst()
        if nxt is None:
            yield event
            continue
        loop.step += 1
        started = time.perf_counter()
        result = await _delegated(context, loop.budget, nxt, event.output)
        yield ToolStepDone(
            step=loop.step, name=f"hand_off_to_{nxt.name}", call_id="",
            arguments={"task": event.output}, result=result.content, is_error=result.is_error,
            latency_ms=round((time.perf_counter() - started) * 1000, 1),
            child_run_id=result.child_run_id,
        )  # fmt: skip
        status = RunStatus.FAILED if result.is_error else RunStatus.COMPLETED
        yield RunEnded(status=status, output="" if result.is_error else result.content,
                       error=result.content if result.is_error else "")  # fmt: skip


async def _loop(context: Context, prepared: Prepared) -> Loop:
    agent, actor = context.agent, context.actor
    limits = limits_of(agent)
    if context.caller is not None:
        limits = within(limits, context.caller)
    budget = RunBudget(limits)

    async def delegate(other: Agent, task: str) -> ToolResult:
        return await _delegated(context, budget, other, task)

    tools = await toolbox(agent, actor, prepared.equipment, delegate=delegate,
                          run_id=context.run.pk)  # fmt: skip
    call = ModelCall(
        actor=actor, model_names=list(agent.model_names), tools=openai_tools(tools),
        limits=CallerLimits(first_token_timeout=agent.first_token_timeout_s,
                            attempts=agent.retries + 1),
        params={} if agent.temperature is None else {"temperature": agent.temperature},
    )  # fmt: skip
    system = "\n\n".join(p for p in (prepared.instructions, context.extra_system) if p)
    history = prepared.history + context.history
    messages = ([{"role": "system", "content": system}] if system else []) + history
    loop = Loop(call=call, tools=tools, budget=budget, messages=messages)
    loop.say({"role": "user", "content": context.run.input})
    return loop


async def _delegated(context: Context, budget: RunBudget, other: Agent, task: str) -> ToolResult:
    """``other`` works on ``task`` as a child run, within this run's remaining limits; what
    it spends counts against this run too."""
    child = await start_run(actor=context.actor, agent=other, text=task, parent=context.run)
    inner = Context(actor=context.actor, run=child, agent=other, depth=context.depth + 1,
                    caller=budget)  # fmt: skip
    ended: RunEnded | None = None
    run = context.run
    async for event in execute(inner):
        if isinstance(event, ModelStepDone):  # the child's spending is the caller's too
            budget.tokens += event.input_tokens + event.output_tokens
            budget.cost_usd += event.cost_usd
            run.input_tokens += event.input_tokens
            run.output_tokens += event.output_tokens
            run.cost_usd += event.cost_usd
        elif isinstance(event, RunEnded):
            ended = event
    if ended is None or ended.status != RunStatus.COMPLETED:
        why = (ended.error or ended.status) if ended else "it did not run"
        return ToolResult(f"{other.name} did not finish: {why}", is_error=True,
                          child_run_id=child.pk)  # fmt: skip
    return ToolResult(ended.output, child_run_id=child.pk)


async def _close(trace: TraceBuffer, said: list[JSON]) -> None:
    """The run's end written, trying again for a few seconds if the database is away; past
    that the stalled-run sweep closes it (its heartbeat has stopped)."""
    run = trace.run
    run.messages, run.finished_at = kept_conversation(said), timezone.now()
    for pause in CLOSE_RETRIES_S:
        if await trace.flush(**{name: getattr(run, name) for name in CLOSING}):
            return
        await asyncio.sleep(pause)
    logger.error("agent run %s ended %s but could not be saved", run.pk, run.status)
