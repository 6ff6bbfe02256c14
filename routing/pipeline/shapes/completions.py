"""OpenAI's legacy Completions shape (``POST /v1/completions``).

When every deployment of the route serves /completions itself (its provider's option
``native_completions``: vLLM, llama.cpp's server, Ollama, OpenAI's instruct models), the
request goes there as sent and the answer comes back as it was given, log probabilities,
echo and all. Otherwise the prompt becomes one user message, so every chat model can serve
older tools and eval harnesses, and the answer comes back as ``text_completion`` objects;
what only a raw text model can do (log probabilities, echoing the prompt, a suffix, best_of,
several prompts) is then refused by name rather than faked.

Admission and routing count the prompt in its chat form either way.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import AsyncIterator

from providers.adapters.base import JSON, StreamChunk, UpstreamError, serves_completions
from providers.deployments import Deployment
from routing.pipeline.call_log import CallLog
from routing.pipeline.errors import ApiError, api_error_body, invalid
from routing.pipeline.shapes.base import ApiShape
from routing.pipeline.shapes.openai import DONE, OPENAI
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
        chat: JSON = {k: body[k] for k in PASSED_THROUGH if body.get(k) is not None}
        chat.setdefault("max_tokens", LEGACY_DEFAULT_MAX_TOKENS)
        chat["messages"] = [{"role": "user", "content": _prompt_text(body.get("prompt"))}]
        return chat_body_validate(chat)

    def for_route(
        self, deployments: list[Deployment], request: JSON, body: JSON
    ) -> tuple[ApiShape, JSON, bool]:
        if deployments and all(serves_completions(d.target) for d in deployments):
            return OPENAI, request, True  # the providers' own answer, as they give it
        for name, reason in NOT_SERVED.items():
            if request.get(name) not in (None, False, 0):
                raise invalid(f"{name}: {reason}.", param=name)
        if request.get("best_of") not in (None, 1):
            raise invalid("best_of: only 1 is served by chat models.", param="best_of")
        if not _single_prompt(request.get("prompt")):
            raise invalid("chat models answer one prompt per request (a string).", param="prompt")
        return self, body, False

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


def _prompt_text(prompt: object) -> str:
    """The prompt's text, to count: a string, strings, or token ids (counted as given)."""
    if isinstance(prompt, str):
        return prompt
    if isinstance(prompt, list) and prompt and all(isinstance(p, str) for p in prompt):
        return "\n".join(prompt)
    if isinstance(prompt, list) and prompt and all(_is_tokens(p) for p in prompt):
        return " ".join("x" for _ in range(sum(len(p) for p in prompt)))  # one token each
    if isinstance(prompt, list) and prompt and all(isinstance(p, int) for p in prompt):
        return " ".join("x" for _ in prompt)
    raise invalid("prompt must be a string, strings, or token ids.", param="prompt")


def _single_prompt(prompt: object) -> bool:
    return isinstance(prompt, str) or (
        isinstance(prompt, list) and len(prompt) == 1 and isinstance(prompt[0], str)
    )


def _is_tokens(value: object) -> bool:
    return isinstance(value, list) and all(
        isinstance(t, int) and not isinstance(t, bool) for t in value
    )


def _head(completion_id: object, body: JSON) -> JSON:
    return {"id": f"cmpl-{completion_id or uuid.uuid4().hex[:24]}", "object": "text_completion",
            "created": int(time.time()), "model": body.get("model")}  # fmt: skip


COMPLETIONS = CompletionsShape()
