"""``agent:<name>`` on /v1/chat/completions: the caller's conversation becomes a run of the
agent (its last user message the task, the turns before it the history), answered as a
chat.completion, or as chat.completion.chunk events when ``stream`` is true.

The agent's own model steps are recorded in Usage with source ``agent``; the response says
which run it was (``x-hub-agent-run`` and ``hub.agent_run``), so the trace is one click away.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

from asgiref.sync import sync_to_async
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseBase, StreamingHttpResponse

from agents.events import RunEnded, TextDelta
from agents.models import Agent, Run, RunStatus
from agents.runner import Context, execute
from agents.services import run_create
from analytics.models import UsageSource
from routing.pipeline.agent_hook import PREFIX
from routing.pipeline.call_log import CallLog
from routing.pipeline.errors import ApiError, api_error_body
from workspaces.access import Actor

JSON = dict[str, Any]
KEPT_ROLES = ("user", "assistant")


def _invalid(message: str, param: str) -> ApiError:
    return ApiError(message, status=400, code="invalid_request_error", param=param)


def _conversation(sent: JSON) -> tuple[str, list[JSON], str]:
    """The task, the turns before it (text only), and the caller's system text."""
    messages = sent.get("messages")
    if not isinstance(messages, list) or not messages:
        raise _invalid("messages must be a non-empty array.", "messages")
    if sent.get("tools"):
        raise _invalid("An agent runs its own tools; send none.", "tools")
    if not all(isinstance(m, dict) for m in messages):
        raise _invalid("Each message must be an object.", "messages")
    texts = [(m.get("role"), _text(m.get("content"))) for m in messages]
    last = len(texts) - 1
    if texts[last][0] != "user" or not texts[last][1].strip():
        raise _invalid("The last message must be the user's task.", f"messages[{last}]")
    system = "\n\n".join(t for role, t in texts[:last] if role in ("system", "developer") and t)
    history = [{"role": role, "content": t} for role, t in texts[:last] if role in KEPT_ROLES and t]
    return texts[last][1], history, system


async def _agent_named(actor: Actor, sent: JSON) -> Agent:
    name = str(sent["model"])[len(PREFIX) :]
    agent = await Agent.objects.for_workspace(actor.workspace).filter(name=name).afirst()
    if agent is None:
        raise ApiError(f"The model {sent['model']!r} does not exist: no agent named {name!r}.",
                       status=404, code="model_not_found", param="model")  # fmt: skip
    return agent


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(p["text"] for p in content if isinstance(p, dict)
                       and isinstance(p.get("text"), str))  # fmt: skip
    return ""


async def agent_model_answer(actor: Actor, sent: JSON) -> HttpResponseBase:
    agent = await _agent_named(actor, sent)
    task, history, system = _conversation(sent)
    try:
        run = await sync_to_async(run_create)(actor=actor, agent=agent, text=task)
    except ValidationError as error:
        raise _invalid("; ".join(error.messages), "messages") from None
    context = Context(actor=actor, run=run, agent=agent, history=history, extra_system=system)
    model = str(sent["model"])
    response: HttpResponseBase
    if sent.get("stream"):
        response = StreamingHttpResponse(_chunks(context, model),
                                         content_type="text/event-stream")  # fmt: skip
        response["Cache-Control"] = "no-cache"
    else:
        response = await _complete(context, model)
    response["x-hub-agent-run"] = str(run.pk)
    return response


async def _complete(context: Context, model: str) -> HttpResponse:
    ended = None
    events = execute(context)
    try:
        async for event in events:
            if isinstance(event, RunEnded):
                ended = event
    finally:
        await events.aclose()
    run = context.run
    if ended is None or ended.status in (RunStatus.FAILED, RunStatus.CANCELLED):
        error = ApiError(f"The agent's run {run.pk} {ended.status if ended else 'failed'}: "
                         f"{ended.error if ended else ''}".strip(": "),
                         status=502, code="agent_run_failed")  # fmt: skip
        return HttpResponse(json.dumps(api_error_body(error)), status=502,
                            content_type="application/json")  # fmt: skip
    message = {"role": "assistant", "content": ended.output or ended.error}
    body = {
        "id": f"chatcmpl-agentrun-{run.pk}", "object": "chat.completion",
        "created": int(time.time()), "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": _finish(ended)}],
        "usage": await _usage(run),
        "hub": {"agent_run": run.pk, "status": ended.status, "stop_reason": ended.stop_reason},
    }  # fmt: skip
    return HttpResponse(json.dumps(body), content_type="application/json")


def _finish(ended: RunEnded) -> str:
    return "stop" if ended.status == RunStatus.COMPLETED else "length"


async def _usage(run: Run) -> JSON:
    """The run's totals as the runner keeps them (written to the database with its trace)."""
    return {"prompt_tokens": run.input_tokens, "completion_tokens": run.output_tokens,
            "total_tokens": run.input_tokens + run.output_tokens}  # fmt: skip


async def _chunks(context: Context, model: str) -> AsyncIterator[bytes]:
    """The chunks as server-sent events. The client going away closes this, which cancels
    the run."""
    async for data in chunk_dicts(context, model):
        yield b"data: " + json.dumps(data).encode() + b"\n\n"
    yield b"data: [DONE]\n\n"


async def chunk_dicts(context: Context, model: str) -> AsyncIterator[JSON]:
    """chat.completion.chunk dicts: text as the agent's steps stream it, then the finish
    (with ``hub.agent_run``) and the usage."""
    base = {"id": f"chatcmpl-agentrun-{context.run.pk}", "object": "chat.completion.chunk",
            "created": int(time.time()), "model": model}  # fmt: skip

    def chunk(delta: JSON, finish: str | None = None, **extra: Any) -> JSON:
        return {**base, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
                **extra}  # fmt: skip

    yield chunk({"role": "assistant", "content": ""})
    events = execute(context)
    try:
        async for event in events:
            if isinstance(event, TextDelta):
                yield chunk({"content": event.text})
            elif isinstance(event, RunEnded):
                if event.status != RunStatus.COMPLETED and event.error:
                    yield chunk({"content": ("\n\n" if event.output else "") + event.error})
                hub = {"agent_run": context.run.pk, "status": event.status,
                       "stop_reason": event.stop_reason}  # fmt: skip
                yield chunk({}, _finish(event), hub=hub)
                yield {**base, "choices": [], "usage": await _usage(context.run)}
    finally:
        await events.aclose()


async def agent_in_hub_chunks(
    actor: Actor, body: JSON, on_log: Callable[[CallLog], None] | None
) -> AsyncIterator[JSON]:
    """``agent:<name>`` for the chat and the playground: the run's chunks, with a CallLog
    (tokens and cost of all its steps, filled in at the end) for their metrics. The steps
    are in Usage already; this log is not recorded again."""
    agent = await _agent_named(actor, body)
    task, history, system = _conversation(body)
    try:
        run = await sync_to_async(run_create)(actor=actor, agent=agent, text=task)
    except ValidationError as error:
        raise _invalid("; ".join(error.messages), "messages") from None
    log = CallLog(source=UsageSource.AGENT, actor=actor, model=str(body["model"]), stream=True)
    if on_log is not None:
        on_log(log)
    context = Context(actor=actor, run=run, agent=agent, history=history, extra_system=system)
    async for data in chunk_dicts(context, str(body["model"])):
        usage = data.get("usage")
        if usage:
            log.reckoned_cost_usd = run.cost_usd
            log.input_tokens, log.output_tokens = usage["prompt_tokens"], usage["completion_tokens"]
            log.first_chunk_at = log.first_chunk_at or time.perf_counter()
        yield data
    log.finish()
