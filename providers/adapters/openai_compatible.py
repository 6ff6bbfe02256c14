"""The fast path for every upstream that speaks OpenAI's API (OpenAI, Groq, Together, Mistral,
OpenRouter, Perplexity, Ollama's /v1, custom servers, the local worker, the simulator).

One pooled keep-alive httpx client per event loop is reused across requests; stream chunks
keep their raw bytes so the OpenAI shape forwards them without re-serialising.
"""

from __future__ import annotations

import asyncio
import json
import weakref
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import httpx

from providers.adapters import errors
from providers.adapters.base import JSON, ModelInfo, ProviderAdapter, StreamChunk, Target
from providers.adapters.timeouts import timeouts_for

POOL_LIMITS = httpx.Limits(max_connections=512, max_keepalive_connections=128, keepalive_expiry=60)
CONTEXT_FIELDS = ("context_window", "context_length", "max_context_length", "max_model_len")


class OpenAICompatibleAdapter(ProviderAdapter):
    def __init__(self) -> None:
        # httpx pools belong to the loop that opened them; the web server has one loop, Celery
        # tasks and tests may run others, so each loop gets its own client.
        self._clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, httpx.AsyncClient]
        self._clients = weakref.WeakKeyDictionary()

    def client(self) -> httpx.AsyncClient:
        loop = asyncio.get_running_loop()
        client = self._clients.get(loop)
        if client is None or client.is_closed:
            # Each request sets its own timeout (timeouts_for); None here only means "no default".
            client = httpx.AsyncClient(limits=POOL_LIMITS, timeout=None, trust_env=False)  # noqa: S113
            self._clients[loop] = client
        return client

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

    async def chat_stream(self, target: Target, body: JSON) -> AsyncIterator[StreamChunk]:
        limits = timeouts_for(target)
        request = self.client().build_request(
            "POST", target.base_url.rstrip("/") + "/chat/completions",
            content=_dumps(body), headers=self.headers(target),
            timeout=httpx.Timeout(limits.total, connect=limits.connect),
        )  # fmt: skip
        loop = asyncio.get_running_loop()
        deadline = loop.time() + limits.total
        try:
            async with asyncio.timeout(limits.first_token):
                response = await self.client().send(request, stream=True)
        except TimeoutError:
            raise errors.timed_out("first token") from None
        except httpx.TimeoutException:
            raise errors.timed_out("connect") from None
        except httpx.TransportError as error:
            raise errors.unreachable(error) from None
        try:
            if response.status_code >= 400:
                body_bytes = await response.aread()
                raise errors.from_status(
                    response.status_code, body_bytes, response.headers.get("retry-after")
                )
            async for chunk in _sse_chunks(response, deadline, loop):
                yield chunk
        finally:
            await response.aclose()

    async def list_models(self, target: Target) -> list[ModelInfo]:
        data = await self._request_json(target, "GET", "/models", None)
        models = data.get("data") if isinstance(data, dict) else None
        if not isinstance(models, list):
            raise errors.malformed("no data list in the model list")
        return [_model_info(m) for m in models if isinstance(m, dict) and m.get("id")]

    async def aclose(self) -> None:
        for client in list(self._clients.values()):
            await client.aclose()
        self._clients.clear()

    async def _post_json(self, target: Target, path: str, body: JSON) -> JSON:
        return await self._request_json(target, "POST", path, body)

    async def _request_json(self, target: Target, method: str, path: str, body: JSON | None) -> Any:
        limits = timeouts_for(target)
        try:
            async with asyncio.timeout(min(limits.first_token, limits.total)):
                response = await self.client().request(
                    method, target.base_url.rstrip("/") + path,
                    content=_dumps(body) if body is not None else None,
                    headers=self.headers(target),
                    timeout=httpx.Timeout(limits.total, connect=limits.connect),
                )  # fmt: skip
        except (TimeoutError, httpx.TimeoutException):
            raise errors.timed_out("response") from None
        except httpx.RemoteProtocolError as error:
            raise errors.unreachable(error) from None  # dropped before any byte: safe to retry
        except httpx.TransportError as error:
            raise errors.unreachable(error) from None
        if response.status_code >= 400:
            raise errors.from_status(
                response.status_code, response.content, response.headers.get("retry-after")
            )
        try:
            return json.loads(response.content)
        except ValueError as error:
            raise errors.malformed(str(error)) from None


async def _sse_chunks(
    response: httpx.Response, deadline: float, loop: asyncio.AbstractEventLoop
) -> AsyncIterator[StreamChunk]:
    """Parse ``data:`` lines as they arrive; a broken connection or an error event raises."""
    lines = response.aiter_lines()
    while True:
        remaining = deadline - loop.time()
        if remaining <= 0:
            raise errors.timed_out("whole answer")
        try:
            async with asyncio.timeout(remaining):
                line = await anext(lines)
        except StopAsyncIteration:
            return
        except TimeoutError:
            raise errors.timed_out("whole answer") from None
        except httpx.TransportError as error:
            raise errors.cut(error) from None
        if not line.startswith("data:"):
            continue
        payload = line[5:].strip()
        if payload == "[DONE]":
            return
        raw = payload.encode()
        try:
            data = json.loads(raw)
        except ValueError as error:
            raise errors.malformed(str(error)) from None
        if isinstance(data, dict) and "error" in data and "choices" not in data:
            raise errors.from_status(502, raw)
        yield StreamChunk(data=data, raw=raw)


def _dumps(body: JSON) -> bytes:
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()


def _model_info(entry: JSON) -> ModelInfo:
    context = next((entry[f] for f in CONTEXT_FIELDS if isinstance(entry.get(f), int)), None)
    model_id = str(entry["id"])
    pricing = entry.get("pricing") if isinstance(entry.get("pricing"), dict) else {}
    return ModelInfo(
        id=model_id,
        context_window=context,
        is_embedding="embed" in model_id.lower() or entry.get("type") == "embedding",
        input_price_per_mtok=_per_million(pricing.get("prompt")),
        output_price_per_mtok=_per_million(pricing.get("completion")),
    )


def _per_million(per_token: Any) -> Decimal | None:
    """OpenRouter-style list prices are USD per token, as strings."""
    try:
        return (Decimal(str(per_token)) * 1_000_000).quantize(Decimal("0.000001"))
    except (ArithmeticError, ValueError, TypeError):
        return None
