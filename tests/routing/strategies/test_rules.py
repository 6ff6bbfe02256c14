"""Rules: the first whose conditions all hold decides; every condition kind narrows it."""

from __future__ import annotations

from datetime import UTC, datetime, time

from routing.strategies import RouteRequest, Rule, RuleConditions, rule_match

NOON = datetime(2025, 3, 3, 12, 0, tzinfo=UTC)


def match(rules, **request) -> str | None:
    request.setdefault("prompt_tokens", 1_000)
    request.setdefault("at", NOON)
    rule = rule_match(rules, RouteRequest(**request))
    return rule.name if rule else None


def rule(name: str, **when) -> Rule:
    return Rule(name, RuleConditions(**when), alias="cheap")


def test_first_matching_rule_wins():
    rules = [rule("pricing", tasks=frozenset({"pricing"})), rule("catch-all")]
    assert match(rules, task="pricing") == "pricing"
    assert match(rules, task="chat") == "catch-all"


def test_prompt_token_range_is_inclusive():
    rules = [rule("long", min_prompt_tokens=32_000), rule("short", max_prompt_tokens=2_000)]
    assert match(rules, prompt_tokens=32_000) == "long"
    assert match(rules, prompt_tokens=2_000) == "short"
    assert match(rules, prompt_tokens=10_000) is None


def test_capability_needs_match_requests_that_need_them():
    rules = [rule("vision", needs=frozenset({"vision"}))]
    assert match(rules, needs=frozenset({"vision", "tools"})) == "vision"
    assert match(rules, needs=frozenset({"tools"})) is None


def test_caller_key_and_budget_state():
    rules = [
        rule("ci", api_key_ids=frozenset({9})),
        rule("saver", budget_states=frozenset({"soft", "hard"})),
    ]
    assert match(rules, api_key_id=9) == "ci"
    assert match(rules, api_key_id=3, budget_state="soft") == "saver"
    assert match(rules, api_key_id=3) is None


def test_time_window_in_utc_including_one_that_wraps_midnight():
    night = [rule("night", start=time(22, 0), end=time(6, 0))]
    assert match(night, at=datetime(2025, 3, 3, 23, 30, tzinfo=UTC)) == "night"
    assert match(night, at=datetime(2025, 3, 3, 5, 59, tzinfo=UTC)) == "night"
    assert match(night, at=datetime(2025, 3, 3, 6, 0, tzinfo=UTC)) is None
    office = [rule("office", start=time(9, 0), end=time(17, 0))]
    assert match(office) == "office"
