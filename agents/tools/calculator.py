"""The calculator tool: arithmetic and common functions, evaluated by ``simpleeval`` (an AST
walker; nothing reaches Python's ``eval``), with limits on the expression's length, powers
and the size of results, so no expression can hang a worker or fill its memory."""

from __future__ import annotations

import ast
import math
import operator
from typing import Any

import simpleeval

from agents.tools.base import JSON, ToolResult, ToolSpec

MAX_EXPRESSION = 500
MAX_EXPONENT = 1_000
MAX_INT_BITS = 4_096

FUNCTIONS = {
    "sqrt": math.sqrt, "log": math.log, "log10": math.log10, "exp": math.exp,
    "sin": math.sin, "cos": math.cos, "tan": math.tan, "abs": abs, "round": round,
    "min": min, "max": max, "floor": math.floor, "ceil": math.ceil,
}  # fmt: skip
NAMES = {"pi": math.pi, "e": math.e}


def _power(base: Any, exponent: Any) -> Any:
    if isinstance(exponent, int | float) and abs(exponent) > MAX_EXPONENT:
        raise ValueError(f"exponents above {MAX_EXPONENT} are not supported")
    return operator.pow(base, exponent)


OPERATORS = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
    ast.Div: operator.truediv, ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod,
    ast.Pow: _power, ast.USub: operator.neg, ast.UAdd: operator.pos,
}  # fmt: skip


def calculate(expression: str) -> float | int:
    """The value of ``expression``; ValueError with the reason when it has none."""
    if not expression.strip() or len(expression) > MAX_EXPRESSION:
        raise ValueError(f"give an expression of 1 to {MAX_EXPRESSION} characters")
    evaluator = simpleeval.SimpleEval(operators=OPERATORS, functions=FUNCTIONS, names=NAMES)
    try:
        value = evaluator.eval(expression)
    except (simpleeval.InvalidExpression, SyntaxError) as error:
        raise ValueError(str(error) or "not an arithmetic expression") from None
    except (ArithmeticError, TypeError, ValueError) as error:
        raise ValueError(str(error) or type(error).__name__) from None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("the expression is not a number")
    if isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
        raise ValueError("the result is too large")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("the result is not a finite number")
    return value


async def _run(arguments: JSON) -> ToolResult:
    try:
        return ToolResult(str(calculate(arguments["expression"])))
    except ValueError as error:
        return ToolResult(f"Cannot calculate: {error}.", is_error=True)


CALCULATOR = ToolSpec(
    name="calculator",
    description="Evaluate an arithmetic expression: + - * / // % **, parentheses, pi, e and "
    "sqrt, log, log10, exp, sin, cos, tan, abs, round, min, max, floor, ceil.",
    parameters={
        "type": "object",
        "properties": {"expression": {"type": "string", "description": "e.g. (3 + 4) * 2"}},
        "required": ["expression"],
        "additionalProperties": False,
    },
    run=_run,
)
