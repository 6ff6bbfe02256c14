"""Prices, context windows and capabilities from litellm's bundled model map (no network)."""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from providers.kinds import ProviderKind

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

MILLION = Decimal(1_000_000)
# litellm's key prefix for each kind's models ("" for OpenAI's own, unprefixed keys).
LITELLM_PREFIX: dict[str, str] = {
    ProviderKind.OPENAI: "",
    ProviderKind.ANTHROPIC: "anthropic",
    ProviderKind.GEMINI: "gemini",
    ProviderKind.GROQ: "groq",
    ProviderKind.MISTRAL: "mistral",
    ProviderKind.COHERE: "cohere",
    ProviderKind.TOGETHER: "together_ai",
    ProviderKind.PERPLEXITY: "perplexity",
    ProviderKind.OPENROUTER: "openrouter",
    ProviderKind.OLLAMA: "ollama",
}


@dataclass(frozen=True)
class CatalogFacts:
    """What litellm knows of a model; prices in USD per million tokens."""

    context_window: int | None = None
    max_output_tokens: int | None = None
    supports_tools: bool = False
    supports_vision: bool = False
    supports_json: bool = False
    is_embedding: bool = False
    is_rerank: bool = False
    input_price: Decimal | None = None
    output_price: Decimal | None = None
    cached_input_price: Decimal | None = None


@functools.cache
def _model_cost() -> dict[str, dict[str, Any]]:
    import litellm

    return dict(litellm.model_cost)


def facts_for(kind: str, model: str) -> CatalogFacts | None:
    """litellm's entry for ``model`` of a provider ``kind``; None when it has none."""
    table = _model_cost()
    prefix = LITELLM_PREFIX.get(kind)
    keys = [f"{prefix}/{model}"] if prefix else []
    keys.append(model)
    entry = next((table[key] for key in keys if key in table), None)
    if entry is None:
        return None
    return CatalogFacts(
        context_window=_int(entry.get("max_input_tokens") or entry.get("max_tokens")),
        max_output_tokens=_int(entry.get("max_output_tokens")),
        supports_tools=bool(entry.get("supports_function_calling")),
        supports_vision=bool(entry.get("supports_vision")),
        supports_json=bool(
            entry.get("supports_response_schema") or entry.get("supports_function_calling")
        ),
        is_embedding=entry.get("mode") == "embedding",
        is_rerank=entry.get("mode") == "rerank",
        input_price=_per_million(entry.get("input_cost_per_token")),
        output_price=_per_million(entry.get("output_cost_per_token")),
        cached_input_price=_per_million(entry.get("cache_read_input_token_cost")),
    )


def _int(value: Any) -> int | None:
    return int(value) if isinstance(value, int | float) and value > 0 else None


def _per_million(value: Any) -> Decimal | None:
    if not isinstance(value, int | float):
        return None
    return (Decimal(str(value)) * MILLION).quantize(Decimal("0.000001"))
