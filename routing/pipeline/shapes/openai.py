"""OpenAI's Chat Completions shape: requests pass through; chunks are forwarded byte for byte."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

from providers.adapters.base import JSON, StreamChunk, UpstreamError
from routing.pipeline.call_log import CallLog
from routing.pipeline.errors import ApiError, api_error_body
from routing.pipeline.shapes.base import ApiShape
from routing.pipeline.streaming import is_hub_usage_chunk
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
        try:
            async for chunk in chunks:
                if is_hub_usage_chunk(chunk.data, body):
                    continue
                payload = chunk.raw if chunk.raw is not None else json.dumps(chunk.data).encode()
                yield b"data: " + payload + b"\n\n"
        except UpstreamError as upstream:
            error = log.stream_failed(upstream)
            yield b"data: " + json.dumps(self.error_json(error)).encode() + b"\n\n"
            return
        yield DONE

    def error_json(self, error: ApiError) -> JSON:
        return api_error_body(error)


OPENAI = OpenAIShape()
