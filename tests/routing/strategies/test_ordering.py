"""Each strategy puts the right candidate first, keeps breaker-open ones last, and says why."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import replace

from routing.strategies import BalancedWeights, RouteRequest, StrategyOptions, candidates_order
from tests.routing.strategies.candidates import ALL, GROQ, MINI, SONNET, with_facts

SHORT = RouteRequest(prompt_tokens=1_000, output_tokens=200)


def order(strategy: str, candidates=ALL, request=SHORT, **options):
    ordered, reason = candidates_order(candidates, request, strategy, StrategyOptions(**options))
    return [c.label for c in ordered], reason


def test_ordered_keeps_the_configured_chain():
    assert order("ordered") == (
        ["openai/gpt-4o-mini", "anthropic/claude-sonnet", "groq/llama-3.1-8b"],
        "first healthy candidate in the configured order",
    )


def test_cost_puts_the_cheapest_for_the_expected_tokens_first():
    labels, reason = order("cost")
    assert labels == ["groq/llama-3.1-8b", "openai/gpt-4o-mini", "anthropic/claude-sonnet"]
    assert reason == "cheapest healthy candidate with a 8k context ($0.0001 expected)"


def test_cost_puts_candidates_without_prices_last():
    unpriced = with_facts(GROQ, input_price=None)
    assert order("cost", (unpriced, SONNET, MINI))[0][-1] == "groq/llama-3.1-8b"


def test_latency_prefers_the_fastest_to_the_last_token():
    labels, reason = order("latency")
    assert labels[0] == "groq/llama-3.1-8b"
    assert reason == "fastest healthy candidate (first token 120 ms, 700 tokens/s)"
    long_answer = RouteRequest(prompt_tokens=100, output_tokens=20_000)
    slow_start = replace(MINI, ttft_ms=900, tokens_per_second=2_000)
    assert order("latency", (GROQ, slow_start), long_answer)[0][0] == "openai/gpt-4o-mini"


def test_quality_prefers_the_highest_score():
    labels, reason = order("quality")
    assert labels == ["anthropic/claude-sonnet", "openai/gpt-4o-mini", "groq/llama-3.1-8b"]
    assert reason == "highest-quality healthy candidate (score 0.92)"


def test_balanced_follows_the_workspace_weights():
    assert order("balanced", weights=BalancedWeights(1, 0, 0, 0))[0][0] == "groq/llama-3.1-8b"
    assert order("balanced", weights=BalancedWeights(0, 0, 0, 1))[0][0] == "anthropic/claude-sonnet"
    assert order("balanced", weights=BalancedWeights(0, 0, 1, 0))[0][0] == "openai/gpt-4o-mini"
    _, reason = order("balanced", weights=BalancedWeights(1, 1, 1, 1))
    assert reason.startswith("best balance of cost, latency, availability and quality (score ")


def test_weighted_picks_in_proportion_to_weight_and_is_repeatable_with_a_seed():
    firsts = Counter(order("weighted", rng=random.Random(seed))[0][0] for seed in range(2_000))
    assert 0.52 < firsts["anthropic/claude-sonnet"] / 2_000 < 0.68  # weight 3 of 5
    assert order("weighted", rng=random.Random(7)) == order("weighted", rng=random.Random(7))
    assert order("weighted", rng=random.Random(7))[1].startswith("picked at random by weight (")


def test_least_busy_prefers_fewest_in_flight():
    assert order("least_busy") == (
        ["anthropic/claude-sonnet", "openai/gpt-4o-mini", "groq/llama-3.1-8b"],
        "fewest requests in flight (2)",
    )


def test_candidates_with_an_open_breaker_go_last():
    tripped = replace(GROQ, breaker_open=True)
    labels, reason = order("cost", (tripped, SONNET, MINI))
    assert labels == ["openai/gpt-4o-mini", "anthropic/claude-sonnet", "groq/llama-3.1-8b"]
    assert reason.startswith("cheapest healthy candidate with a 128k context")


def test_when_every_breaker_is_open_the_reason_says_so():
    all_open = tuple(replace(c, breaker_open=True) for c in ALL)
    assert (
        order("cost", all_open)[1]
        == "every candidate's circuit breaker is open; waiting for a probe"
    )
