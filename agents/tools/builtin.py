"""The tools every workspace has without configuring anything."""

from __future__ import annotations

from agents.tools.base import ToolSpec
from agents.tools.calculator import CALCULATOR
from agents.tools.clock import CLOCK

BUILTIN_TOOLS: dict[str, ToolSpec] = {tool.name: tool for tool in (CALCULATOR, CLOCK)}
