"""The fast path for every upstream that speaks OpenAI's API (OpenAI, Groq, Together, Mistral,
OpenRouter, Perplexity, Ollama's /v1, custom servers, the local worker, the simulator).

One pooled keep-alive aiohttp session per event loop is reused across requests
(providers.adapters.upstream_http); stream chunks keep their raw bytes so the OpenAI shape
forwards them without re-serialising.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import aiohttp

from providers.adapters import errors
from providers.adapters.base import JSON, ModelInfo, ProviderAdapter, StreamChunk, Target
from providers.adapters.rerank_results import rerank_response
from providers.adapters.timeouts import timeouts_for
from providers.adapters.upstream_http import UpstreamSessions, sse_lines

CONTEXT_FIELDS = ("context_window", "context_length", "max_context_length", "max_model_len")


class OpenAICompatibleAdapter(ProviderAdapter):
    def __init__(self) -> None:
        self.sessions = UpstreamSessions()

    def headers(self, target: Target) -> dict[str, str]:
        headers = {"content-type": "application/json", "accept": "application/json"}
        if target.api_key:
            headers["authorization"] = f"Bearer {target.api_key}"
        if target.organization:
            headers["openai-organization"] = target.organization
        headers.update((target.options or {}).get("headers") or {})
        return headers

    async def chat(self, target: Target, body: JSON) -> JSON:
        return await self._post_json(target, "/chat/completions", body)

    async def embeddings(self, target: Target, body: JSON) -> JSON:
        return await self._post_json(target, "/embeddings", body)

    async def completion(self, target: Target, body: JSON) -> JSON:
        return await self._post_json(target, "/completions", body)

    async def rerank(self, target: Target, body: JSON) -> JSON:
        """Jina's /rerank, which llama.cpp's server, vLLM, Infinity and Together serve too."""
        answer = await self._request_json(target, "POST", "/rerank", body)
        return rerank_response(answer, body=body, model=target.model)

    def chat_stream(self, target: Target, body: JSON) -> AsyncIterator[StreamChunk]:
        return self._stream(target, "/chat/completions", body)

    def completion_stream(self, target: Target, body: JSON) -> AsyncIterator[StreamChunk]:
        return self._stream(target, "/completions", body)

    async def _stream(self, target: Target, path: str, body: JSON) -> AsyncIterator[StreamChunk]:
        limits = timeouts_for(target)
        session = await self.sessions.session()
        try:
            # The headers must come within the first-token limit, the whole answer within total.
            async with asyncio.timeout(limits.first_token):
                response = await session.post(
                    target.base_url.rstrip("/") + path,
                    data=_dumps(body), headers=self.headers(target),
                    timeout=aiohttp.ClientTimeout(total=limits.total, sock_connect=limits.connect),
                )  # fmt: skip
        except aiohttp.ConnectionTimeoutError:
            raise errors.timed_out("connect") from None
        except TimeoutError:
            raise errors.timed_out("first token") from None
        except aiohttp.ClientError as error:
            raise errors.unreachable(error) from None
        try:
            if response.status >= 400:
                body_bytes = await response.read()
                raise errors.from_status(
                    response.status, body_bytes, response.headers.get("retry-after")
                )
            async for chunk in _sse_chunks(response):
                yield chunk
        except BaseException:
            response.close()  # mid-stream: drop the connection so the upstream stops too
            raise
        response.release()

    async def list_models(self, target: Target) -> list[ModelInfo]:
        data = await self._request_json(target, "GET", "/models", None)
        models = data.get("data") if isinstance(data, dict) else None
        if not isinstance(models, list):
            raise errors.malformed("no data list in the model list")
        return [_model_info(m) for m in models if isinstance(m, dict) and m.get("id")]

    async def aclose(self) -> None:
        await self.sessions.aclose()

    async def _post_json(self, target: Target, path: str, body: JSON) -> JSON:
        return await self._request_json(target, "POST", path, body)

    async def _request_json(self, target: Target, method: str, path: str, body: JSON | None) -> Any:
        limits = timeouts_for(target)
        session = await self.sessions.session()
        timeout = aiohttp.ClientTimeout(
            total=min(limits.first_token, limits.total), sock_connect=limits.connect
        )
        try:
            async with session.request(
                method, target.base_url.rstrip("/") + path,
                data=_dumps(body) if body is not None else None,
                headers=self.headers(target), timeout=timeout,
            ) as response:  # fmt: skip
                content = await response.read()
        except TimeoutError:
            raise errors.timed_out("response") from None
        except aiohttp.ClientError as error:
            raise errors.unreachable(error) from None  # no complete answer: safe to retry
        if response.status >= 400:
            raise errors.from_status(response.status, content, response.headers.get("retry-after"))
        try:
            return json.loads(content)
        except (ValueError, RecursionError) as error:
            raise errors.malformed(str(error)) from None


async def _sse_chunks(response: aiohttp.ClientResponse) -> AsyncIterator[StreamChunk]:
    """Parse ``data:`` lines as they arrive; a broken connection or an error event raises."""
    lines = sse_lines(response)
    while True:
        try:
            line = await anext(lines)
        except StopAsyncIteration:
            return
        except TimeoutError:
            raise errors.timed_out("whole answer") from None
        except aiohttp.ClientError as error:
            raise errors.cut(error) from None
        if not line.startswith(b"data:"):
            continue
        raw = line[5:].strip()
        if raw == b"[DONE]":
            return
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError) as error:
            raise errors.malformed(str(error)) from None
        if isinstance(data, dict) and "error" in data and "choices" not in data:
            raise errors.from_status(502, raw)
        yield StreamChunk(data=data, raw=raw)


def _dumps(body: JSON) -> bytes:
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()


def _model_info(entry: JSON) -> ModelInfo:
    context = next((entry[f] for f in CONTEXT_FIELDS if isinstance(entry.get(f), int)), None)
    model_id = str(entry["id"])
    listed_pricing = entry.get("pricing")
    pricing: JSON = listed_pricing if isinstance(listed_pricing, dict) else {}
    return ModelInfo(
        id=model_id,
        context_window=context,
        is_embedding="embed" in model_id.lower() or entry.get("type") == "embedding",
        is_rerank="rerank" in model_id.lower() or entry.get("type") == "rerank",
        input_price_per_mtok=_per_million(pricing.get("prompt")),
        output_price_per_mtok=_per_million(pricing.get("completion")),
    )


def _per_million(per_token: Any) -> Decimal | None:
    """OpenRouter-style list prices are USD per token, as strings."""
    try:
        return (Decimal(str(per_token)) * 1_000_000).quantize(Decimal("0.000001"))
    except (ArithmeticError, ValueError, TypeError):
        return None
