"""Tools an agent may call: each a ``ToolSpec`` (a name, a description, JSON Schema
parameters and an async function). Built-in tools are listed in ``BUILTIN_TOOLS``."""

from agents.tools.base import ToolResult, ToolSpec, arguments_parse, openai_tool
from agents.tools.builtin import BUILTIN_TOOLS

__all__ = ["BUILTIN_TOOLS", "ToolResult", "ToolSpec", "arguments_parse", "openai_tool"]
