"""Stream step: relay chunks as they arrive, account for them, record the call when it ends.

Layers, inner to outer: ``accounted`` notes timing, usage and text of each chunk; a wire
shape (routing.pipeline.shapes) turns chunks into SSE bytes and a failure into an error event;
``recorded`` marks a client disconnect as cancelled and records the call whatever happened.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

from django.http import StreamingHttpResponse

from providers.adapters.base import JSON, StreamChunk
from routing.pipeline.call_log import CallLog
from routing.pipeline.record import usage_record_nowait
from routing.pipeline.tokens import tokens_in_messages, tokens_in_text

SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


async def accounted(
    chunks: AsyncIterator[StreamChunk], log: CallLog, text: list[str]
) -> AsyncIterator[StreamChunk]:
    """Pass chunks through, noting the first one's time, the usage and the generated text."""
    async for chunk in chunks:
        if log.first_chunk_at is None:
            log.first_chunk_at = time.perf_counter()
        data = chunk.data
        usage = data.get("usage")
        if usage:
            log.usage_set(usage)
            log.tokens_estimated = False
        for choice in data.get("choices") or ():
            delta = choice.get("delta") or {}
            content = delta.get("content")
            if content:
                text.append(content)
            for call in delta.get("tool_calls") or ():
                arguments = (call.get("function") or {}).get("arguments")
                if arguments:
                    text.append(arguments)
        yield chunk


async def recorded(
    events: AsyncIterator[bytes], log: CallLog, body: JSON, text: list[str]
) -> AsyncIterator[bytes]:
    """The SSE body; on disconnect the cancellation reaches the upstream call through here."""
    try:
        async for event in events:
            yield event
    except (asyncio.CancelledError, GeneratorExit):
        log.cancel()
        raise
    finally:
        log.finish()
        if log.input_tokens == 0 and log.output_tokens == 0 and log.candidate is not None:
            stream_tokens_estimate(log, body, text)  # cut or cancelled streams still cost
        usage_record_nowait(log)


def stream_tokens_estimate(log: CallLog, body: JSON, text: list[str]) -> None:
    log.input_tokens = tokens_in_messages(body.get("messages") or [])
    log.output_tokens = tokens_in_text("".join(text))
    log.tokens_estimated = True


def sse_response(events: AsyncIterator[bytes], log: CallLog) -> StreamingHttpResponse:
    response = StreamingHttpResponse(events, content_type="text/event-stream")
    for name, value in {**SSE_HEADERS, **log.headers()}.items():
        response[name] = value
    return response
