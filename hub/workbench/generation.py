"""Model calls of the workbench, run in server tasks that outlive the socket that asked.

A socket subscribes to the generations it starts (or re-attaches to one after a reload);
closing it only unsubscribes, so the answer still streams to its end and is saved. Only an
explicit stop cancels the task, and with it the upstream call (the pipeline records the call
as cancelled). Generations live in the process that started them: a reload served by another
replica sees the progress saved so far and then the final answer, not the live tokens.

While it runs, a generation keeps its row's ``heartbeat_at`` fresh (progress saves carry it; a
timer adds one while no token comes), so other processes can tell a live answer from one
whose process died (``hub.workbench.interruptions``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.conf import settings

from hub.workbench.results import GenerationResult
from routing.pipeline import chat_stream
from routing.pipeline.call_log import CallLog
from routing.pipeline.errors import ApiError
from routing.pipeline.tokens import tokens_in_text
from workspaces.access import Actor

logger = logging.getLogger(__name__)

Event = dict[str, Any]
Subscriber = Callable[[Event], None]  # must not block: it queues the event for its socket
FollowUp = Callable[[], Awaitable[Event | None]]  # work after a complete answer (a chat title)
PERSIST_EVERY_S = 1.0  # how often a streaming answer's text is saved on the way
HEARTBEAT_EVERY_S = 5.0  # at most this long without a write that refreshes the heartbeat


def heartbeat_every() -> float:
    """Seconds between heartbeats: a few per stale threshold, so one late write is no death."""
    return min(HEARTBEAT_EVERY_S, settings.HUB_WORKBENCH_STALE_SECONDS / 3)


@dataclass
class Outcome:
    """How a generation ended: its text, and the numbers of its usage record."""

    status: str  # a GenerationStatus value
    text: str
    error: str = ""
    result: GenerationResult = field(default_factory=GenerationResult)


class Sink(Protocol):
    """Where a generation is saved: a chat message or a playground slot."""

    async def progress(self, text: str) -> None:
        """Save the text so far (and refresh the heartbeat)."""

    async def heartbeat(self) -> None:
        """Refresh the heartbeat alone: the generation is alive, waiting for tokens."""

    async def finish(self, outcome: Outcome) -> None: ...


@dataclass(eq=False)
class Generation:
    key: str  # "message:<id>" or "slot:<id>"
    user_id: int
    sink: Sink
    subscribers: list[Subscriber] = field(default_factory=list)
    pieces: list[str] = field(default_factory=list)
    log: CallLog | None = None
    task: asyncio.Task[None] | None = None
    output_estimate: int = 0  # tokens so far, counted as they come (the provider counts last)
    finishing: bool = False
    saving: asyncio.Task[None] | None = None
    beat_at: float | None = None  # perf_counter of the last write that refreshed the heartbeat
    keeping_alive: asyncio.Task[None] | None = None
    stopped: asyncio.Event = field(default_factory=asyncio.Event)
    follow_up: FollowUp | None = None

    @property
    def text(self) -> str:
        return "".join(self.pieces)

    def snapshot(self) -> Event:
        """Everything streamed so far, for a socket that attaches mid-way; token events
        numbered up to ``n`` are already in it."""
        return {
            "type": "snapshot", "key": self.key, "text": self.text, "n": len(self.pieces),
            "output_tokens": self.output_estimate,
        }  # fmt: skip

    def emit(self, event: Event) -> None:
        for subscriber in list(self.subscribers):
            try:
                subscriber(event)
            except Exception:  # a broken socket must not stop the generation
                logger.exception("workbench subscriber failed; dropping it")
                self.subscribers.remove(subscriber)

    def token_event(self, delta: str) -> Event:
        """The next piece of text, with the call's time so far, time to first token and
        running cost, all as the call's log (and so its usage record) counts them."""
        self.output_estimate += tokens_in_text(delta)
        log = self.log
        assert log is not None, "tokens come from a call"
        event: Event = {
            "type": "token",
            "key": self.key,
            "text": delta,
            "n": len(self.pieces),
            "output_tokens": self.output_estimate,
            "ms": round(log.latency_ms, 1),
            "ttft_ms": None if log.ttft_ms is None else round(log.ttft_ms),
            # Wall-clock ms when the hub got the token: a page on the same machine can tell
            # how long the token took from the provider to the screen.
            "at": round(time.time() * 1000, 1),
        }
        if log.deployment is not None:
            event["cost_usd"] = f"{log.cost_for(log.prompt_tokens, self.output_estimate):f}"
        return event


