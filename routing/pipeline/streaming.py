"""Stream step: relay chunks as they arrive, account for them, end the call when they end.

Layers, inner to outer: ``accounted`` notes timing, usage and text of each chunk; then either
a wire shape (routing.pipeline.shapes) turns chunks into SSE bytes, or ``chunk_dicts`` hands
them to in-hub callers as dicts; a failure becomes an error event either way. ``ended``
marks a client disconnect as cancelled and, whatever happened, ends the call (the spine's
settle and record steps).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from typing import TypeVar

from django.http import StreamingHttpResponse

from providers.adapters.base import JSON, StreamChunk, UpstreamError
from routing.pipeline.call_log import CallLog
from routing.pipeline.errors import api_error_body

SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
Event = TypeVar("Event")


async def accounted(
    chunks: AsyncIterator[StreamChunk], log: CallLog, text: list[str]
) -> AsyncIterator[StreamChunk]:
    """Pass chunks through, noting the first one's time, the usage and the generated text."""
    async for chunk in chunks:
        if log.first_chunk_at is None:
            log.first_chunk_at = time.perf_counter()
        data = chunk.data
        log.usage_set(data.get("usage"))
        for choice in data.get("choices") or ():
            delta = choice.get("delta") or {}
            content = delta.get("content") or choice.get("text")  # chat, or legacy text
            if content:
                text.append(content)
            for call in delta.get("tool_calls") or ():
                arguments = (call.get("function") or {}).get("arguments")
                if arguments:
                    text.append(arguments)
        yield chunk


def is_hub_usage_chunk(data: JSON, body: JSON) -> bool:
    """The usage-only chunk the hub asked for its own records, which the caller did not."""
    asked = bool((body.get("stream_options") or {}).get("include_usage"))
    return not asked and bool(data.get("usage")) and not data.get("choices")


async def chunk_dicts(
    chunks: AsyncIterator[StreamChunk], body: JSON, log: CallLog
) -> AsyncIterator[JSON]:
    """chat.completion.chunk dicts for in-hub callers, as parsed once by the adapter; a
    failure after the first chunk ends them with an ``{"error": {...}}`` dict."""
    try:
        async for chunk in chunks:
            if not is_hub_usage_chunk(chunk.data, body):
                yield chunk.data
    except UpstreamError as upstream:
        yield api_error_body(log.stream_failed(upstream))


async def ended(
    events: AsyncIterator[Event],
    log: CallLog,
    text: list[str],
    end: Callable[[CallLog], None],
) -> AsyncIterator[Event]:
    """``events``, then ``end(log)`` however they stop; on a disconnect the cancellation
    reaches the upstream call through here. ``end`` must not await: a cancelled stream's
    ``finally`` cannot."""
    try:
        async for event in events:
            yield event
    except (asyncio.CancelledError, GeneratorExit):
        log.cancel()
        raise
    finally:
        log.finish()
        log.usage_from_stream_text(text)
        end(log)


def sse_response(events: AsyncIterator[bytes], log: CallLog) -> StreamingHttpResponse:
    response = StreamingHttpResponse(events, content_type="text/event-stream")
    for name, value in {**SSE_HEADERS, **log.headers()}.items():
        response[name] = value
    return response
