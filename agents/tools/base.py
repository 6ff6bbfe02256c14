"""What every tool is, and the checks a model's tool call meets before a tool runs.

A model's arguments arrive as a JSON string that may be malformed or miss the schema; the
loop answers both with the reason as the tool's result, so the model can try again and the
run never crashes on them.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import jsonschema

JSON = dict[str, Any]
MAX_ARGUMENTS_CHARS = 100_000


@dataclass(frozen=True)
class ToolResult:
    content: str
    is_error: bool = False
    child_run_id: int | None = None  # a delegation's run, for the trace


@dataclass(frozen=True)
class ToolSpec:
    name: str
    description: str
    parameters: JSON  # a JSON Schema object
    run: Callable[[JSON], Awaitable[ToolResult]] = field(compare=False)
    # Seconds one call may take; None: whatever the run has left (delegation, whose child run
    # has limits of its own). Tools without their own answer within 60 s.
    timeout_s: float | None = 60.0


class BadArguments(ValueError):
    """The arguments are not JSON, or miss the schema; the message says how."""


def arguments_parse(spec: ToolSpec, raw: str | JSON | None) -> JSON:
    """The call's arguments as an object valid against the tool's schema, or BadArguments."""
    if isinstance(raw, dict):
        arguments: Any = raw
    else:
        text = (raw or "").strip() or "{}"
        if len(text) > MAX_ARGUMENTS_CHARS:
            raise BadArguments(f"The arguments are longer than {MAX_ARGUMENTS_CHARS} characters.")
        try:
            arguments = json.loads(text, parse_constant=_no_constant)
        except (ValueError, RecursionError) as error:
            raise BadArguments(f"The arguments are not valid JSON: {error}.") from None
    if not isinstance(arguments, dict):
        raise BadArguments("The arguments must be a JSON object.")
    validator = jsonschema.validators.validator_for(spec.parameters)(spec.parameters)
    problem = next(iter(sorted(validator.iter_errors(arguments), key=lambda e: e.path)), None)
    if problem is not None:
        where = "/".join(str(part) for part in problem.absolute_path) or "the arguments"
        raise BadArguments(f"{where}: {problem.message}")
    return arguments


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def openai_tool(spec: ToolSpec) -> JSON:
    """The tool as the Chat Completions ``tools`` list takes it."""
    return {
        "type": "function",
        "function": {
            "name": spec.name,
            "description": spec.description,
            "parameters": spec.parameters,
        },
    }
