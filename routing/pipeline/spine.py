"""The spine: every model call, from the /v1 API or from inside the hub, runs these steps.

    authenticate -> admit -> route -> call with fallback -> stream -> record

Each step lives in its own module (routing.pipeline.auth, .admission, .candidates, .calling,
.streaming, .usage); this file only puts them in order. Browser chat, playground, evals,
agents and RAG call ``chat``/``chat_stream``/``embed`` here, never an adapter.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBase

from analytics.models import UsageSource
from providers.adapters.base import JSON
from routing.pipeline.admission import admitted_candidates
from routing.pipeline.auth import Caller, authenticate
from routing.pipeline.call_log import CallLog
from routing.pipeline.calling import call_with_fallback, embed_with_fallback, stream_with_fallback
from routing.pipeline.errors import ApiError
from routing.pipeline.record import completion_tokens_note, embedding_tokens_note, usage_record
from routing.pipeline.shapes import OPENAI, ApiShape
from routing.pipeline.shapes.base import json_response
from routing.pipeline.streaming import accounted, recorded, sse_response
from routing.pipeline.validation import body_json, embeddings_body_validate
from workspaces.access import Actor
from workspaces.roles import Permission


async def api_chat(request: HttpRequest, shape: ApiShape) -> HttpResponseBase:
    """POST /v1/chat/completions (OpenAI shape) and /v1/messages (Anthropic shape)."""
    log = CallLog(source=UsageSource.API)
    try:
        log.caller = await authenticate(request, permission=Permission.USE_MODELS)
        body = shape.request_to_openai(body_json(request))
        log.model, log.stream = body["model"], bool(body.get("stream"))
        candidates = await admitted_candidates(log, body, task=_task(request, body))
        if log.stream:
            chunks = await stream_with_fallback(candidates, body, log)
            text: list[str] = []
            events = shape.stream_events(accounted(chunks, log, text), body, log)
            return sse_response(recorded(events, log, body, text), log)
        completion = await call_with_fallback(candidates, body, log)
        completion_tokens_note(log, body, completion)
    except ApiError as error:
        log.fail(error)
        await usage_record(log)
        return shape.error_response(error, log)
    log.finish()
    response = json_response(shape.completion_from_openai(completion, body, log), log=log)
    await usage_record(log)
    return response


async def api_embeddings(request: HttpRequest) -> HttpResponse:
    """POST /v1/embeddings."""
    log = CallLog(source=UsageSource.API, endpoint="embeddings")
    try:
        log.caller = await authenticate(request, permission=Permission.USE_MODELS)
        result = await _embed(log, embeddings_body_validate(body_json(request)))
    except ApiError as error:
        log.fail(error)
        await usage_record(log)
        return OPENAI.error_response(error, log)
    response = json_response(result, log=log)
    await usage_record(log)
    return response


async def chat(
    *,
    actor: Actor,
    body: JSON,
    source: str = UsageSource.CHAT,
    task: str = "",
    on_log: Callable[[CallLog], None] | None = None,
) -> JSON:
    """One complete chat.completion for a signed-in user; raises ApiError on failure.
    ``on_log`` receives the call's CallLog first (request id, provider, tokens, cost)."""
    log = CallLog(source=source, caller=Caller.from_actor(actor))
    if on_log is not None:
        on_log(log)
    try:
        body = OPENAI.request_to_openai({**body, "stream": False})
        log.model = body["model"]
        candidates = await admitted_candidates(log, body, task=task)
        completion = await call_with_fallback(candidates, body, log)
        completion_tokens_note(log, body, completion)
    except ApiError as error:
        log.fail(error)
        raise
    finally:
        await usage_record(log)
    return completion


async def chat_stream(
    *,
    actor: Actor,
    body: JSON,
    source: str = UsageSource.CHAT,
    task: str = "",
    on_log: Callable[[CallLog], None] | None = None,
) -> AsyncIterator[JSON]:
    """chat.completion.chunk dicts for a signed-in user as they arrive. Errors before the first
    chunk raise ApiError; a failure later yields a final ``{"error": {...}}`` dict.
    ``on_log`` receives the call's CallLog first; it is complete once the stream has ended."""
    log = CallLog(source=source, caller=Caller.from_actor(actor), stream=True)
    if on_log is not None:
        on_log(log)
    try:
        body = OPENAI.request_to_openai({**body, "stream": True})
        log.model = body["model"]
        candidates = await admitted_candidates(log, body, task=task)
        chunks = await stream_with_fallback(candidates, body, log)
    except ApiError as error:
        log.fail(error)
        await usage_record(log)
        raise
    text: list[str] = []
    events = recorded(
        OPENAI.stream_events(accounted(chunks, log, text), body, log), log, body, text
    )
    async for event in events:
        payload = event.removeprefix(b"data: ").strip()
        if payload != b"[DONE]":
            yield _json(payload)


async def embed(*, actor: Actor, body: JSON, source: str = UsageSource.RAG) -> JSON:
    """An embeddings response for in-hub callers (RAG ingestion and search)."""
    log = CallLog(source=source, endpoint="embeddings", caller=Caller.from_actor(actor))
    try:
        return await _embed(log, embeddings_body_validate(body))
    except ApiError as error:
        log.fail(error)
        raise
    finally:
        await usage_record(log)


async def _embed(log: CallLog, body: JSON) -> JSON:
    assert log.caller is not None
    log.model = body["model"]
    candidates = await admitted_candidates(log, body)
    result = await embed_with_fallback(candidates, body, log)
    embedding_tokens_note(log, body, result)
    log.finish()
    return result


def _task(request: HttpRequest, body: JSON) -> str:
    """The task tag rules match on: the x-hub-task header, or metadata.task in the body."""
    metadata = body.get("metadata")
    from_body = metadata.get("task") if isinstance(metadata, dict) else None
    return str(request.headers.get("x-hub-task") or from_body or "")[:64]


def _json(payload: bytes) -> JSON:
    import json

    return json.loads(payload)
