"""OpenAI's Chat Completions shape: requests pass through; chunks are forwarded byte for byte."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

from hub.api_errors import error_body
from providers.adapters.base import JSON, StreamChunk, UpstreamError
from routing.pipeline.call_log import CallLog
from routing.pipeline.errors import ApiError, api_error_from_upstream
from routing.pipeline.shapes.base import ApiShape
from routing.pipeline.validation import chat_body_validate

DONE = b"data: [DONE]\n\n"


class OpenAIShape(ApiShape):
    def request_to_openai(self, body: JSON) -> JSON:
        return chat_body_validate(body)

    def completion_from_openai(self, completion: JSON, body: JSON, log: CallLog) -> JSON:
        return completion

    async def stream_events(
        self, chunks: AsyncIterator[StreamChunk], body: JSON, log: CallLog
    ) -> AsyncIterator[bytes]:
        wants_usage = bool((body.get("stream_options") or {}).get("include_usage"))
        try:
            async for chunk in chunks:
                if not wants_usage and chunk.data.get("usage") and not chunk.data.get("choices"):
                    continue  # the hub asked for usage for its own records
                payload = chunk.raw if chunk.raw is not None else json.dumps(chunk.data).encode()
                yield b"data: " + payload + b"\n\n"
        except UpstreamError as upstream:
            error = upstream_failure(upstream, log)
            yield b"data: " + json.dumps(self.error_json(error)).encode() + b"\n\n"
            return
        yield DONE

    def error_json(self, error: ApiError) -> JSON:
        extra = {"provider": error.provider} if error.provider else {}
        return error_body(
            error.message, status_code=error.status, code=error.code, param=error.param, **extra
        )


def upstream_failure(upstream: UpstreamError, log: CallLog) -> ApiError:
    """A provider failing after the first chunk: the call is an error, the stream ends."""
    candidate = log.candidate
    error = api_error_from_upstream(
        upstream,
        provider=candidate.provider_slug if candidate else upstream.provider,
        secret=candidate.target.api_key if candidate else "",
    )
    log.fail(error)
    return error


OPENAI = OpenAIShape()
