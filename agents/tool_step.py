"""The tool calls of one model answer, run side by side, each answered as a tool result.

Nothing a model asks for crashes a run: an unknown tool, arguments that are not JSON or miss
the schema, a tool that raises or takes too long — each becomes an error result the model
reads and may correct. Results keep their calls' order and ids.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any

from agents.events import ToolStepDone
from agents.tools.base import BadArguments, ToolResult, ToolSpec, arguments_parse

JSON = dict[str, Any]
TOOL_TIMEOUT_S = 60.0
RESULT_LIMIT_CHARS = 20_000  # what goes back to the model; a longer result is cut, and says so

logger = logging.getLogger(__name__)


def parsed_arguments(call: JSON) -> Any:
    """The arguments as the trace shows them: the object, or the text that failed to parse
    (NaN and Infinity included: no database column takes them)."""
    raw = (call.get("function") or {}).get("arguments")
    try:
        return (
            json.loads(raw, parse_constant=_no_constant)
            if isinstance(raw, str) and raw.strip()
            else (raw or {})
        )
    except (ValueError, RecursionError):
        return raw


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


async def run_tool(
    tools: dict[str, ToolSpec], call: JSON, number: int, *, seconds_left: float | None
) -> ToolStepDone:
    function = call.get("function") or {}
    name = str(function.get("name") or "")
    started = time.perf_counter()
    result = await _result(tools, name, function.get("arguments"), seconds_left)
    content = result.content
    if len(content) > RESULT_LIMIT_CHARS:
        content = content[:RESULT_LIMIT_CHARS] + f"\n[cut at {RESULT_LIMIT_CHARS} characters]"
    return ToolStepDone(
        step=number, name=name, call_id=str(call.get("id") or ""),
        arguments=parsed_arguments(call), result=content, is_error=result.is_error,
        latency_ms=round((time.perf_counter() - started) * 1000, 1),
        child_run_id=result.child_run_id,
    )  # fmt: skip


async def _result(
    tools: dict[str, ToolSpec], name: str, raw: Any, seconds_left: float | None
) -> ToolResult:
    spec = tools.get(name)
    if spec is None:
        offered = ", ".join(sorted(tools)) or "none"
        return ToolResult(f"There is no tool named {name!r}. Tools: {offered}.", is_error=True)
    try:
        arguments = arguments_parse(spec, raw)
    except BadArguments as error:
        return ToolResult(f"Invalid arguments for {name}: {error}", is_error=True)
    except Exception:  # the tool's own schema cannot be checked (a $ref that resolves nowhere)
        logger.warning("tool %s has a schema that cannot be checked", name, exc_info=True)
        return ToolResult(f"{name} cannot be used: its schema is invalid.", is_error=True)
    own = spec.timeout_s if spec.timeout_s is not None else TOOL_TIMEOUT_S
    limit = min(own, seconds_left) if seconds_left is not None else own
    if spec.timeout_s is None and seconds_left is not None:  # delegation: the time left
        limit = seconds_left
    try:
        async with asyncio.timeout(limit):
            return await spec.run(arguments)
    except TimeoutError:
        return ToolResult(f"{name} took longer than {limit:g} s.", is_error=True)
    except Exception as error:  # a tool's bug is the model's error result, not the run's end
        logger.exception("tool %s failed", name)
        return ToolResult(f"{name} failed: {type(error).__name__}.", is_error=True)
