"""The calculator tool: arithmetic and common functions, evaluated by ``simpleeval`` (an AST
walker; nothing reaches Python's ``eval``), with limits on the expression's length, powers
and the size of every operand and result (checked before each operation, so a giant is
refused before it is computed), and numbers only: no expression can hang a worker or fill
its memory."""

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


def _number(value: Any) -> int | float:
    """Operands are numbers of a bounded size: never strings (``"a" * 10**10``) or giants."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("only numbers can be calculated")
    if isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
        raise ValueError("a number in the expression is too large")
    return value


def _power(base: Any, exponent: Any) -> Any:
    base, exponent = _number(base), _number(exponent)
    if abs(exponent) > MAX_EXPONENT:
        raise ValueError(f"exponents above {MAX_EXPONENT} are not supported")
    whole = isinstance(base, int) and isinstance(exponent, int) and exponent > 0
    if whole and int(base).bit_length() * exponent > MAX_INT_BITS:  # before computing it
        raise ValueError("the result is too large")
    return operator.pow(base, exponent)


def _multiply(left: Any, right: Any) -> Any:
    left, right = _number(left), _number(right)
    whole = isinstance(left, int) and isinstance(right, int)
    if whole and int(left).bit_length() + int(right).bit_length() > MAX_INT_BITS + 1:
        raise ValueError("the result is too large")
    return operator.mul(left, right)


def _checked(operation: Any) -> Any:
    def apply(*operands: Any) -> Any:
        return operation(*(_number(operand) for operand in operands))

    return apply


OPERATORS = {
    ast.Add: _checked(operator.add), ast.Sub: _checked(operator.sub), ast.Mult: _multiply,
    ast.Div: _checked(operator.truediv), ast.FloorDiv: _checked(operator.floordiv),
    ast.Mod: _checked(operator.mod), ast.Pow: _power, ast.USub: _checked(operator.neg),
    ast.UAdd: _checked(operator.pos),
}  # fmt: skip
FUNCTIONS = {name: _checked(function) for name, function in FUNCTIONS.items()}


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
