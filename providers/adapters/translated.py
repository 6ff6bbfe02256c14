"""Providers with their own wire formats (Anthropic, Gemini, Cohere) through litellm's
translation. litellm costs ~14 ms of CPU a call, so it is used only where a translation is
needed; OpenAI-compatible upstreams take the fast path (openai_compatible.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
from collections.abc import AsyncIterator
from typing import Any

import httpx

from providers.adapters import errors
from providers.adapters.base import (
    JSON,
    ModelInfo,
    ProviderAdapter,
    StreamChunk,
    Target,
    UpstreamError,
)
from providers.adapters.model_lists import list_models
from providers.adapters.rerank_results import rerank_response
from providers.adapters.timeouts import timeouts_for
from providers.kinds import ProviderKind

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")  # never fetch prices at import

# litellm's provider prefix and the path it expects its api_base to end with.
ROUTES: dict[str, tuple[str, str]] = {
    ProviderKind.ANTHROPIC: ("anthropic", ""),
    ProviderKind.GEMINI: ("gemini", "/v1beta"),
    ProviderKind.COHERE: ("cohere_chat", "/v2/chat"),
}
EMBEDDING_ROUTES: dict[str, str] = {
    ProviderKind.GEMINI: "/v1beta",
    ProviderKind.COHERE: "/v1/embed",
}
# Cohere's v2 rerank; its answer carries no documents, which the hub attaches itself.
RERANK_ROUTES: dict[str, str] = {ProviderKind.COHERE: "/v2/rerank"}
RERANK_FIELDS = ("query", "documents", "top_n", "max_tokens_per_doc")
WARM_UP_BODY: JSON = {"messages": [{"role": "user", "content": "warm up"}], "max_tokens": 1}


def _litellm() -> Any:
    import litellm

    litellm.suppress_debug_info = True
    litellm.telemetry = False
    return litellm


def warm_up() -> None:
    """Load now, at start-up, what litellm would load on the first translated call: its
    import (3 s) and the modules it imports lazily on the way to the wire (0.7 s). One call
    per kind goes to a loopback port that refuses connections, so nothing leaves the host."""
    _litellm()
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))  # bound, never listening: a connect is refused at once
        base_url = f"http://127.0.0.1:{closed.getsockname()[1]}"
        for kind in ROUTES:
            target = Target(0, "warm-up", kind, base_url, "warm-up")
            with contextlib.suppress(UpstreamError):
                asyncio.run(TranslatedAdapter(kind).chat(target, WARM_UP_BODY))


class TranslatedAdapter(ProviderAdapter):
    """Chat, embeddings and reranking through litellm; listing models with a plain HTTP call
    per kind."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.prefix, self.chat_path = ROUTES[kind]

    def _call_args(self, target: Target, body: JSON, path: str) -> JSON:
        limits = timeouts_for(target)
        args = {key: value for key, value in body.items() if key != "model"}
        return {
            **args,
            "model": f"{self.prefix}/{target.model}",
            "api_key": target.api_key or "not-needed",
            "api_base": target.base_url.rstrip("/") + path,
            "timeout": limits.total,
            "num_retries": 0,
            "drop_params": True,  # a parameter this provider lacks is dropped, not an error
        }

    async def chat(self, target: Target, body: JSON) -> JSON:
        limits = timeouts_for(target)
        call = self._call_args(target, {**body, "stream": False}, self.chat_path)
        try:
            async with asyncio.timeout(min(limits.first_token, limits.total)):
                response = await _litellm().acompletion(**call)
        except TimeoutError:
            raise errors.timed_out("response") from None
        except Exception as error:
            raise as_upstream_error(error) from None
        return _as_dict(response)

    async def chat_stream(self, target: Target, body: JSON) -> AsyncIterator[StreamChunk]:
        limits = timeouts_for(target)
        call = self._call_args(target, {**body, "stream": True}, self.chat_path)
        try:
            async with asyncio.timeout(limits.first_token):
                stream = await _litellm().acompletion(**call)
        except TimeoutError:
            raise errors.timed_out("first token") from None
        except Exception as error:
            raise as_upstream_error(error) from None
        try:
            async for chunk in stream:
                yield StreamChunk(data=_as_dict(chunk))
        except UpstreamError:
            raise
        except Exception as error:
            raise as_upstream_error(error, mid_stream=True) from None
        finally:
            closing = getattr(stream, "aclose", None)
            if closing is not None:
                with contextlib.suppress(Exception):  # closing a finished stream may fail
                    await closing()

    async def embeddings(self, target: Target, body: JSON) -> JSON:
        path = EMBEDDING_ROUTES.get(self.kind)
        if path is None:
            raise UpstreamError(
                f"{self.kind} offers no embeddings", status=400, error_class="unsupported"
            )
        call = self._call_args(target, body, path)
        call["model"] = f"{self.prefix.removesuffix('_chat')}/{target.model}"
        try:
            response = await _litellm().aembedding(**call)
        except Exception as error:
            raise as_upstream_error(error) from None
        return _as_dict(response)

    async def rerank(self, target: Target, body: JSON) -> JSON:
        path = RERANK_ROUTES.get(self.kind)
        if path is None:
            raise UpstreamError(
                f"{self.kind} offers no reranking", status=400, error_class="unsupported"
            )
        limits = timeouts_for(target)
        fields = {name: body[name] for name in RERANK_FIELDS if body.get(name) is not None}
        call = self._call_args(target, fields, path)
        call["model"] = f"{self.prefix.removesuffix('_chat')}/{target.model}"
        try:
            async with asyncio.timeout(min(limits.first_token, limits.total)):
                response = await _litellm().arerank(**call)
        except TimeoutError:
            raise errors.timed_out("response") from None
        except Exception as error:
            raise as_upstream_error(error) from None
        return rerank_response(_as_dict(response), body=body, model=target.model)

    async def list_models(self, target: Target) -> list[ModelInfo]:

        limits = timeouts_for(target)
        timeout = httpx.Timeout(min(limits.total, 30.0), connect=limits.connect)
        return await list_models(self.kind, target, timeout)


def _as_dict(response: Any) -> JSON:
    if isinstance(response, dict):
        return response
    return response.model_dump(exclude_none=False)


def as_upstream_error(error: Exception, *, mid_stream: bool = False) -> UpstreamError:
    """litellm's exceptions carry the provider's status; map them like any HTTP failure."""
    status = getattr(error, "status_code", None)
    message = str(getattr(error, "message", "") or error)[: errors.MESSAGE_LIMIT]
    name = type(error).__name__
    if mid_stream:
        return UpstreamError(message, status=502, retryable=False, error_class="stream_cut")
    if name == "Timeout" or isinstance(error, httpx.TimeoutException):
        return errors.timed_out("response")
    if name == "APIConnectionError" or isinstance(error, httpx.TransportError):
        return UpstreamError(message, retryable=True, error_class="connect_error")
    if isinstance(status, int):
        retry_after = None
        response = getattr(error, "response", None)
        if response is not None and hasattr(response, "headers"):
            retry_after = errors.retry_after_seconds(response.headers.get("retry-after"))
        return UpstreamError(
            message, status=status, retryable=status in errors.RETRYABLE_STATUSES,
            retry_after=retry_after, error_class=f"http_{status}",
        )  # fmt: skip
    return UpstreamError(message, status=502, retryable=True, error_class=name)
