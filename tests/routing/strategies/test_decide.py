"""A routing decision: the rule's route, filtered and ordered, with the header label and reason."""

from __future__ import annotations

import pytest

from routing.strategies import Route, RouteRequest, Rule, RuleConditions, route_decide
from tests.routing.strategies.candidates import ALL, GROQ, MINI, SONNET

AUTO = Route("auto", ALL, "ordered")
ALIASES = {"cheap": Route("cheap", ALL, "cost"), "best": Route("best", ALL, "quality")}
RULES = [
    Rule("long-docs", RuleConditions(min_prompt_tokens=50_000), alias="best"),
    Rule(
        "pricing", RuleConditions(tasks=frozenset({"pricing"})), alias="cheap", strategy="latency"
    ),
    Rule(
        "images",
        RuleConditions(needs=frozenset({"vision"})),
        candidates=(SONNET, MINI),
        strategy="cost",
    ),
    Rule("stale", RuleConditions(), alias="deleted-alias"),
]


def test_without_a_matching_rule_the_requested_route_decides():
    decision = route_decide(RouteRequest(1_000, 100), AUTO, rules=RULES, aliases=ALIASES)
    assert decision.candidates == [MINI, SONNET, GROQ]
    assert decision.label == "alias=auto strategy=ordered"
    assert decision.reason == "first healthy candidate in the configured order"


def test_a_rule_to_an_alias_labels_rule_alias_and_strategy_and_notes_skips():
    decision = route_decide(RouteRequest(60_000, 1_000), AUTO, rules=RULES, aliases=ALIASES)
    assert decision.label == "rule=long-docs alias=best strategy=quality"
    assert decision.candidates == [SONNET, MINI]
    assert (
        decision.reason
        == "highest-quality healthy candidate (score 0.92); 1 skipped (context 8k < 61000 tokens)"
    )


def test_a_rule_may_override_the_alias_strategy():
    decision = route_decide(
        RouteRequest(1_000, 100, task="pricing"), AUTO, rules=RULES, aliases=ALIASES
    )
    assert decision.label == "rule=pricing alias=cheap strategy=latency"
    assert decision.candidates[0] == GROQ


def test_a_rule_with_its_own_candidates():
    request = RouteRequest(1_000, 100, needs=frozenset({"vision"}))
    decision = route_decide(request, AUTO, rules=RULES, aliases=ALIASES)
    assert decision.label == "rule=images strategy=cost"
    assert decision.candidates == [MINI, SONNET]
    assert decision.reason == "cheapest healthy candidate with a 128k context ($0.0002 expected)"


def test_nothing_fits_gives_no_candidates_and_says_why():
    decision = route_decide(RouteRequest(300_000, 1_000), AUTO)
    assert decision.candidates == []
    assert decision.reason.startswith("no candidate can serve 301000 tokens")


def test_an_unknown_strategy_is_refused_when_the_route_is_built():
    with pytest.raises(ValueError, match="Unknown routing strategy"):
        Route("x", ALL, "fastest-please")
