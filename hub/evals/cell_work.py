"""One cell's work apart from calling: its answer from a call or the cache, its verdicts,
and its row saved, at most once (every write is conditional on the cell still pending)."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

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
from hub.evals.models import Cell, CellStatus
from routing.pipeline.call_log import CallLog
from routing.pipeline.errors import ApiError
from workspaces.access import Actor

RETRY_WAIT_LIMIT_S = 30.0


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


def worth_waiting(error: ApiError) -> bool:
    """A rate limit that lifts within seconds; a spent budget or quota does not."""
    limited = error.code in ("rate_limit_exceeded", "rate_limited")
    return limited and (error.retry_after or 1.0) <= RETRY_WAIT_LIMIT_S


def answered(log: CallLog, *, completion: dict[str, Any] | None = None, error: str = "") -> Answer:
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


async def cached_answer(cell: Cell) -> Answer | None:
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


async def cell_save(cell: Cell, answer: Answer, verdicts: list[Verdict]) -> None:
    fields: dict[str, Any] = {
        # PostgreSQL's text cannot hold NUL; a model may still send one.
        "output": answer.text.replace("\x00", ""),
        "tool_calls": answer.tool_calls, "latency_ms": answer.latency_ms,
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


async def cell_fail(cell: Cell, reason: str) -> None:
    await Cell.objects.filter(pk=cell.pk, status=CellStatus.PENDING).aupdate(
        status=CellStatus.ERROR, error=reason, passed=False, score=0.0, finished_at=timezone.now()
    )
