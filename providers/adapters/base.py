"""The adapter interface: what the pipeline asks of every provider.

Requests and responses are OpenAI Chat Completions shapes (plain dicts, as parsed from
JSON). An adapter translates them to its provider's wire format and back, and raises
``UpstreamError`` for anything the provider did wrong, so the pipeline can decide to
retry or fall back without knowing the provider.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

JSON = dict[str, Any]
OUTPUT_FIELDS = ("content", "tool_calls", "function_call", "refusal", "reasoning_content")


@dataclass(frozen=True)
class Target:
    """One provider deployment to call: where, with which secret, which upstream model."""

    provider_id: int
    provider_slug: str
    kind: str
    base_url: str
    model: str
    api_key: str = field(default="", repr=False)  # plaintext for the outgoing request only
    organization: str = ""
    options: JSON = field(default_factory=dict)


@dataclass(frozen=True)
class StreamChunk:
    """One chat.completion.chunk. ``raw`` is the exact JSON text when the upstream already
    speaks OpenAI's format, so the fast path forwards it without re-serialising."""

    data: JSON
    raw: bytes | None = None

    @property
    def carries_output(self) -> bool:
        """Part of the answer (text, reasoning, a tool call, a finish), not only the role or
        the usage: the first such chunk is what the first-token limit waits for."""
        for choice in self.data.get("choices") or ():
            delta = choice.get("delta") or {}
            if choice.get("finish_reason") or any(delta.get(k) for k in OUTPUT_FIELDS):
                return True
            if choice.get("text"):  # a legacy text_completion chunk
                return True
        return False


@dataclass(frozen=True)
class ModelInfo:
    id: str
    context_window: int | None = None
    max_output_tokens: int | None = None
    supports_tools: bool | None = None
    supports_vision: bool | None = None
    supports_json: bool | None = None
    is_embedding: bool = False
    is_rerank: bool = False
    input_price_per_mtok: Decimal | None = None  # when the list itself carries prices
    output_price_per_mtok: Decimal | None = None


@dataclass(frozen=True)
class HealthResult:
    ok: bool
    latency_ms: float
    detail: str = ""


class UpstreamError(Exception):
    """The provider failed. ``retryable`` says whether another attempt or candidate may help."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        retryable: bool = False,
        retry_after: float | None = None,
        error_class: str = "upstream_error",
        provider: str = "",
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.retryable = retryable
        self.retry_after = retry_after
        self.error_class = error_class
        self.provider = provider


class ProviderAdapter(ABC):
    """One wire format. Instances are long-lived and shared: keep pooled clients on them."""

    @abstractmethod
    async def chat(self, target: Target, body: JSON) -> JSON:
        """A complete chat.completion for an OpenAI-shaped request body."""

    @abstractmethod
    def chat_stream(self, target: Target, body: JSON) -> AsyncIterator[StreamChunk]:
        """chat.completion.chunk objects as they arrive; cancelling the iterator cancels the call."""

    @abstractmethod
    async def embeddings(self, target: Target, body: JSON) -> JSON:
        """An OpenAI-shaped embeddings response."""

    @abstractmethod
    async def list_models(self, target: Target) -> list[ModelInfo]:
        """The models the provider offers."""

    async def completion(self, target: Target, body: JSON) -> JSON:
        """A legacy text_completion, from providers that serve /completions themselves."""
        raise _no_native_completions()

    async def rerank(self, target: Target, body: JSON) -> JSON:
        """A rerank answer in Cohere's v2 shape (``providers.adapters.rerank_results``) for a
        validated rerank request, from providers that rerank."""
        raise UpstreamError(
            "this provider offers no reranking", status=400, error_class="unsupported"
        )

    def completion_stream(self, target: Target, body: JSON) -> AsyncIterator[StreamChunk]:
        """text_completion chunks as they arrive, from the same providers."""
        raise _no_native_completions()

    async def health_check(self, target: Target) -> HealthResult:
        """A cheap call that proves the provider answers; by default, listing models."""

        started = time.perf_counter()
        try:
            await self.list_models(target)
        except UpstreamError as error:
            return HealthResult(False, (time.perf_counter() - started) * 1000, error.message)
        return HealthResult(True, (time.perf_counter() - started) * 1000)

    async def aclose(self) -> None:  # noqa: B027 - optional: only pooled adapters override it
        """Release pooled connections."""


def serves_completions(target: Target) -> bool:
    """The provider answers legacy /completions itself (vLLM, llama.cpp's server, Ollama,
    OpenAI's instruct models): its option ``native_completions`` says so."""
    return bool((target.options or {}).get("native_completions"))


def _no_native_completions() -> UpstreamError:
    return UpstreamError(
        "this provider serves no native /completions", status=400, error_class="unsupported"
    )
