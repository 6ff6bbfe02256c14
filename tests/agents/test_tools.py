"""Built-in tools and the checks a model's tool call meets: the calculator computes and
refuses what could hang or escape, the clock tells the time in a zone, and malformed or
off-schema arguments get a reason instead of an exception."""

from __future__ import annotations

import math
import time
from datetime import datetime

import pytest
from asgiref.sync import async_to_sync

from agents.tools import BUILTIN_TOOLS, arguments_parse, openai_tool
from agents.tools.base import BadArguments
from agents.tools.calculator import calculate


def run(name: str, **arguments):
    return async_to_sync(BUILTIN_TOOLS[name].run)(arguments)


@pytest.mark.parametrize(
    ("expression", "value"),
    [("(3 + 4) * 2", 14), ("2 ** 10", 1024), ("7 // 2 + 7 % 2", 4), ("sqrt(16) + abs(-2)", 6.0),
     ("round(pi, 4)", 3.1416), ("max(1, 5, 3) - min(4, 2)", 3), ("-(-3)", 3), ("1 / 4", 0.25)],
)  # fmt: skip
def test_the_calculator_computes(expression, value):
    assert calculate(expression) == pytest.approx(value)


@pytest.mark.parametrize(
    ("expression", "reason"),
    [("9 ** 9 ** 9", "exponents above"), ("2 ** 999 * 2 ** 999 * 2 ** 999 * 2 ** 999 * 2 ** 999",
      "too large"), ("().__class__", "not available"), ("__import__('os')", "not defined|not available"),
     ("open('x')", "not defined|not available"), ("'a' * 3", "only numbers"), ("1 / 0", "division"), ("x + 1", "'x' is not defined"),
     ("1e308 * 10", "finite"), ("", "1 to 500"), ("1 +", "syntax|invalid"), ("1" * 501, "1 to 500")],
)  # fmt: skip
def test_the_calculator_refuses_with_a_reason(expression, reason):
    with pytest.raises(ValueError, match=reason):
        calculate(expression)


def test_a_tool_error_is_a_result_the_model_reads():
    result = run("calculator", expression="1 / 0")
    assert result.is_error and result.content.startswith("Cannot calculate:")
    assert run("calculator", expression="6 * 7").content == "42"


def test_the_clock_tells_the_time_in_a_zone():
    utc = run("current_time")
    assert not utc.is_error and utc.content.endswith("UTC)")
    paris = run("current_time", timezone="Europe/Paris")
    stamp = datetime.fromisoformat(paris.content.split(" ")[0])
    assert stamp.utcoffset() is not None and "Europe/Paris" in paris.content
    assert run("current_time", timezone="../../etc/passwd").is_error


def test_arguments_are_checked_against_the_schema_with_a_reason():
    calculator = BUILTIN_TOOLS["calculator"]
    assert arguments_parse(calculator, '{"expression": "1+1"}') == {"expression": "1+1"}
    for raw, reason in (
        ("{not json", "not valid JSON"),
        ("[1, 2]", "must be a JSON object"),
        ("{}", "'expression' is a required property"),
        ('{"expression": 5}', "expression: 5 is not of type 'string'"),
        ('{"expression": "1", "extra": true}', "Additional properties"),
        ("[" * 10_000 + "]" * 10_000, "not valid JSON"),
    ):
        with pytest.raises(BadArguments, match=reason):
            arguments_parse(calculator, raw)
    assert arguments_parse(BUILTIN_TOOLS["current_time"], "") == {}
    assert openai_tool(calculator)["function"]["parameters"]["required"] == ["expression"]
    assert math.isfinite(calculate("e ** 2"))


@pytest.mark.parametrize(
    "expression",
    [
        "((9**999)**999)**999",
        '"a" * 10**10',
        '"%999999999d" % 1',
        "(2**1000)*(2**1000)*(2**1000)*(2**1000)*(2**1000)",
        'min("abc")',
    ],
)
def test_giants_and_strings_are_refused_before_they_are_computed(expression):
    started = time.monotonic()
    with pytest.raises(ValueError):
        calculate(expression)
    assert time.monotonic() - started < 0.5
