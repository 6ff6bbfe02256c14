"""What strategies and rules see: a deployment as one route offers it, with the live numbers
of this request, and the request's routing-relevant facts. Plain frozen dataclasses, built by
the pipeline."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from providers.deployments import Deployment
from routing.reliability.budgets import BudgetState


@dataclass(frozen=True, slots=True, eq=False)
class Candidate:
    """``deployment`` in a route: the route's ``weight`` and ``quality`` (0..1) for it, and
    the live numbers strategies order by. Latency figures come from recent traffic (``None``:
    no data yet); ``availability`` is 0..1."""

    deployment: Deployment
    weight: float = 1.0
    quality: float | None = None
    quality_source: str = ""  # where a measured score came from: "on suite 'x' (0.86 ± 0.04)"
    in_flight: int = 0
    ttft_ms: float | None = None
    tokens_per_second: float | None = None
    availability: float = 1.0
    breaker_open: bool = False

    @property
    def label(self) -> str:
        return self.deployment.label

    @property
    def context_window(self) -> int | None:
        return self.deployment.context_window

    @property
    def capabilities(self) -> frozenset[str]:
        return self.deployment.capabilities

    def expected_cost(self, input_tokens: int, output_tokens: int) -> float | None:
        """USD for the expected tokens; ``None`` when a price is unknown."""
        input_price, output_price = self.deployment.input_price, self.deployment.output_price
        if input_price is None or output_price is None:
            return None
        return (input_tokens * float(input_price) + output_tokens * float(output_price)) / 1e6

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
    needs: frozenset[str] = frozenset()  # of providers.deployments.CAPABILITIES
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
