"""OpenAI's legacy Completions format (/v1/completions), as raw text-model servers speak it
(vLLM, llama.cpp's server): ``echo`` and ``logprobs`` included, deterministic."""

from __future__ import annotations

import time
import uuid

from providers.simulator import content
from providers.simulator.content import JSON, Answer
from providers.simulator.exchange import sse
from providers.simulator.openai_wire import error

__all__ = ["completion", "error", "request_to_openai", "stall_event", "stream_events"]


def request_to_openai(body: JSON) -> JSON:
    prompt = body.get("prompt")
    if isinstance(prompt, list) and len(prompt) == 1 and isinstance(prompt[0], str):
        prompt = prompt[0]
    if not isinstance(prompt, str):
        raise ValueError("prompt must be a string")
    request = {k: v for k, v in body.items() if k not in ("prompt", "echo", "logprobs")}
    return {**request, "max_tokens": body.get("max_tokens") or 16,
            "messages": [{"role": "user", "content": prompt}]}  # fmt: skip


def completion(answer: Answer, model: str, request: JSON) -> JSON:
    text = _echoed(request) + answer.text
    choice = {"index": 0, "text": text, "logprobs": _logprobs(text, request),
              "finish_reason": answer.finish_reason}  # fmt: skip
    return {**_head(model), "choices": [choice], "usage": _usage(answer)}


def stream_events(answer: Answer, model: str, request: JSON) -> list[bytes]:
    head = _head(model)
    pieces = ([_echoed(request)] if request.get("echo") else []) + answer.pieces
    events = [sse({**head, "choices": [{"index": 0, "text": piece,
                                        "logprobs": _logprobs(piece, request),
                                        "finish_reason": None}]})
              for piece in pieces]  # fmt: skip
    events.append(sse({**head, "choices": [{"index": 0, "text": "", "logprobs": None,
                                            "finish_reason": answer.finish_reason}]}))  # fmt: skip
    if (request.get("stream_options") or {}).get("include_usage"):
        events.append(sse({**head, "choices": [], "usage": _usage(answer)}))
    events.append(b"data: [DONE]\n\n")
    return events


def _echoed(request: JSON) -> str:
    return str(request.get("prompt")) + " " if request.get("echo") else ""


def _logprobs(text: str, request: JSON) -> JSON | None:
    """One entry per word, each word's log probability -0.1 times its position."""
    if not request.get("logprobs"):
        return None
    words = content.words(text)
    offsets, at = [], 0
    for word in words:
        at = text.index(word, at)
        offsets.append(at)
        at += len(word)
    return {"tokens": words, "token_logprobs": [-0.1 * (i + 1) for i in range(len(words))],
            "top_logprobs": None, "text_offset": offsets}  # fmt: skip


def _head(model: str) -> JSON:
    return {"id": "cmpl-" + uuid.uuid4().hex[:24], "object": "text_completion",
            "created": int(time.time()), "model": model}  # fmt: skip


def _usage(answer: Answer) -> JSON:
    return {"prompt_tokens": answer.prompt_tokens, "completion_tokens": answer.completion_tokens,
            "total_tokens": answer.prompt_tokens + answer.completion_tokens}  # fmt: skip


def stall_event(model: str) -> bytes:
    """The stall fault's one chunk: no text yet."""
    return sse({**_head(model), "choices": [{"index": 0, "text": "", "logprobs": None,
                                             "finish_reason": None}]})  # fmt: skip
