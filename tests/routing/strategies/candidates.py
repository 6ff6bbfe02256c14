"""A small, realistic candidate set for the strategy tests."""

from __future__ import annotations

from routing.strategies import Candidate

MINI = Candidate(
    1, "openai", "gpt-4o-mini", context_window=128_000, capabilities=frozenset({"tools", "vision", "json"}),
    input_price=0.15, output_price=0.60, ttft_ms=400, tokens_per_second=80, availability=0.99,
    quality=0.70, weight=1, in_flight=5,
)  # fmt: skip
SONNET = Candidate(
    2, "anthropic", "claude-sonnet", context_window=200_000, capabilities=frozenset({"tools", "vision"}),
    input_price=3.0, output_price=15.0, ttft_ms=700, tokens_per_second=60, availability=0.97,
    quality=0.92, weight=3, in_flight=2,
)  # fmt: skip
GROQ = Candidate(
    3, "groq", "llama-3.1-8b", context_window=8_192, capabilities=frozenset({"json"}),
    input_price=0.05, output_price=0.08, ttft_ms=120, tokens_per_second=700, availability=0.90,
    quality=0.50, weight=1, in_flight=9,
)  # fmt: skip
ALL = (MINI, SONNET, GROQ)
