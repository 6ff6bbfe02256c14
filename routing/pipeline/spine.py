"""The spine: every model call, from the /v1 API or from inside the hub, runs these steps.

    authenticate -> admit -> route -> reserve -> call with fallback -> stream
      -> settle -> record

Each step lives in its own module (auth, admission, route, calling, streaming, record); this
file only puts them in order. Browser chat, playground, evals, agents and RAG call ``chat``,
``chat_stream``, ``embed`` and ``rerank`` here, never an adapter.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBase

from analytics.models import UsageSource
from providers.adapters.base import JSON
from providers.deployments import Deployment
from routing.pipeline.admission import admit, reserve, settle, settle_soon
from routing.pipeline.agent_hook import agent_answer, agent_chunks, names_an_agent
from routing.pipeline.auth import authenticate
from routing.pipeline.call_log import CallerLimits, CallLog
from routing.pipeline.calling import (
    call_with_fallback,
    embed_with_fallback,
    rerank_with_fallback,
    stream_with_fallback,
)
from routing.pipeline.errors import ApiError
from routing.pipeline.grounding_hook import hub_chunk_first, request_grounded, with_hub_answer
from routing.pipeline.record import record, record_nowait
from routing.pipeline.route import route
from routing.pipeline.shapes import OPENAI, ApiShape
from routing.pipeline.shapes.base import json_response
from routing.pipeline.shapes.responses import ResponsesCall
from routing.pipeline.shapes.responses_request import responses_request_parse
from routing.pipeline.stored_responses import conversation_before, keep, storing_enabled
from routing.pipeline.streaming import accounted, chunk_dicts, ended, sse_response
from routing.pipeline.validation import body_json, embeddings_body_validate, rerank_body_validate
from routing.pipeline.workspace_routing import workspace_routing
from workspaces.access import Actor
from workspaces.roles import Permission


async def api_chat(request: HttpRequest, shape: ApiShape) -> HttpResponseBase:
    """POST /v1/chat/completions (OpenAI shape), /v1/messages (Anthropic shape) and
    /v1/completions (legacy Completions shape)."""
    log = CallLog(source=UsageSource.API, endpoint=shape.endpoint)
    try:
        log.actor = await authenticate(request, permission=Permission.USE_MODELS)
        sent = body_json(request)
        hub_answer = None
        if shape is OPENAI and names_an_agent(sent):  # "agent:<name>": the agent's run
            return await agent_answer(log.actor, sent)
        if shape is OPENAI:  # the "hub" extension: grounding in RAG collections
            sent, hub_answer = await request_grounded(log.actor, sent)
        body = shape.request_to_openai(sent)
        log.model, log.stream = body["model"], bool(body.get("stream"))
        deployments = await _admitted_route(log, body, task=_task(request, body))
        shape, body, native = shape.for_route(deployments, sent, body)
        if log.stream:
            chunks = await stream_with_fallback(deployments, body, log, native_completions=native)
            text: list[str] = []
            events = shape.stream_events(accounted(chunks, log, text), body, log)
            events = hub_chunk_first(events, hub_answer, body["model"])
            return sse_response(ended(events, log, text, end=_end_soon), log)
        completion = await call_with_fallback(deployments, body, log, native_completions=native)
        log.usage_from_completion(completion)
    except ApiError as error:
        log.fail(error)
        await _end(log)
        return shape.error_response(error, log)
    log.finish()
    answer = with_hub_answer(shape.completion_from_openai(completion, body, log), hub_answer)
    response = json_response(answer, log=log)
    await _end(log)
    return response


async def api_responses(request: HttpRequest) -> HttpResponseBase:
    """POST /v1/responses: the Responses request as a chat call, continuing the stored
    conversation of ``previous_response_id``; the answer is stored unless ``store`` is false."""
    log = CallLog(source=UsageSource.API, endpoint="responses")
    try:
        log.actor = actor = await authenticate(request, permission=Permission.USE_MODELS)
        parsed = responses_request_parse(body_json(request))
        history = await conversation_before(actor, parsed.previous_response_id)
        body = parsed.chat_body(history)
        call = ResponsesCall(
            parsed,
            stored=parsed.store and storing_enabled(),
            on_complete=lambda response: keep(actor, call, history, response),
        )
        log.model, log.stream = body["model"], bool(body.get("stream"))
        deployments = await _admitted_route(log, body, task=_task(request, parsed.body))
        if log.stream:
            chunks = await stream_with_fallback(deployments, body, log)
            text: list[str] = []
            events = call.stream_events(accounted(chunks, log, text), log)
            return sse_response(ended(events, log, text, end=_end_soon), log)
        completion = await call_with_fallback(deployments, body, log)
        log.usage_from_completion(completion)
    except ApiError as error:
        log.fail(error)
        await _end(log)
        return OPENAI.error_response(error, log)
    log.finish()
    response = json_response(await call.from_completion(completion, log), log=log)
    await _end(log)
    return response


async def api_embeddings(request: HttpRequest) -> HttpResponse:
    """POST /v1/embeddings."""
    return await _api_call(request, "embeddings", embeddings_body_validate, _embed)


async def api_rerank(request: HttpRequest) -> HttpResponse:
    """POST /v1/rerank (Cohere's v2 and Jina's shape)."""
    return await _api_call(request, "rerank", rerank_body_validate, _rerank)


Validate = Callable[[JSON], JSON]
Step = Callable[[CallLog, JSON], Awaitable[JSON]]


async def _api_call(
    request: HttpRequest, endpoint: str, validate: Validate, step: Step
) -> HttpResponse:
    """A non-streaming /v1 call: authenticate, check the body, run ``step``, answer JSON."""
    log = CallLog(source=UsageSource.API, endpoint=endpoint)
    try:
        log.actor = await authenticate(request, permission=Permission.USE_MODELS)
        result = await step(log, validate(body_json(request)))
    except ApiError as error:
        log.fail(error)
        await _end(log)
        return OPENAI.error_response(error, log)
    response = json_response(result, log=log)
    await _end(log)
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
    ``on_log`` receives the call's CallLog first (request id, deployment, tokens, cost)."""
    log = CallLog(source=source, actor=actor)
    if on_log is not None:
        on_log(log)
    try:
        body = OPENAI.request_to_openai({**body, "stream": False})
        log.model = body["model"]
        deployments = await _admitted_route(log, body, task=task)
        completion = await call_with_fallback(deployments, body, log)
        log.usage_from_completion(completion)
    except ApiError as error:
        log.fail(error)
        raise
    finally:
        await _end(log)
    return completion


