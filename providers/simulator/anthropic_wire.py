"""Anthropic's Messages format: /v1/messages, complete and streaming.

The simulator reads Anthropic's wire format with code of its own, written from Anthropic's
documentation: it is the independent other side the hub's translation is tested against.
"""

from __future__ import annotations

import json
import uuid

from providers.simulator.content import JSON, Answer, tool_pairing_check
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
    """A Messages request as the OpenAI-shaped one the simulated model answers; ValueError
    (answered as a 400) for what Anthropic refuses."""
    if isinstance(body.get("max_tokens"), bool) or not isinstance(body.get("max_tokens"), int):
        raise ValueError("max_tokens: Field required")
    turns = body.get("messages")
    if not isinstance(turns, list) or not turns:
        raise ValueError("messages: at least one message is required")
    messages: list[JSON] = []
    if body.get("system"):
        messages.append({"role": "system", "content": _plain(body["system"])})
    for turn in turns:
        messages += _turn(turn)
    tool_pairing_check(messages)  # tool_result blocks right after their tool_use
    request: JSON = {
        "model": body.get("model"),
        "messages": messages,
        "max_tokens": body["max_tokens"],
    }
    if body.get("stop_sequences"):
        request["stop"] = body["stop_sequences"]
    tools = body.get("tools") or []
    if tools:
        request["tools"] = [
            {"type": "function", "function": {"name": t.get("name"), "parameters": t.get("input_schema") or {}}}
            for t in tools
        ]  # fmt: skip
        request["tool_choice"] = _tool_choice(body.get("tool_choice") or {"type": "auto"})
    return request


def _turn(turn: object) -> list[JSON]:
    if not isinstance(turn, dict) or turn.get("role") not in ("user", "assistant"):
        raise ValueError("messages: each message needs a role of user or assistant")
    content = turn["content"] if isinstance(turn.get("content"), list) else [
        {"type": "text", "text": turn.get("content") or ""}
    ]  # fmt: skip
    blocks = [b for b in content if isinstance(b, dict)]
    results: list[JSON] = [
        {"role": "tool", "tool_call_id": b.get("tool_use_id", ""), "content": _plain(b.get("content"))}
        for b in blocks if b.get("type") == "tool_result"
    ]  # fmt: skip
    message: JSON = {"role": turn["role"], "content": _plain(blocks)}
    calls = [
        {"id": b.get("id"), "type": "function",
         "function": {"name": b.get("name"), "arguments": json.dumps(b.get("input") or {})}}
        for b in blocks if b.get("type") == "tool_use"
    ]  # fmt: skip
    if calls:
        message["tool_calls"] = calls
    return results + ([message] if message["content"] or calls else [])


def _plain(content: object) -> str:
    """The text of a string or of a list of blocks (text blocks only)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(
            b.get("text", "") for b in content if isinstance(b, dict) and b.get("type") == "text"
        )
    return ""


def _tool_choice(choice: JSON) -> object:
    kind = choice.get("type")
    if kind == "tool":
        return {"type": "function", "function": {"name": choice.get("name")}}
    return {"any": "required", "none": "none"}.get(str(kind), "auto")


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


def stall_event(model: str) -> bytes:
    """``message_start``, before any content block (the ``stall`` fault)."""
    return stream_events(Answer(), model, {})[0]
