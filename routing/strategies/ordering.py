"""Strategies: each orders eligible candidates best-first and says, in a few words, why the
first one leads. Candidates whose breaker is open go last, in the same order, so they are
tried only when nothing healthy is left (and skipped then unless a probe is due).
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from routing.strategies.candidate import Candidate, RouteRequest, context_label

Ordering = tuple[list[Candidate], str]


@dataclass(frozen=True)
class BalancedWeights:
    """The workspace's weights for ``balanced``; any scale, they are normalised."""

    cost: float = 1.0
    latency: float = 1.0
    availability: float = 1.0
    quality: float = 1.0


@dataclass(frozen=True)
class StrategyOptions:
    weights: BalancedWeights = BalancedWeights()
    rng: random.Random = field(default_factory=random.Random)  # seed it for repeatable tests


def _by(candidates: Sequence[Candidate], key: Callable[[Candidate], float]) -> list[Candidate]:
    return sorted(candidates, key=key)  # stable: ties keep the alias order


def _context(candidate: Candidate) -> str:
    window = candidate.context_window
    return f" with a {context_label(window)} context" if window else ""


def order_ordered(
    candidates: Sequence[Candidate], request: RouteRequest, options: StrategyOptions
) -> Ordering:
    return list(candidates), "first healthy candidate in the configured order"


def order_cost(
    candidates: Sequence[Candidate], request: RouteRequest, options: StrategyOptions
) -> Ordering:
    def cost(c: Candidate) -> float:
        value = c.expected_cost(request.prompt_tokens, request.output_tokens)
        return math.inf if value is None else value

    ordered = _by(candidates, cost)
    first = ordered[0]
    price = cost(first)
    shown = f" (${price:.4f} expected)" if price != math.inf else " (no prices known)"
    return ordered, f"cheapest healthy candidate{_context(first)}{shown}"


def order_latency(
    candidates: Sequence[Candidate], request: RouteRequest, options: StrategyOptions
) -> Ordering:
    def seconds(c: Candidate) -> float:
        value = c.expected_seconds(request.output_tokens)
        return math.inf if value is None else value

    ordered = _by(candidates, seconds)
    first = ordered[0]
    if first.ttft_ms is None:
        return ordered, "no latency data yet; first healthy candidate in the configured order"
    rate = f", {first.tokens_per_second:.0f} tokens/s" if first.tokens_per_second else ""
    return ordered, f"fastest healthy candidate (first token {first.ttft_ms:.0f} ms{rate})"


def order_quality(
    candidates: Sequence[Candidate], request: RouteRequest, options: StrategyOptions
) -> Ordering:
    ordered = _by(candidates, lambda c: -(c.quality if c.quality is not None else -1.0))
    first = ordered[0]
    if first.quality is None:
        return ordered, "no quality scores yet; first healthy candidate in the configured order"
    if first.quality_source:
        return ordered, f"highest quality {first.quality_source}"
    return ordered, f"highest-quality healthy candidate (score {first.quality:.2f})"


def _normalised(values: list[float | None], *, lower_is_better: bool) -> list[float]:
    """Min-max to 0..1 with 1 the best; unknown values score a neutral 0.5."""
    known = [v for v in values if v is not None]
    if not known:
        return [0.5] * len(values)
    low, high = min(known), max(known)
    span = high - low
    scores = []
    for value in values:
        if value is None:
            scores.append(0.5)
        elif span == 0:
            scores.append(1.0)
        else:
            share = (value - low) / span
            scores.append(1.0 - share if lower_is_better else share)
    return scores


def balanced_scores(
    candidates: Sequence[Candidate], request: RouteRequest, weights: BalancedWeights
) -> list[float]:
    """Each candidate's weighted score over cost, latency, availability and quality, 0..1."""
    out = request.output_tokens
    dimensions = (
        (weights.cost, _normalised([c.expected_cost(request.prompt_tokens, out) for c in candidates], lower_is_better=True)),
        (weights.latency, _normalised([c.expected_seconds(out) for c in candidates], lower_is_better=True)),
        (weights.availability, _normalised([c.availability for c in candidates], lower_is_better=False)),
        (weights.quality, _normalised([c.quality for c in candidates], lower_is_better=False)),
    )  # fmt: skip
    total = sum(weight for weight, _ in dimensions) or 1.0
    return [
        sum(weight * scores[i] for weight, scores in dimensions) / total
        for i in range(len(candidates))
    ]


def order_balanced(
    candidates: Sequence[Candidate], request: RouteRequest, options: StrategyOptions
) -> Ordering:
    scores = balanced_scores(candidates, request, options.weights)
    ranked = sorted(range(len(candidates)), key=lambda i: -scores[i])
    ordered = [candidates[i] for i in ranked]
    reason = (
        f"best balance of cost, latency, availability and quality (score {scores[ranked[0]]:.2f})"
    )
    if ordered[0].quality_source:
        reason += f"; quality {ordered[0].quality_source}"
    return ordered, reason


def order_weighted(
    candidates: Sequence[Candidate], request: RouteRequest, options: StrategyOptions
) -> Ordering:
    """Random by weight, without replacement (Efraimidis-Spirakis keys), so the fallbacks
    are weighted too."""
    rng = options.rng

    def key(c: Candidate) -> float:
        return -(rng.random() ** (1.0 / c.weight)) if c.weight > 0 else 1.0

    ordered = _by(candidates, key)
    total = sum(max(c.weight, 0.0) for c in candidates)
    return ordered, f"picked at random by weight ({ordered[0].weight:g} of {total:g})"


def order_least_busy(
    candidates: Sequence[Candidate], request: RouteRequest, options: StrategyOptions
) -> Ordering:
    ordered = _by(candidates, lambda c: c.in_flight)
    return ordered, f"fewest requests in flight ({ordered[0].in_flight})"


STRATEGIES: dict[str, Callable[[Sequence[Candidate], RouteRequest, StrategyOptions], Ordering]] = {
    "ordered": order_ordered,
    "cost": order_cost,
    "latency": order_latency,
    "quality": order_quality,
    "balanced": order_balanced,
    "weighted": order_weighted,
    "least_busy": order_least_busy,
}


def candidates_order(
    candidates: Sequence[Candidate], request: RouteRequest, strategy: str, options: StrategyOptions
) -> Ordering:
    """Healthy candidates by ``strategy``, then open-breaker ones by the same strategy."""
    order = STRATEGIES[strategy]
    healthy = [c for c in candidates if not c.breaker_open]
    tripped = [c for c in candidates if c.breaker_open]
    if not healthy:
        if not tripped:
            return [], "no candidate left"
        ordered, _ = order(tripped, request, options)
        return ordered, "every candidate's circuit breaker is open; waiting for a probe"
    ordered, reason = order(healthy, request, options)
    if tripped:
        ordered += order(tripped, request, options)[0]
    return ordered, reason
