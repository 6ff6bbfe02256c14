"""Assertions without models: each kind passes and fails where a user expects, says why,
and a badly written one is refused when it is written, not when a run meets it."""

from __future__ import annotations

import time

import pytest
from django.core.exceptions import ValidationError

from hub.evals.assertions import (
    Output,
    ToolCall,
    assertion_parse,
    cell_outcome,
    check,
)


def verdict(raw: dict, text: str = "", variables=None, **output):
    return check(assertion_parse(raw), Output(text=text, **output), variables)


def test_equals_and_contains_with_case_variables():
    assert verdict(
        {"type": "equals", "value": "{{answer}}"}, " Paris\n", {"answer": "Paris"}
    ).passed
    assert not verdict({"type": "equals", "value": "Paris"}, "paris").passed
    assert verdict({"type": "equals", "value": "Paris", "ignore_case": True}, "paris").passed
    any_of = {"type": "contains", "value": ["refund", "credit"]}
    assert verdict(any_of, "We will credit you").passed
    every = {"type": "contains", "value": ["refund", "{{order}}"], "mode": "all"}
    missed = verdict(every, "A refund is on its way", {"order": "A-17"})
    assert not missed.passed and missed.reason == "missing 'A-17'"


def test_regex_matches_and_a_backtracking_pattern_fails_its_cell_in_time():
    assert verdict({"type": "regex", "value": r"\bORD-\d{4}\b"}, "your ORD-1234 ships").passed
    started = time.monotonic()
    slow = verdict({"type": "regex", "value": r"(a|aa)+$"}, "a" * 60 + "b")
    assert not slow.passed and "took over" in slow.reason
    assert time.monotonic() - started < 2


def test_json_and_json_schema_read_a_fenced_answer_and_say_where_it_differs():
    schema = {
        "type": "object",
        "properties": {"priority": {"enum": ["low", "high"]}},
        "required": ["priority"],
    }
    assert verdict({"type": "is-json"}, '```json\n{"priority": "low"}\n```').passed
    assert not verdict({"type": "is-json"}, "priority: low").passed
    assert verdict({"type": "json-schema", "value": schema}, '{"priority": "high"}').passed
    wrong = verdict({"type": "json-schema", "value": schema}, '{"priority": "urgent"}')
    assert not wrong.passed and wrong.reason.startswith("priority: 'urgent' is not one of")


def test_a_tool_call_is_matched_by_name_and_the_arguments_asked_for():
    calls = (ToolCall("lookup_order", {"order_id": "A-17", "verbose": True}),)
    asked = {"type": "tool-call", "value": "lookup_order", "arguments": {"order_id": "{{id}}"}}
    assert verdict(asked, tool_calls=calls, variables={"id": "A-17"}).passed
    other = verdict(asked, tool_calls=calls, variables={"id": "B-2"})
    assert not other.passed and other.reason == "lookup_order called with order_id='A-17'"
    none = verdict(asked)
    assert not none.passed and none.reason == "called no tool, not lookup_order"


def test_latency_and_cost_ceilings():
    assert verdict({"type": "latency", "value": 500}, latency_ms=420.0).passed
    assert not verdict({"type": "latency", "value": 500}, latency_ms=501.0).passed
    assert not verdict({"type": "cost", "value": 0.001}).passed  # not measured is not a pass
    assert verdict({"type": "cost", "value": 0.001}, cost_usd=0.0004).passed


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"type": "exec", "value": "import os"}, "type must be one of"),
        ({"type": "regex", "value": "(unclosed"}, "not a valid pattern"),
        ({"type": "json-schema", "value": {"type": "nonsense"}}, "not a valid schema"),
        ({"type": "contains", "value": "one string"}, "non-empty list of strings"),
        ({"type": "contains", "value": ["a"], "mode": "most"}, 'mode must be "any" or "all"'),
        ({"type": "latency", "value": -1}, "ceiling of 0 or more"),
        (
            {"type": "json-schema", "value": {"properties": {"a": {"pattern": "(a|aa)+$"}}}},
            "regex assertion",
        ),
        (
            {"type": "json-schema", "value": {"$ref": "https://example.com/s.json"}},
            "inside the schema",
        ),
        ({"type": "equals", "value": "x", "weight": "heavy"}, "weight must be a number"),
        ("equals", "must be an object"),
    ],
)
def test_a_badly_written_assertion_is_refused_with_its_reason(raw, message):
    with pytest.raises(ValidationError) as refused:
        assertion_parse(raw, where="assertions[0]")
    assert message in refused.value.messages[0]
    assert refused.value.messages[0].startswith("assertions[0]")


def test_a_cell_passes_when_every_assertion_does_and_scores_their_weighted_mean():
    output = Output(text='{"ok": true}', latency_ms=900.0)
    verdicts = [
        check(assertion_parse({"type": "is-json", "weight": 3}), output),
        check(assertion_parse({"type": "latency", "value": 500, "weight": 1}), output),
    ]
    assert cell_outcome(verdicts) == (False, 0.75)
    assert cell_outcome([]) == (True, 1.0)


def test_an_answer_nested_past_what_json_parses_fails_its_cell_instead_of_crashing():
    deep = "[" * 100_000
    assert not verdict({"type": "is-json"}, deep).passed
    assert verdict({"type": "json-schema", "value": {"type": "array"}}, deep).reason == "not JSON"
    dangling = verdict({"type": "json-schema", "value": {"$ref": "#/$defs/missing"}}, "{}")
    assert not dangling.passed and dangling.reason.startswith("the schema cannot be applied")
