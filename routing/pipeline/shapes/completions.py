"""OpenAI's legacy Completions shape (``POST /v1/completions``): a prompt becomes one user
message, so every chat model can serve older tools and eval harnesses; the answer comes
back as ``text_completion`` objects, complete or streamed.

What only a raw text model can do (log probabilities, echoing the prompt, a suffix,
best_of) is refused by name rather than faked.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import AsyncIterator

from providers.adapters.base import JSON, StreamChunk, UpstreamError
from routing.pipeline.call_log import CallLog
from routing.pipeline.errors import ApiError, api_error_body, invalid
from routing.pipeline.shapes.base import ApiShape
from routing.pipeline.shapes.openai import DONE
from routing.pipeline.streaming import is_hub_usage_chunk
from routing.pipeline.validation import chat_body_validate

LEGACY_DEFAULT_MAX_TOKENS = 16  # as OpenAI's Completions API
PASSED_THROUGH = ("model", "max_tokens", "temperature", "top_p", "n", "stream", "stream_options",
                  "stop", "presence_penalty", "frequency_penalty", "seed", "user",
                  "logit_bias")  # fmt: skip
NOT_SERVED = {
    "logprobs": "log probabilities need a raw text model; chat models answer here",
    "echo": "echoing the prompt needs a raw text model; chat models answer here",
    "suffix": "insertion needs a raw text model; chat models answer here",
}


class CompletionsShape(ApiShape):
    endpoint = "completions"

    def request_to_openai(self, body: JSON) -> JSON:
        for name, reason in NOT_SERVED.items():
            if body.get(name) not in (None, False, 0):
                raise invalid(f"{name}: {reason}.", param=name)
        if body.get("best_of") not in (None, 1):
            raise invalid("best_of: only 1 is served.", param="best_of")
        chat: JSON = {k: body[k] for k in PASSED_THROUGH if body.get(k) is not None}
        chat.setdefault("max_tokens", LEGACY_DEFAULT_MAX_TOKENS)
        chat["messages"] = [{"role": "user", "content": _prompt(body.get("prompt"))}]
        return chat_body_validate(chat)

    def completion_from_openai(self, completion: JSON, body: JSON, log: CallLog) -> JSON:
        choices = [
            {"text": (choice.get("message") or {}).get("content") or "",
             "index": choice.get("index", index), "logprobs": None,
             "finish_reason": choice.get("finish_reason")}
            for index, choice in enumerate(completion.get("choices") or [])
        ]  # fmt: skip
        usage = {"prompt_tokens": log.input_tokens, "completion_tokens": log.output_tokens,
                 "total_tokens": log.input_tokens + log.output_tokens}  # fmt: skip
        return {**_head(completion.get("id"), body), "choices": choices, "usage": usage}

    async def stream_events(
        self, chunks: AsyncIterator[StreamChunk], body: JSON, log: CallLog
    ) -> AsyncIterator[bytes]:
        head = _head(None, body)
        try:
            async for chunk in chunks:
                if is_hub_usage_chunk(chunk.data, body):
                    continue
                choices = [
                    {"text": (choice.get("delta") or {}).get("content") or "",
                     "index": choice.get("index", 0), "logprobs": None,
                     "finish_reason": choice.get("finish_reason")}
                    for choice in chunk.data.get("choices") or ()
                ]  # fmt: skip
                out: JSON = {**head, "choices": choices}
                if chunk.data.get("usage"):
                    out["usage"] = chunk.data["usage"]
                if choices or "usage" in out:
                    yield b"data: " + json.dumps(out, separators=(",", ":")).encode() + b"\n\n"
        except UpstreamError as upstream:
            error = log.stream_failed(upstream)
            yield b"data: " + json.dumps(self.error_json(error)).encode() + b"\n\n"
            return
        yield DONE

    def error_json(self, error: ApiError) -> JSON:
        return api_error_body(error)


def _prompt(prompt: object) -> str:
    if isinstance(prompt, list) and len(prompt) == 1:
        prompt = prompt[0]
    if isinstance(prompt, str):
        return prompt
    if isinstance(prompt, list):
        raise invalid("send one prompt per request (a string).", param="prompt")
    raise invalid("prompt must be a string.", param="prompt")


def _head(completion_id: object, body: JSON) -> JSON:
    return {"id": f"cmpl-{completion_id or uuid.uuid4().hex[:24]}", "object": "text_completion",
            "created": int(time.time()), "model": body.get("model")}  # fmt: skip


COMPLETIONS = CompletionsShape()
