"""What strategies and rules see: a candidate deployment with its live numbers, and the
request's routing-relevant facts. Plain frozen dataclasses, built by the pipeline."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

BudgetState = Literal["ok", "soft", "hard"]
CAPABILITIES = frozenset({"tools", "vision", "json"})


@dataclass(frozen=True, slots=True)
class Candidate:
    """One provider deployment. Prices are USD per million tokens (``None``: unknown);
    latency figures come from recent traffic and health checks (``None``: no data yet);
    ``availability`` and ``quality`` are 0..1."""

    provider_id: int
    provider_slug: str
    model: str
    context_window: int | None = None
    capabilities: frozenset[str] = frozenset()
    input_price: float | None = None
    output_price: float | None = None
    in_flight: int = 0
    ttft_ms: float | None = None
    tokens_per_second: float | None = None
    availability: float = 1.0
    quality: float | None = None
    weight: float = 1.0
    breaker_open: bool = False

    @property
    def label(self) -> str:
        return f"{self.provider_slug}/{self.model}"

    def expected_cost(self, input_tokens: int, output_tokens: int) -> float | None:
        """USD for the expected tokens; ``None`` when a price is unknown."""
        if self.input_price is None or self.output_price is None:
            return None
        return (input_tokens * self.input_price + output_tokens * self.output_price) / 1e6

    def expected_seconds(self, output_tokens: int) -> float | None:
        """Time to the last token: first-token latency plus generation at the recent rate."""
        if self.ttft_ms is None:
            return None
        rate = self.tokens_per_second
        return self.ttft_ms / 1000 + (output_tokens / rate if rate else 0.0)


@dataclass(frozen=True, slots=True)
class RouteRequest:
    """The request's facts that routing decides on. ``output_tokens`` is ``max_tokens`` or
    the pipeline's expectation when the caller set none."""

    prompt_tokens: int
    output_tokens: int = 0
    needs: frozenset[str] = frozenset()  # of CAPABILITIES
    task: str = ""
    api_key_id: int | None = None
    budget_state: BudgetState = "ok"
    at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def tokens_needed(self) -> int:
        return self.prompt_tokens + self.output_tokens


def context_label(tokens: int) -> str:
    """131072 and 128000 both read "128k", as people say them."""
    if tokens >= 1000 and tokens % 1000 == 0:
        return f"{tokens // 1000}k"
    if tokens >= 1024 and tokens % 1024 == 0:
        return f"{tokens // 1024}k"
    return f"{round(tokens / 1000)}k" if tokens >= 1000 else str(tokens)
