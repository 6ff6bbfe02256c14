"""Anthropic's Messages format: /v1/messages, complete and streaming.

The translation into an OpenAI-shaped request is the hub's own inbound one (routing.pipeline.shapes),
so the simulator understands exactly what the hub's /v1/messages accepts.
"""

from __future__ import annotations

import json
import uuid

from providers.simulator.content import JSON, Answer
from providers.simulator.exchange import sse

STOP_REASONS = {"stop": "end_turn", "length": "max_tokens", "tool_calls": "tool_use"}
ERROR_TYPES = {400: "invalid_request_error", 401: "authentication_error", 404: "not_found_error",
               429: "rate_limit_error", 503: "overloaded_error"}  # fmt: skip


def error(status: int, message: str) -> JSON:
    return {
        "type": "error",
        "error": {"type": ERROR_TYPES.get(status, "api_error"), "message": message},
    }


def request_to_openai(body: JSON) -> JSON:
    from routing.pipeline.errors import ApiError
    from routing.pipeline.shapes.anthropic import AnthropicShape

    try:
        return AnthropicShape().request_to_openai(body)
    except ApiError as failure:
        raise ValueError(failure.message) from None


def _blocks(answer: Answer) -> list[JSON]:
    blocks: list[JSON] = [{"type": "text", "text": answer.text}] if answer.text else []
    for call in answer.tool_calls:
        blocks.append({"type": "tool_use", "id": "toolu_" + call["id"][5:], "name":
                       call["function"]["name"], "input": json.loads(call["function"]["arguments"])})  # fmt: skip
    return blocks


def completion(answer: Answer, model: str, request: JSON) -> JSON:
    return {
        "id": "msg_" + uuid.uuid4().hex[:24],
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": _blocks(answer),
        "stop_reason": STOP_REASONS[answer.finish_reason],
        "stop_sequence": None,
        "usage": {"input_tokens": answer.prompt_tokens, "output_tokens": answer.completion_tokens},
    }


def stream_events(answer: Answer, model: str, request: JSON) -> list[bytes]:
    message = {**completion(answer, model, request), "content": [], "stop_reason": None}
    message["usage"] = {"input_tokens": answer.prompt_tokens, "output_tokens": 1}
    events = [sse({"type": "message_start", "message": message}, "message_start")]
    index = 0
    if answer.text:
        events.append(_event("content_block_start", index=index,
                             content_block={"type": "text", "text": ""}))  # fmt: skip
        for piece in answer.pieces:
            events.append(_event("content_block_delta", index=index,
                                 delta={"type": "text_delta", "text": piece}))  # fmt: skip
        events.append(_event("content_block_stop", index=index))
        index += 1
    for block in _blocks(answer)[index:]:
        start = {**block, "input": {}}
        events.append(_event("content_block_start", index=index, content_block=start))
        events.append(_event("content_block_delta", index=index, delta={
            "type": "input_json_delta", "partial_json": json.dumps(block["input"])}))  # fmt: skip
        events.append(_event("content_block_stop", index=index))
        index += 1
    events.append(_event("message_delta", delta={"stop_reason": STOP_REASONS[answer.finish_reason],
                  "stop_sequence": None}, usage={"output_tokens": answer.completion_tokens}))  # fmt: skip
    events.append(_event("message_stop"))
    return events


def _event(name: str, **fields: object) -> bytes:
    return sse({"type": name, **fields}, name)