async def chat_stream(
    *,
    actor: Actor,
    body: JSON,
    source: str = UsageSource.CHAT,
    task: str = "",
    on_log: Callable[[CallLog], None] | None = None,
    limits: CallerLimits | None = None,
) -> AsyncGenerator[JSON, None]:
    """chat.completion.chunk dicts for a signed-in user as they arrive. Errors before the first
    chunk raise ApiError; a failure later yields a final ``{"error": {...}}`` dict.
    ``on_log`` receives the call's CallLog first; it is complete once the stream has ended.
    ``limits`` narrows the time to first token and the attempts per deployment."""
    if names_an_agent(body):  # the chat or the playground talking to an agent
        async for chunk in agent_chunks(actor, body, on_log):
            yield chunk
        return
    log = CallLog(source=source, actor=actor, stream=True, caller_limits=limits or CallerLimits())
    if on_log is not None:
        on_log(log)
    try:
        body = OPENAI.request_to_openai({**body, "stream": True})
        log.model = body["model"]
        deployments = await _admitted_route(log, body, task=task)
        chunks = await stream_with_fallback(deployments, body, log)
    except ApiError as error:
        log.fail(error)
        await _end(log)
        raise
    text: list[str] = []
    async for chunk in ended(
        chunk_dicts(accounted(chunks, log, text), body, log), log, text, end=_end_soon
    ):
        yield chunk


async def embed(*, actor: Actor, body: JSON, source: str = UsageSource.RAG) -> JSON:
    """An embeddings response for in-hub callers (RAG ingestion and search)."""
    return await _in_hub_call(actor, body, source, "embeddings", embeddings_body_validate, _embed)


async def rerank(*, actor: Actor, body: JSON, source: str = UsageSource.RAG) -> JSON:
    """A rerank answer for in-hub callers (RAG search): ``results`` best first, each with
    ``index`` and ``relevance_score`` (and ``document`` with ``return_documents``)."""
    return await _in_hub_call(actor, body, source, "rerank", rerank_body_validate, _rerank)


async def _in_hub_call(
    actor: Actor, body: JSON, source: str, endpoint: str, validate: Validate, step: Step
) -> JSON:
    """``step`` for an in-hub caller; a failure is recorded, then raised as ApiError."""
    log = CallLog(source=source, endpoint=endpoint, actor=actor)
    try:
        return await step(log, validate(body))
    except ApiError as error:
        log.fail(error)
        raise
    finally:
        await _end(log)


async def _embed(log: CallLog, body: JSON) -> JSON:
    log.model = body["model"]
    deployments = await _admitted_route(log, body)
    result = await embed_with_fallback(deployments, body, log)
    log.usage_from_embeddings(body, result)
    log.finish()
    return result


async def _rerank(log: CallLog, body: JSON) -> JSON:
    """Like ``_embed``; ``usage`` is the hub's estimate when the provider counted no tokens."""
    log.model = body["model"]
    deployments = await _admitted_route(log, body)
    result = await rerank_with_fallback(deployments, body, log)
    log.usage_from_rerank(body, result)
    result.setdefault("usage", {"total_tokens": log.input_tokens})
    log.finish()
    return result


async def _admitted_route(log: CallLog, body: JSON, *, task: str = "") -> list[Deployment]:
    """Admit the call, route it and reserve its budget: the deployments to try, in order."""
    assert log.actor is not None, "authenticate first"
    routing = await workspace_routing(log.actor.workspace.pk)
    request = await admit(log, body, routing, task=task)
    deployments = await route(log, body, routing, request)
    await reserve(log, body, deployments, routing, request)
    return deployments


async def _end(log: CallLog) -> None:
    """Settle the call's limits and budget reservation, then queue its usage record."""
    log.finish()
    await settle(log)
    await record(log)


def _end_soon(log: CallLog) -> None:
    """``_end`` from a stream's ``finally``, which must not await."""
    settle_soon(log)
    record_nowait(log)


def _task(request: HttpRequest, body: JSON) -> str:
    """The task tag rules match on: the x-hub-task header, or metadata.task in the body."""
    metadata = body.get("metadata")
    from_body = metadata.get("task") if isinstance(metadata, dict) else None
    return str(request.headers.get("x-hub-task") or from_body or "")[:64]
