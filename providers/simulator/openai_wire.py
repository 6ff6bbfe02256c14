"""OpenAI's wire format: /v1/chat/completions, /v1/embeddings, /v1/models."""

from __future__ import annotations

import time
import uuid

from providers.simulator import content
from providers.simulator.content import JSON, Answer
from providers.simulator.exchange import sse

ERROR_TYPES = {400: "invalid_request_error", 401: "authentication_error", 404: "not_found_error",
               429: "rate_limit_error", 503: "overloaded_error"}  # fmt: skip


def error(status: int, message: str) -> JSON:
    kind = ERROR_TYPES.get(status, "api_error")
    return {"error": {"message": message, "type": kind, "code": kind, "param": None}}


def request_to_openai(body: JSON) -> JSON:
    if not isinstance(body.get("messages"), list):
        raise ValueError("messages must be an array")
    content.tool_pairing_check(body["messages"])
    return body


def _usage(answer: Answer) -> JSON:
    return {
        "prompt_tokens": answer.prompt_tokens,
        "completion_tokens": answer.completion_tokens,
        "total_tokens": answer.prompt_tokens + answer.completion_tokens,
        "prompt_tokens_details": {"cached_tokens": 0},
    }


def completion(answer: Answer, model: str, request: JSON) -> JSON:
    message: JSON = {"role": "assistant", "content": answer.text or None}
    if answer.tool_calls:
        message["tool_calls"] = answer.tool_calls
    return {
        "id": "chatcmpl-" + uuid.uuid4().hex[:24],
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": answer.finish_reason}],
        "usage": _usage(answer),
    }


def stream_events(answer: Answer, model: str, request: JSON) -> list[bytes]:
    base = {"id": "chatcmpl-" + uuid.uuid4().hex[:24], "object": "chat.completion.chunk",
            "created": int(time.time()), "model": model}  # fmt: skip

    def chunk(delta: JSON, finish: str | None = None) -> bytes:
        choice = {"index": 0, "delta": delta, "finish_reason": finish}
        return sse({**base, "choices": [choice]})

    events = [chunk({"role": "assistant", "content": ""})]
    events += [chunk({"content": piece}) for piece in answer.pieces]
    for index, call in enumerate(answer.tool_calls):
        events.append(chunk({"tool_calls": [{"index": index, **call}]}))
    events.append(chunk({}, answer.finish_reason))
    if (request.get("stream_options") or {}).get("include_usage"):
        events.append(sse({**base, "choices": [], "usage": _usage(answer)}))
    events.append(b"data: [DONE]\n\n")
    return events


def embeddings(body: JSON, model: str) -> JSON:
    inputs = body.get("input")
    texts = [inputs] if isinstance(inputs, str) else list(inputs or [])
    if not texts or not all(isinstance(t, str) for t in texts):
        raise ValueError("input must be a string or an array of strings")
    dimensions = int(body.get("dimensions") or content.EMBEDDING_DIMENSIONS)
    tokens = sum(content.count_tokens(t) for t in texts)
    return {
        "object": "list",
        "model": model,
        "data": [
            {"object": "embedding", "index": i, "embedding": content.embedding(t, dimensions)}
            for i, t in enumerate(texts)
        ],
        "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
    }


def model_list() -> JSON:
    return {
        "object": "list",
        "data": [
            {"id": m["id"], "object": "model", "created": 0, "owned_by": "simulator",
             "type": "model", "display_name": m["id"], "context_window": m["context_window"],
             "pricing": content.PRICING}
            for m in content.MODELS
        ],
        "has_more": False,
    }  # fmt: skip


def stall_event(model: str) -> bytes:
    """The first chunk of a stream, with the role and no content (the ``stall`` fault)."""
    return stream_events(Answer(), model, {})[0]
