"""The tool-calling loop: ask the model, run the tools it calls, hand back the results, and
again, until it answers without a call or a limit ends the run.

The loop knows no database: it yields events (``agents.events``) and the runner stores
them. Its time limits cancel whatever it awaits, so it runs in a task of its own that only
hands events on (``agents.runner``), never awaiting its consumer. Every limit ends the run with its reason: ``max_steps``, ``budget``, ``timeout``,
``repeat``; a model that cannot be reached fails it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from agents.events import Event, ModelStepDone, RunEnded, TextDelta
from agents.limits import RunBudget, Stop, StopReason
from agents.model_step import ModelCall, StepFailed, model_step
from agents.tool_step import parsed_arguments, run_tool
from agents.tools.base import ToolSpec

JSON = dict[str, Any]


@dataclass
class Loop:
    call: ModelCall
    tools: dict[str, ToolSpec]
    budget: RunBudget
    messages: list[JSON]  # system, earlier turns and the new input; the loop appends
    added: list[JSON] = field(default_factory=list)  # what this run said, to keep
    step: int = 0

    def say(self, message: JSON) -> None:
        self.messages.append(message)
        self.added.append(message)


async def run_loop(loop: Loop) -> AsyncIterator[Event]:
    while True:
        stop = loop.budget.before_step()
        if stop is not None:
            yield _stopped(stop)
            return
        loop.step += 1
        try:
            done = None
            async for event in _bounded(model_step(loop.call, loop.messages, loop.step), loop):
                if isinstance(event, ModelStepDone):
                    done = event
                yield event
        except StepFailed as failure:
            loop.budget.step_done(tokens=_tokens(failure.step), cost_usd=failure.step.cost_usd)
            yield failure.step
            yield RunEnded(status="failed", error=str(failure))
            return
        except TimeoutError:
            yield _timed_out(loop)
            return
        assert done is not None
        spent = loop.budget.step_done(tokens=_tokens(done), cost_usd=done.cost_usd)
        loop.say(_assistant_message(done))
        if not done.tool_calls:
            yield RunEnded(status="completed", output=done.content)
            return
        for call in done.tool_calls:  # every call counts, even those not run
            repeated = loop.budget.before_tool(call["function"]["name"], parsed_arguments(call))
            stop = stop or repeated
        stop = stop or spent
        if stop is not None:
            _not_run(loop, done.tool_calls, stop)
            yield _stopped(stop)
            return
        try:
            async for event in _tools(loop, done.tool_calls):
                yield event
        except TimeoutError:
            _not_run(loop, done.tool_calls, None)
            yield _timed_out(loop)
            return


async def _tools(loop: Loop, calls: list[JSON]) -> AsyncIterator[Event]:
    """All calls at once; results in the calls' order, each paired by its call's id."""
    numbers = list(range(loop.step + 1, loop.step + 1 + len(calls)))
    loop.step += len(calls)
    left = loop.budget.seconds_left
    async with asyncio.timeout(left):
        results = await asyncio.gather(
            *(
                run_tool(loop.tools, c, n, seconds_left=left)
                for c, n in zip(calls, numbers, strict=True)
            )
        )
    for result in results:
        loop.say({"role": "tool", "tool_call_id": result.call_id, "content": result.result})
        yield result


async def _bounded(events: AsyncIterator[Any], loop: Loop) -> AsyncIterator[Any]:
    """The model step's events within the run's time left (TimeoutError past it)."""
    async with asyncio.timeout(loop.budget.seconds_left):
        async for event in events:
            yield event


def _not_run(loop: Loop, calls: list[JSON], stop: Stop | None) -> None:
    """Answer calls that will not run, so the kept conversation stays one every provider
    accepts when a thread continues it (each call needs its result)."""
    why = stop.message if stop is not None else "the run ran out of time"
    for message in _unanswered(loop.added, f"Not run: {why}"):
        loop.say(message)


def _unanswered(messages: list[JSON], content: str) -> list[JSON]:
    """Results for the last assistant turn's calls that have none yet."""
    last = next((i for i in range(len(messages) - 1, -1, -1)
                 if messages[i].get("role") == "assistant"), None)  # fmt: skip
    if last is None:
        return []
    answered = {m.get("tool_call_id") for m in messages[last + 1 :] if m.get("role") == "tool"}
    return [{"role": "tool", "tool_call_id": call["id"], "content": content}
            for call in messages[last].get("tool_calls") or () if call["id"] not in answered]  # fmt: skip


def kept_conversation(messages: list[JSON]) -> list[JSON]:
    """What a run keeps for its thread, valid for every provider whatever stopped it: calls
    left unanswered (a cancel mid-tools) get a "not run" result; an empty answer is dropped."""
    kept = [m for m in messages if not (m.get("role") == "assistant" and not m.get("content")
                                        and not m.get("tool_calls"))]  # fmt: skip
    return kept + _unanswered(kept, "Not run: the run ended first.")


def _assistant_message(done: ModelStepDone) -> JSON:
    message: JSON = {"role": "assistant", "content": done.content or None}
    if done.tool_calls:
        message["tool_calls"] = done.tool_calls
    return message


def _tokens(step: ModelStepDone) -> int:
    return step.input_tokens + step.output_tokens


def _stopped(stop: Stop) -> RunEnded:
    return RunEnded(status="stopped", stop_reason=stop.reason, error=stop.message)


def _timed_out(loop: Loop) -> RunEnded:
    seconds = loop.budget.limits.max_seconds or 0
    return RunEnded(status="stopped", stop_reason=StopReason.TIMEOUT,
                    error=f"Stopped after {seconds:g} s (the limit).")  # fmt: skip


__all__ = ["Loop", "TextDelta", "run_loop"]
