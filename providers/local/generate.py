"""Run llama.cpp for one request, off the event loop: complete, stream (chunks relayed as
they are produced; stopping the stream stops generation), and embeddings."""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from collections.abc import AsyncGenerator
from typing import Any

from providers.local.manager import LoadedModel, LocalModelError

JSON = dict[str, Any]
PASSED = ("temperature", "top_p", "max_tokens", "stop", "seed", "presence_penalty",
          "frequency_penalty", "response_format", "tools", "tool_choice", "logit_bias")  # fmt: skip
_END = object()


def chat_args(loaded: LoadedModel, body: JSON) -> JSON:
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise LocalModelError("messages must be a non-empty array.")
    args = {key: body[key] for key in PASSED if body.get(key) is not None}
    if "max_completion_tokens" in body and "max_tokens" not in args:
        args["max_tokens"] = body["max_completion_tokens"]
    if args.get("tools") and "tools" not in loaded.info.chat_template:
        raise LocalModelError(
            f"{loaded.info.id}'s chat template has no tool support; call it without tools.", 400
        )
    return {"messages": messages, **args}


def prompt_tokens(loaded: LoadedModel, messages: list[JSON]) -> int:
    text = "\n".join(str(m.get("content") or "") for m in messages)
    return len(loaded.llama.tokenize(text.encode(), add_bos=True, special=True))


async def chat_complete(loaded: LoadedModel, body: JSON) -> JSON:
    args = chat_args(loaded, body)

    def run() -> JSON:
        with loaded.lock:
            started = time.perf_counter()
            result = loaded.llama.create_chat_completion(**args)
        tokens = (result.get("usage") or {}).get("completion_tokens") or 0
        if tokens:
            loaded.speeds.append(tokens / max(time.perf_counter() - started, 1e-6))
        return result

    result = await asyncio.to_thread(run)
    result["model"] = loaded.info.id
    return result


async def chat_stream(loaded: LoadedModel, body: JSON) -> AsyncGenerator[JSON, None]:
    """chat.completion.chunk dicts as llama.cpp makes them, then a usage chunk when asked."""
    args = chat_args(loaded, body)
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[Any] = asyncio.Queue()
    stop = threading.Event()
    counted = {"completion": 0, "prompt": 0}

    def produce() -> None:
        try:
            with loaded.lock:
                counted["prompt"] = prompt_tokens(loaded, args["messages"])
                started = time.perf_counter()
                for chunk in loaded.llama.create_chat_completion(**args, stream=True):
                    if stop.is_set():
                        break
                    if any((c.get("delta") or {}).get("content") for c in chunk.get("choices", [])):
                        counted["completion"] += 1
                    loop.call_soon_threadsafe(queue.put_nowait, chunk)
                if counted["completion"]:
                    loaded.speeds.append(
                        counted["completion"] / max(time.perf_counter() - started, 1e-6)
                    )
        except Exception as error:  # reported to the client as the stream's last event
            loop.call_soon_threadsafe(queue.put_nowait, error)
        finally:
            loop.call_soon_threadsafe(queue.put_nowait, _END)

    worker = threading.Thread(target=produce, name=f"generate-{loaded.info.id}", daemon=True)
    worker.start()
    try:
        while (item := await queue.get()) is not _END:
            if isinstance(item, Exception):
                raise LocalModelError(f"generation failed: {item}", 500)
            item["model"] = loaded.info.id
            yield item
    finally:
        stop.set()  # the client left or the stream ended: stop generating
    if (body.get("stream_options") or {}).get("include_usage"):
        yield {
            "id": "chatcmpl-" + uuid.uuid4().hex[:24], "object": "chat.completion.chunk",
            "created": int(time.time()), "model": loaded.info.id, "choices": [],
            "usage": {"prompt_tokens": counted["prompt"], "completion_tokens": counted["completion"],
                      "total_tokens": counted["prompt"] + counted["completion"]},
        }  # fmt: skip


async def completion(loaded: LoadedModel, body: JSON) -> JSON:
    prompt = body.get("prompt")
    if not isinstance(prompt, str):
        raise LocalModelError("prompt must be a string.")
    args = {k: body[k] for k in ("temperature", "top_p", "max_tokens", "stop", "seed") if k in body}

    def run() -> JSON:
        with loaded.lock:
            return loaded.llama.create_completion(prompt=prompt, **args)

    result = await asyncio.to_thread(run)
    result["model"] = loaded.info.id
    return result


async def embeddings(loaded: LoadedModel, body: JSON) -> JSON:
    inputs = body.get("input")
    texts = [inputs] if isinstance(inputs, str) else inputs
    if not isinstance(texts, list) or not texts or not all(isinstance(t, str) for t in texts):
        raise LocalModelError("input must be a string or a non-empty array of strings.")

    def run() -> JSON:
        with loaded.lock:
            return loaded.llama.create_embedding(input=texts)

    result = await asyncio.to_thread(run)
    result["model"] = loaded.info.id
    return result
