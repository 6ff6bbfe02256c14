"""One routing decision: rules pick the route, filtering drops what cannot serve the
request, the strategy orders the rest. The result carries the ``x-hub-route`` label and the
one-sentence ``x-hub-route-reason`` the pipeline returns and records."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from routing.strategies.candidate import Candidate, RouteRequest
from routing.strategies.filtering import candidates_eligible
from routing.strategies.ordering import STRATEGIES, StrategyOptions, candidates_order
from routing.strategies.rules import Rule, rule_match


@dataclass(frozen=True, slots=True)
class Route:
    """What a requested model resolves to: an alias's candidates and strategy, or a single
    ``provider/model`` as a one-candidate route."""

    name: str
    candidates: tuple[Candidate, ...]
    strategy: str = "ordered"

    def __post_init__(self) -> None:
        if self.strategy not in STRATEGIES:
            raise ValueError(f"Unknown routing strategy {self.strategy!r}.")


@dataclass(frozen=True)
class RouteDecision:
    candidates: list[Candidate]  # in the order to try; empty: nothing can serve the request
    label: str  # x-hub-route, e.g. "rule=long-docs alias=big strategy=cost"
    reason: str  # x-hub-route-reason
    rule: str = ""
    skipped: list[tuple[Candidate, str]] = field(default_factory=list)
    route: str = ""  # the alias (or rule) whose candidates were ordered


_NO_ALIASES: Mapping[str, Route] = {}


def route_decide(
    request: RouteRequest,
    route: Route,
    *,
    rules: Sequence[Rule] = (),
    aliases: Mapping[str, Route] = _NO_ALIASES,
    options: StrategyOptions | None = None,
) -> RouteDecision:
    """Decide for ``request`` sent to ``route``. ``rules`` are the workspace's, passed when the
    requested name may be re-routed (an alias such as ``auto``); a rule naming an alias
    missing from ``aliases`` is passed over."""
    rule = rule_match([r for r in rules if not r.alias or r.alias in aliases], request)
    if rule is not None:
        base = aliases[rule.alias] if rule.alias else Route(rule.name, rule.candidates)
        route = Route(base.name, base.candidates, rule.strategy or base.strategy)
    eligible, skipped = candidates_eligible(route.candidates, request)
    ordered, reason = candidates_order(
        eligible, request, route.strategy, options or StrategyOptions()
    )
    if not eligible:
        reason = _why_none(request, skipped)
    elif skipped:
        reason += f"; {len(skipped)} skipped ({skipped[0][1]})"
    label = " ".join(
        part
        for part in (
            f"rule={rule.name}" if rule else "",
            f"alias={route.name}" if not rule or rule.alias else "",
            f"strategy={route.strategy}",
        )
        if part
    )
    return RouteDecision(ordered, label, reason, rule.name if rule else "", skipped, route.name)


def _why_none(request: RouteRequest, skipped: list[tuple[Candidate, str]]) -> str:
    if not skipped:
        return "the route has no candidates"
    return f"no candidate can serve {request.tokens_needed} tokens with what the request needs ({skipped[0][1]})"
