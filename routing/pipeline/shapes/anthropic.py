"""Anthropic's Messages shape, so the ``anthropic`` SDK works against the hub unchanged.

Requests are translated to OpenAI's shape for the pipeline (any provider can serve them);
completions and chunks are translated back, streams as Anthropic's SSE event sequence.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

from providers.adapters.base import JSON, StreamChunk, UpstreamError
from routing.pipeline.call_log import CallLog
from routing.pipeline.errors import ApiError, invalid
from routing.pipeline.shapes.base import ApiShape
from routing.pipeline.validation import chat_body_validate

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
    413: "request_too_large",
    429: "rate_limit_error",
    503: "overloaded_error",
}
PASSED_THROUGH = ("temperature", "top_p", "top_k", "stream")


class AnthropicShape(ApiShape):
    def request_to_openai(self, body: JSON) -> JSON:
        if not isinstance(body.get("max_tokens"), int) or isinstance(body["max_tokens"], bool):
            raise invalid("max_tokens is required and must be an integer.", param="max_tokens")
        messages = body.get("messages")
        if not isinstance(messages, list) or not messages:
            raise invalid("messages must be a non-empty array.", param="messages")
        converted = _system(body.get("system"))
        for index, message in enumerate(messages):
            converted.extend(_message(message, f"messages[{index}]"))
        chat: JSON = {"model": body.get("model"), "messages": converted}
        chat["max_tokens"] = body["max_tokens"]
        chat.update({k: body[k] for k in PASSED_THROUGH if k in body})
        if "stop_sequences" in body:
            chat["stop"] = body["stop_sequences"]
        if body.get("tools"):
            chat["tools"] = _tools(body["tools"])
        if body.get("tool_choice") is not None:
            chat.update(_tool_choice(body["tool_choice"]))
        return chat_body_validate(chat)

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


def _system(system: Any) -> list[JSON]:
    if system is None:
        return []
    if isinstance(system, str):
        return [{"role": "system", "content": system}]
    if isinstance(system, list):
        text = "\n".join(b.get("text", "") for b in system if isinstance(b, dict))
        return [{"role": "system", "content": text}]
    raise invalid("system must be a string or an array of text blocks.", param="system")


def _message(message: Any, where: str) -> list[JSON]:
    """One Anthropic message as OpenAI messages: tool results become separate tool messages."""
    if not isinstance(message, dict) or message.get("role") not in ("user", "assistant"):
        raise invalid(f"{where}.role must be 'user' or 'assistant'.", param=f"{where}.role")
    role, content = message["role"], message.get("content")
    if isinstance(content, str):
        return [{"role": role, "content": content}]
    if not isinstance(content, list):
        raise invalid(f"{where}.content must be a string or an array.", param=f"{where}.content")
    parts: list[JSON] = []
    tool_calls: list[JSON] = []
    results: list[JSON] = []
    for index, block in enumerate(content):
        kind = block.get("type") if isinstance(block, dict) else None
        if kind == "text":
            parts.append({"type": "text", "text": str(block.get("text", ""))})
        elif kind == "image":
            parts.append({"type": "image_url", "image_url": {"url": _image_url(block)}})
        elif kind == "tool_use":
            arguments = json.dumps(block.get("input") or {})
            tool_calls.append(
                {
                    "id": block.get("id"),
                    "type": "function",
                    "function": {"name": block.get("name"), "arguments": arguments},
                }
            )
        elif kind == "tool_result":
            results.append(
                {
                    "role": "tool",
                    "tool_call_id": str(block.get("tool_use_id", "")),
                    "content": _result_text(block.get("content")),
                }
            )
        else:
            raise invalid("unsupported content block.", param=f"{where}.content[{index}]")
    converted: list[JSON] = list(results)
    if parts or tool_calls:
        text_only = all(p["type"] == "text" for p in parts)
        body: JSON = {
            "role": role,
            "content": "".join(p["text"] for p in parts) if text_only else parts,
        }
        if tool_calls:
            body["tool_calls"] = tool_calls
            body["content"] = body["content"] or None
        converted.append(body)
    return converted


def _image_url(block: JSON) -> str:
    source = block.get("source") or {}
    if source.get("type") == "url":
        return str(source.get("url", ""))
    return f"data:{source.get('media_type', 'image/png')};base64,{source.get('data', '')}"


def _result_text(content: Any) -> str:
    if isinstance(content, list):
        return "".join(b.get("text", "") for b in content if isinstance(b, dict))
    return "" if content is None else str(content)


def _tools(tools: Any) -> list[JSON]:
    if not isinstance(tools, list):
        raise invalid("tools must be an array.", param="tools")
    converted = []
    for index, tool in enumerate(tools):
        if not isinstance(tool, dict) or not isinstance(tool.get("name"), str):
            raise invalid("each tool needs a name.", param=f"tools[{index}].name")
        function = {"name": tool["name"], "parameters": tool.get("input_schema") or {}}
        if tool.get("description"):
            function["description"] = tool["description"]
        converted.append({"type": "function", "function": function})
    return converted


def _tool_choice(choice: Any) -> JSON:
    if not isinstance(choice, dict):
        raise invalid("tool_choice must be an object.", param="tool_choice")
    kind = choice.get("type")
    extra: JSON = {}
    if choice.get("disable_parallel_tool_use"):
        extra["parallel_tool_calls"] = False
    if kind == "auto":
        return {"tool_choice": "auto", **extra}
    if kind == "any":
        return {"tool_choice": "required", **extra}
    if kind == "none":
        return {"tool_choice": "none"}
    if kind == "tool" and isinstance(choice.get("name"), str):
        return {"tool_choice": {"type": "function", "function": {"name": choice["name"]}}, **extra}
    raise invalid("tool_choice.type must be auto, any, tool or none.", param="tool_choice.type")


def _json_object(arguments: Any) -> JSON:
    try:
        value = json.loads(arguments or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _new_id(prefix: str) -> str:
    return prefix + uuid.uuid4().hex[:24]


ANTHROPIC = AnthropicShape()
