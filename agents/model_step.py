"""One model step: the conversation so far to the agent's first model that answers.

The agent's models are tried in order. Each goes through the pipeline (routing, limits,
budgets, the deployments' own fallbacks, breakers and retries, a usage record with source
``agent``) with the agent's time to first token and retries. The next model takes over
only when one fails before anything streamed; a failure mid-answer fails the step.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from agents.assembly import Assembly
from agents.events import ModelStepDone, TextDelta
from analytics.models import UsageSource
from routing.pipeline import chat_stream
from routing.pipeline.call_log import CallerLimits, CallLog
from routing.pipeline.errors import ApiError
from workspaces.access import Actor

JSON = dict[str, Any]
# The request was wrong or refused for the workspace: another model would not help.
NOT_WORTH_FALLING_BACK = frozenset({400, 401, 402, 403, 413, 422})


@dataclass
class ModelCall:
    actor: Actor
    model_names: list[str]
    tools: list[JSON]
    limits: CallerLimits
    params: JSON = field(default_factory=dict)  # temperature and the like


class StepFailed(Exception):
    def __init__(self, message: str, step: ModelStepDone) -> None:
        super().__init__(message)
        self.step = step


def worth_falling_back(error: ApiError) -> bool:
    return error.status not in NOT_WORTH_FALLING_BACK


async def model_step(
    call: ModelCall, messages: list[JSON], number: int
) -> AsyncIterator[TextDelta | ModelStepDone]:
    """Yields the text as it streams, then the finished step (StepFailed when no model
    answered, carrying the step with its fallbacks and error)."""
    fallbacks: list[JSON] = []
    started = time.perf_counter()
    for position, model in enumerate(call.model_names):
        logs: list[CallLog] = []
        body: JSON = {**call.params, "model": model, "messages": messages}
        if call.tools:
            body["tools"] = call.tools
        assembly = Assembly()
        chunks = chat_stream(
            actor=call.actor, body=body, source=UsageSource.AGENT,
            on_log=logs.append, limits=call.limits,
        )  # fmt: skip
        try:
            async for chunk in chunks:
                added = assembly.add(chunk)
                if added:
                    yield TextDelta(step=number, text=added)
        except ApiError as error:
            fallbacks.append({"model": model, "status": error.status, "error": error.message})
            if worth_falling_back(error) and position + 1 < len(call.model_names):
                continue
            raise StepFailed(error.message, _step(number, model, logs, fallbacks, started,
                             error=error.message)) from None  # fmt: skip
        finally:
            await chunks.aclose()
        done = _step(number, model, logs, fallbacks, started, assembly=assembly)
        if assembly.error is not None:
            done.error = str(assembly.error.get("message") or "the answer broke off")
            raise StepFailed(done.error, done)
        yield done
        return
    raise StepFailed("The agent has no model.", _step(number, "", [], fallbacks, started))


def _step(
    number: int,
    model: str,
    logs: list[CallLog],
    fallbacks: list[JSON],
    started: float,
    *,
    assembly: Assembly | None = None,
    error: str = "",
) -> ModelStepDone:
    log = logs[0] if logs else None
    return ModelStepDone(
        step=number,
        model=model,
        answered_by=log.deployment.label if log and log.deployment and not error else "",
        content=assembly.content if assembly else "",
        tool_calls=assembly.tool_calls(id_prefix=f"call_s{number}") if assembly else [],
        fallbacks=fallbacks,
        request_id=log.request_id if log else "",
        input_tokens=log.input_tokens if log else 0,
        output_tokens=log.output_tokens if log else 0,
        cost_usd=log.cost_usd if log else Decimal(0),
        latency_ms=round((time.perf_counter() - started) * 1000, 1),
        error=error,
    )