class Generations:
    """The generations running in this process, by key."""

    def __init__(self) -> None:
        self._running: dict[str, Generation] = {}
        self._background: set[asyncio.Future[None]] = set()

    def start(
        self,
        *,
        key: str,
        actor: Actor,
        body: dict[str, Any],
        source: str,
        sink: Sink,
        subscriber: Subscriber | None,
        follow_up: FollowUp | None = None,
    ) -> Generation:
        """Runs the call in a task; ``follow_up`` runs after a complete answer is saved, and
        the event it returns goes to the same subscribers."""
        generation = Generation(key=key, user_id=actor.user.pk, sink=sink, follow_up=follow_up)
        if subscriber is not None:
            generation.subscribers.append(subscriber)
        self._running[key] = generation
        generation.task = asyncio.create_task(self._run(generation, actor, body, source))
        generation.task.add_done_callback(lambda _task: self._stopped_before_start(generation))
        return generation

    def running_keys(self) -> frozenset[str]:
        """Keys of the generations alive in this process (safe to call from any thread)."""
        return frozenset(self._running.copy())

    def find(self, key: str, *, user_id: int) -> Generation | None:
        """The user's running generation under ``key``; nobody else's."""
        generation = self._running.get(key)
        if generation is None or generation.user_id != user_id:
            return None
        return generation

    def attach(self, key: str, *, user_id: int, subscriber: Subscriber) -> bool:
        """Send the text so far, then every further event, to ``subscriber``."""
        generation = self.find(key, user_id=user_id)
        if generation is None or generation.finishing:
            return False
        subscriber(generation.snapshot())
        if subscriber not in generation.subscribers:
            generation.subscribers.append(subscriber)
        return True

    def cancel(self, key: str, *, user_id: int) -> bool:
        generation = self.find(key, user_id=user_id)
        if generation is None or generation.finishing or generation.task is None:
            return False
        generation.task.cancel()
        return True

    def unsubscribe(self, subscriber: Subscriber) -> None:
        """The socket closed: its generations go on without it."""
        for generation in self._running.values():
            with contextlib.suppress(ValueError):
                generation.subscribers.remove(subscriber)

    async def wait_idle(self, timeout: float = 10.0) -> None:
        """Until every generation has finished and been saved (tests and shutdown)."""
        tasks: list[asyncio.Future[None]] = [
            g.task for g in self._running.values() if g.task is not None
        ]
        tasks += self._background
        if tasks:
            await asyncio.wait(tasks, timeout=timeout)

    async def _run(
        self, generation: Generation, actor: Actor, body: dict[str, Any], source: str
    ) -> None:
        status, error = "complete", ""
        saved_at = time.perf_counter()
        generation.keeping_alive = asyncio.create_task(_keep_alive(generation))

        def log_keep(log: CallLog) -> None:
            generation.log = log

        try:
            async for chunk in chat_stream(actor=actor, body=body, source=source, on_log=log_keep):
                if "error" in chunk:
                    status, error = (
                        "error",
                        str(chunk["error"].get("message") or "The provider failed."),
                    )
                    continue
                delta = _content_of(chunk)
                if not delta:
                    continue
                first = not generation.pieces
                event = generation.token_event(delta)
                generation.pieces.append(delta)
                if first:
                    generation.emit(_routed_event(generation))
                generation.emit(event)
                if time.perf_counter() - saved_at >= PERSIST_EVERY_S and not _busy(generation):
                    # Not awaited here: a stop must land inside the pipeline, which then
                    # cancels the upstream call and records it.
                    saved_at = generation.beat_at = time.perf_counter()
                    generation.saving = asyncio.create_task(
                        generation.sink.progress(generation.text)
                    )
        except ApiError as failure:
            status, error = "error", failure.message
        except asyncio.CancelledError:
            status = "cancelled"
        except Exception:
            logger.exception("workbench generation %s failed", generation.key)
            status, error = (
                "error",
                "The generation failed unexpectedly; the hub's log has details.",
            )
        await self._finish(generation, status, error)

    def _stopped_before_start(self, generation: Generation) -> None:
        """A task cancelled before its first step never ran ``_run``: save it all the same."""
        if not generation.finishing:
            future = asyncio.ensure_future(self._finish(generation, "cancelled", ""))
            self._background.add(future)
            future.add_done_callback(self._background.discard)

    async def _finish(self, generation: Generation, status: str, error: str) -> None:
        generation.finishing = True
        generation.stopped.set()
        for writing in (generation.saving, generation.keeping_alive):
            if writing is not None:
                with contextlib.suppress(Exception):
                    await writing
        outcome = _outcome(generation, status, error)
        try:
            await asyncio.shield(generation.sink.finish(outcome))
        except Exception:
            logger.exception("workbench generation %s could not be saved", generation.key)
        finally:
            self._running.pop(generation.key, None)
        generation.emit(
            {
                "type": "done",
                "key": generation.key,
                "status": outcome.status,
                "error": outcome.error,
                "text": outcome.text,
                "metrics": outcome.result.to_json(),
            }
        )
        if generation.follow_up is not None and outcome.status == "complete":
            try:
                event = await generation.follow_up()
            except Exception:
                logger.exception("workbench generation %s: follow-up failed", generation.key)
            else:
                if event is not None:
                    generation.emit(event)


async def _keep_alive(generation: Generation) -> None:
    """Refresh the heartbeat now, then whenever no progress save has for ``heartbeat_every``
    (a slow first token must not look like a dead process); ends when the generation does."""
    every = heartbeat_every()
    while not generation.stopped.is_set():
        last = generation.beat_at
        wait = 0.0 if last is None else last + every - time.perf_counter()
        if wait <= 0:
            generation.beat_at = time.perf_counter()
            try:
                await generation.sink.heartbeat()
            except Exception:  # a missed beat is retried; it must not stop the answer
                logger.warning("workbench generation %s: heartbeat not saved", generation.key)
            continue
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(generation.stopped.wait(), wait)


def _busy(generation: Generation) -> bool:
    return generation.saving is not None and not generation.saving.done()


def _content_of(chunk: dict[str, Any]) -> str:
    return "".join(
        (choice.get("delta") or {}).get("content") or "" for choice in chunk.get("choices") or ()
    )


def _routed_event(generation: Generation) -> Event:
    """Which deployment is answering; blind playground runs keep this from the page."""
    log = generation.log
    result = GenerationResult.from_call(log) if log else GenerationResult()
    return {
        "type": "routed",
        "key": generation.key,
        **{name: result.to_json()[name] for name in ("answered_by", "route_reason")},
    }


def _outcome(generation: Generation, status: str, error: str) -> Outcome:
    log = generation.log
    result = GenerationResult.from_call(log) if log else GenerationResult()
    return Outcome(status=status, text=generation.text, error=error, result=result)


generations = Generations()
