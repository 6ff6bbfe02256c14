"""The tools one agent is offered: the built-in ones it chose, document search over its
collections, the HTTP tool for its allowed hosts, the workspace's custom (webhook) tools and
MCP servers' allowlisted tools it was given, and ``ask_<name>`` for each agent it may
delegate to (described by that agent's description, which is how a supervisor routes)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from agents.models import Agent, CustomTool, McpServer
from agents.tools.base import JSON, ToolResult, ToolSpec, openai_tool
from agents.tools.builtin import BUILTIN_TOOLS
from agents.tools.document_search import document_search_tool
from agents.tools.http_request import http_request_tool
from agents.tools.mcp_tools import server_tools
from agents.tools.webhook import webhook_tool
from rag.models import Collection
from workspaces.access import Actor

SEARCH = "search_documents"
HTTP = "http_request"
# What the agent form offers: the built-in tools, then those that need configuration.
TOOL_CHOICES: list[tuple[str, str]] = [
    *((name, spec.description) for name, spec in BUILTIN_TOOLS.items()),
    (SEARCH, "Search the agent's collections"),
    (HTTP, "HTTP requests to the allowed hosts"),
]
Delegate = Callable[[Agent, str], Awaitable[ToolResult]]


def delegation_tool_name(agent: Agent) -> str:
    return f"ask_{agent.name[:60]}"  # tool names allow hyphens, so a-b and a_b stay apart


def delegation_tool(agent: Agent, delegate: Delegate) -> ToolSpec:
    async def run(arguments: JSON) -> ToolResult:
        return await delegate(agent, str(arguments["task"]))

    return ToolSpec(
        name=delegation_tool_name(agent),
        description=(agent.description or f"The agent {agent.name}.")
        + " Give it a task in plain words; it answers with its result.",
        parameters={
            "type": "object",
            "properties": {"task": {"type": "string", "minLength": 1, "maxLength": 20_000}},
            "required": ["task"],
            "additionalProperties": False,
        },
        run=run,
        timeout_s=None,  # the child run has the caller's time left as its own limit
    )


def reserved_tool_names() -> set[str]:
    return {name for name, _ in TOOL_CHOICES}


@dataclass
class Equipment:
    """What an agent may use, read from the database in the run's workspace."""

    collections: list[Collection] = field(default_factory=list)
    delegates: list[Agent] = field(default_factory=list)
    custom_tools: list[CustomTool] = field(default_factory=list)
    mcp_servers: list[McpServer] = field(default_factory=list)


async def toolbox(
    agent: Agent, actor: Actor, equipment: Equipment, *, delegate: Delegate, run_id: int
) -> dict[str, ToolSpec]:
    tools = {name: BUILTIN_TOOLS[name] for name in agent.tool_names if name in BUILTIN_TOOLS}
    if SEARCH in agent.tool_names and equipment.collections:
        tools[SEARCH] = document_search_tool(actor, equipment.collections)
    if HTTP in agent.tool_names and agent.allowed_hosts:
        tools[HTTP] = http_request_tool(list(agent.allowed_hosts))
    for custom in equipment.custom_tools:
        tools.setdefault(custom.name, webhook_tool(custom, run_id=run_id))
    for server in equipment.mcp_servers:
        for spec in await server_tools(server):
            tools.setdefault(spec.name, spec)
    for other in equipment.delegates:
        tools[delegation_tool_name(other)] = delegation_tool(other, delegate)
    return tools


def openai_tools(tools: dict[str, ToolSpec]) -> list[JSON]:
    return [openai_tool(spec) for spec in tools.values()]
