"""A small, realistic candidate set for the strategy tests, and how to build more."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

from providers.adapters.base import Target
from providers.deployments import CAPABILITIES, Deployment
from routing.strategies import Candidate


def candidate(
    provider_id: int,
    provider_slug: str,
    model: str,
    *,
    context_window: int | None = None,
    capabilities: frozenset[str] = CAPABILITIES,
    input_price: float | None = None,
    output_price: float | None = None,
    **route_and_live: Any,
) -> Candidate:
    """A candidate on a deployment with these catalog facts (prices in USD per million)."""
    target = Target(provider_id, provider_slug, kind="openai", base_url="", model=model)
    deployment = Deployment(
        target=target,
        input_price=None if input_price is None else Decimal(str(input_price)),
        output_price=None if output_price is None else Decimal(str(output_price)),
        context_window=context_window,
        capabilities=capabilities,
    )
    return Candidate(deployment, **route_and_live)


def with_facts(of: Candidate, **facts: Any) -> Candidate:
    """``of`` with its deployment's catalog facts changed (prices, context window...)."""
    return replace(of, deployment=replace(of.deployment, **facts))


MINI = candidate(
    1, "openai", "gpt-4o-mini", context_window=128_000, capabilities=frozenset({"tools", "vision", "json"}),
    input_price=0.15, output_price=0.60, ttft_ms=400, tokens_per_second=80, availability=0.99,
    quality=0.70, weight=1, in_flight=5,
)  # fmt: skip
SONNET = candidate(
    2, "anthropic", "claude-sonnet", context_window=200_000, capabilities=frozenset({"tools", "vision"}),
    input_price=3.0, output_price=15.0, ttft_ms=700, tokens_per_second=60, availability=0.97,
    quality=0.92, weight=3, in_flight=2,
)  # fmt: skip
GROQ = candidate(
    3, "groq", "llama-3.1-8b", context_window=8_192, capabilities=frozenset({"json"}),
    input_price=0.05, output_price=0.08, ttft_ms=120, tokens_per_second=700, availability=0.90,
    quality=0.50, weight=1, in_flight=9,
)  # fmt: skip
ALL = (MINI, SONNET, GROQ)
