"""The one typed result of a generation: what answered it, its tokens, cost and timings, and
why it was routed there. Taken from the call's log, stored in a message's columns or a
playground slot's ``metrics``, sent to the page and written to exports; serialised here only.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from decimal import Decimal, InvalidOperation
from typing import Any

from providers.models import model_label
from routing.pipeline.call_log import CallLog

# What would tell a blind playground run's model before the vote.
NAMING_FIELDS = frozenset({"provider_slug", "upstream_model", "route_reason", "answered_by"})
MAX_COUNT = 2**31 - 1
MAX_COST = Decimal(10) ** 8
COST_STEP = Decimal("0.00000001")  # costs are kept to 8 places, as the columns hold them


@dataclass(frozen=True)
class GenerationResult:
    provider_slug: str = ""
    upstream_model: str = ""
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: Decimal = Decimal(0)
    latency_ms: int | None = None
    ttft_ms: int | None = None
    tokens_per_second: float | None = None
    route_reason: str = ""
    request_id: str = ""

    @classmethod
    def from_call(cls, log: CallLog) -> GenerationResult:
        """The numbers the call's usage record holds, as the pipeline measured them."""
        deployment, ttft = log.deployment, log.ttft_ms
        return cls(
            provider_slug=deployment.provider_slug if deployment else "",
            upstream_model=deployment.model if deployment else "",
            input_tokens=log.input_tokens,
            output_tokens=log.output_tokens,
            cost_usd=log.cost_usd,
            latency_ms=round(log.latency_ms),
            ttft_ms=None if ttft is None else round(ttft),
            tokens_per_second=log.tokens_per_second,
            route_reason=log.route_reason[:300],
            request_id=log.request_id,
        )

    @property
    def answered_by(self) -> str:
        """``provider/model`` of the deployment that answered; empty before one did."""
        return model_label(self.provider_slug, self.upstream_model) if self.provider_slug else ""

    def to_json(self) -> dict[str, Any]:
        """For the page, a slot's ``metrics`` and the hub's export file."""
        cost = f"{Decimal(self.cost_usd).quantize(COST_STEP):f}"  # a fresh row may hold an int
        return {**asdict(self), "cost_usd": cost, "answered_by": self.answered_by}

    @classmethod
    def from_json(cls, data: Any) -> GenerationResult:
        """Read back ``to_json``'s output, from the hub's own rows or a file someone made:
        wrong types and out-of-range numbers fall back to the defaults, texts are cut to size."""
        if not isinstance(data, dict):
            return cls()
        return cls(
            provider_slug=_text(data.get("provider_slug"), 64),
            upstream_model=_text(data.get("upstream_model"), 200),
            input_tokens=_count(data.get("input_tokens")) or 0,
            output_tokens=_count(data.get("output_tokens")) or 0,
            cost_usd=_cost(data.get("cost_usd")),
            latency_ms=_count(data.get("latency_ms")),
            ttft_ms=_count(data.get("ttft_ms")),
            tokens_per_second=_rate(data.get("tokens_per_second")),
            route_reason=_text(data.get("route_reason"), 300),
            request_id=_text(data.get("request_id"), 64),
        )

    @classmethod
    def of_message(cls, message: Any) -> GenerationResult:
        """The result stored in a chat message's columns (named as the fields are)."""
        return cls(**{f.name: getattr(message, f.name) for f in fields(cls)})

    def message_fields(self) -> dict[str, Any]:
        """Column values for a chat message."""
        return asdict(self)


def _text(value: Any, length: int) -> str:
    return value[:length] if isinstance(value, str) else ""


def _count(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return min(max(value, 0), MAX_COUNT)


def _rate(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value < 1e9:
        return None
    return float(value)


def _cost(value: Any) -> Decimal:
    try:
        cost = Decimal(str(value)) if isinstance(value, str | int | float) else Decimal(0)
    except InvalidOperation:
        return Decimal(0)
    if not cost.is_finite() or cost < 0 or cost >= MAX_COST:
        return Decimal(0)
    return cost.quantize(COST_STEP)
