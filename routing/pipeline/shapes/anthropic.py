"""Anthropic's Messages shape, so the ``anthropic`` SDK works against the hub unchanged.

Requests are translated to OpenAI's shape for the pipeline (any provider can serve them; see
anthropic_request); completions and chunks are translated back, streams as Anthropic's SSE
event sequence.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

from providers.adapters.base import JSON, StreamChunk, UpstreamError
from routing.pipeline.call_log import CallLog
from routing.pipeline.errors import ApiError
from routing.pipeline.shapes.anthropic_request import anthropic_request_to_openai
from routing.pipeline.shapes.base import ApiShape

STOP_REASONS = {
    "stop": "end_turn",
    "length": "max_tokens",
    "tool_calls": "tool_use",
    "function_call": "tool_use",
    "content_filter": "refusal",
}
ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    405: "invalid_request_error",
    413: "request_too_large",
    429: "rate_limit_error",
    503: "overloaded_error",
}


class AnthropicShape(ApiShape):
    def request_to_openai(self, body: JSON) -> JSON:
        return anthropic_request_to_openai(body)

    def completion_from_openai(self, completion: JSON, body: JSON, log: CallLog) -> JSON:
        choice = (completion.get("choices") or [{}])[0]
        message = choice.get("message") or {}
        content: list[JSON] = []
        if message.get("content"):
            content.append({"type": "text", "text": message["content"]})
        for call in message.get("tool_calls") or []:
            function = call.get("function") or {}
            content.append(
                {
                    "type": "tool_use",
                    "id": call.get("id") or _new_id("toolu_"),
                    "name": function.get("name", ""),
                    "input": _json_object(function.get("arguments")),
                }
            )
        return {
            "id": _new_id("msg_"),
            "type": "message",
            "role": "assistant",
            "model": body.get("model"),
            "content": content,
            "stop_reason": STOP_REASONS.get(choice.get("finish_reason") or "stop", "end_turn"),
            "stop_sequence": None,
            "usage": {"input_tokens": log.input_tokens, "output_tokens": log.output_tokens},
        }

    async def stream_events(
        self, chunks: AsyncIterator[StreamChunk], body: JSON, log: CallLog
    ) -> AsyncIterator[bytes]:
        blocks = _BlockTracker()
        stop_reason = "end_turn"
        yield _event(
            "message_start",
            {
                "type": "message_start",
                "message": {
                    "id": _new_id("msg_"), "type": "message", "role": "assistant",
                    "model": body.get("model"), "content": [], "stop_reason": None,
                    "stop_sequence": None, "usage": {"input_tokens": 0, "output_tokens": 0},
                },
            },
        )  # fmt: skip
        try:
            async for chunk in chunks:
                for choice in chunk.data.get("choices") or ():
                    delta = choice.get("delta") or {}
                    if delta.get("content"):
                        for event in blocks.text(delta["content"]):
                            yield event
                    for call in delta.get("tool_calls") or ():
                        for event in blocks.tool(call):
                            yield event
                    if choice.get("finish_reason"):
                        stop_reason = STOP_REASONS.get(choice["finish_reason"], "end_turn")
        except UpstreamError as upstream:
            error = log.stream_failed(upstream)
            yield _event("error", self.error_json(error))
            return
        for event in blocks.close():
            yield event
        usage = {"input_tokens": log.input_tokens, "output_tokens": log.output_tokens}
        yield _event(
            "message_delta",
            {
                "type": "message_delta",
                "delta": {"stop_reason": stop_reason, "stop_sequence": None},
                "usage": usage,
            },
        )
        yield _event("message_stop", {"type": "message_stop"})

    def error_json(self, error: ApiError) -> JSON:
        kind = ERROR_TYPES.get(error.status, "api_error")
        return {"type": "error", "error": {"type": kind, "message": error.message}}


class _BlockTracker:
    """Opens and closes Anthropic content blocks as text and tool-call deltas arrive."""

    def __init__(self) -> None:
        self.index = -1
        self.open_kind: str | None = None
        self.tool_indexes: dict[int, int] = {}

    def text(self, text: str) -> list[bytes]:
        events = []
        if self.open_kind != "text":
            events += self._start({"type": "text", "text": ""}, "text")
        events.append(self._delta({"type": "text_delta", "text": text}))
        return events

    def tool(self, call: JSON) -> list[bytes]:
        events = []
        position = call.get("index", 0)
        if position not in self.tool_indexes:
            function = call.get("function") or {}
            block = {
                "type": "tool_use",
                "id": call.get("id") or _new_id("toolu_"),
                "name": function.get("name", ""),
                "input": {},
            }
            events += self._start(block, "tool")
            self.tool_indexes[position] = self.index
        arguments = (call.get("function") or {}).get("arguments")
        if arguments:
            events.append(self._delta({"type": "input_json_delta", "partial_json": arguments}))
        return events

    def close(self) -> list[bytes]:
        if self.open_kind is None:
            return []
        self.open_kind = None
        return [_event("content_block_stop", {"type": "content_block_stop", "index": self.index})]

    def _start(self, block: JSON, kind: str) -> list[bytes]:
        events = self.close()
        self.index += 1
        self.open_kind = kind
        events.append(
            _event(
                "content_block_start",
                {"type": "content_block_start", "index": self.index, "content_block": block},
            )
        )
        return events

    def _delta(self, delta: JSON) -> bytes:
        return _event(
            "content_block_delta",
            {"type": "content_block_delta", "index": self.index, "delta": delta},
        )


def _event(name: str, data: JSON) -> bytes:
    return f"event: {name}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n".encode()


def _json_object(arguments: Any) -> JSON:
    try:
        value = json.loads(arguments or "{}")
    except (ValueError, RecursionError):
        return {}
    return value if isinstance(value, dict) else {}


def _new_id(prefix: str) -> str:
    return prefix + uuid.uuid4().hex[:24]


ANTHROPIC = AnthropicShape()
