"""Pure, fast candidate ordering for the route step: strategies, capability and context
filtering, and workspace rules. No I/O: the pipeline builds the dataclasses (from aliases,
rules, live metrics and breaker state) and calls ``route_decide`` once per request.

Dependencies run one way: decide -> rules, ordering, filtering -> candidate.
"""

from routing.strategies.candidate import Candidate, RouteRequest
from routing.strategies.decide import Route, RouteDecision, route_decide
from routing.strategies.filtering import candidates_eligible
from routing.strategies.ordering import (
    STRATEGIES,
    BalancedWeights,
    StrategyOptions,
    balanced_scores,
    candidates_order,
)
from routing.strategies.rules import Rule, RuleConditions, rule_match

__all__ = [
    "STRATEGIES",
    "BalancedWeights",
    "Candidate",
    "Route",
    "RouteDecision",
    "RouteRequest",
    "Rule",
    "RuleConditions",
    "StrategyOptions",
    "balanced_scores",
    "candidates_eligible",
    "candidates_order",
    "route_decide",
    "rule_match",
]
