"""The one deployment type: a model of a provider, ready to call, with its prices and what
it can do. Routes, strategies, the call step and the usage record all use it.

Built from catalog rows by ``deployment_for``; it holds the provider's decrypted key (inside
``target``), so it lives in process memory only, never in a shared cache.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from providers.adapters.base import Target
from providers.adapters.registry import target_for
from providers.models import ProviderModel, model_label

CAPABILITIES = frozenset({"tools", "vision", "json"})
MILLION = Decimal(1_000_000)


@dataclass(frozen=True, slots=True, eq=False)
class Deployment:
    """Prices are USD per million tokens (``None``: unknown)."""

    target: Target
    input_price: Decimal | None = None
    output_price: Decimal | None = None
    cached_input_price: Decimal | None = None
    is_embedding: bool = False
    context_window: int | None = None
    capabilities: frozenset[str] = CAPABILITIES

    @property
    def provider_id(self) -> int:
        return self.target.provider_id

    @property
    def provider_slug(self) -> str:
        return self.target.provider_slug

    @property
    def model(self) -> str:
        """The catalog's upstream model id."""
        return self.target.model

    @property
    def label(self) -> str:
        return model_label(self.target.provider_slug, self.target.model)

    def cost_usd(self, *, input_tokens: int, output_tokens: int, cached_tokens: int = 0) -> Decimal:
        input_price = self.input_price or Decimal(0)
        cached_price = (
            self.cached_input_price if self.cached_input_price is not None else input_price
        )
        uncached = max(input_tokens - cached_tokens, 0)
        total = (
            uncached * input_price
            + cached_tokens * cached_price
            + output_tokens * (self.output_price or Decimal(0))
        )
        return (total / MILLION).quantize(Decimal("0.00000001"))


def deployment_for(entry: ProviderModel) -> Deployment:
    """A callable deployment from a catalog row (with its provider and credential loaded).

    A model whose catalog lists no capability at all is one nobody described (a custom
    server): routing then assumes it can do anything rather than skip it."""
    flags = {
        "tools": entry.supports_tools,
        "vision": entry.supports_vision,
        "json": entry.supports_json,
    }
    described = any(flags.values())
    return Deployment(
        target=target_for(entry.provider, entry),
        input_price=entry.input_price_per_mtok,
        output_price=entry.output_price_per_mtok,
        cached_input_price=entry.cached_input_price_per_mtok,
        is_embedding=entry.is_embedding,
        context_window=entry.context_window,
        capabilities=frozenset(k for k, v in flags.items() if v or not described),
    )
