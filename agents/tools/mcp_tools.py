"""Tools of an MCP server, reached over streamable HTTP with the ``mcp`` package: the
server's tools that the workspace allowlisted, offered as ``<server>__<tool>``.

Each listing and each call opens its own short session through the guarded client (no
private addresses unless a site administrator allows them, no redirects off the server), so
a run holds no connection between steps and a server that restarts costs nothing.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

import jsonschema
from django.conf import settings

from agents.models import McpServer
from agents.tools.base import JSON, ToolResult, ToolSpec
from providers.guarded_http import guarded_httpx2_client, refused
from providers.secrets import decrypt_secret

logger = logging.getLogger(__name__)
SEPARATOR = "__"


def mcp_tool_name(server: McpServer, tool: str) -> str:
    return re.sub(r"[^a-zA-Z0-9_-]", "_", f"{server.name}{SEPARATOR}{tool}")[:64]


def _client(server: McpServer) -> Any:
    from mcp import Client
    from mcp.client.streamable_http import streamable_http_client

    headers = {}
    if server.token_encrypted:
        headers["Authorization"] = f"Bearer {decrypt_secret(server.token_encrypted)}"
    http = guarded_httpx2_client(allow_internal=settings.HUB_TOOLS_ALLOW_PRIVATE,
                                 timeout=server.timeout_s, headers=headers)  # fmt: skip
    return Client(streamable_http_client(server.url, http_client=http),
                  read_timeout_seconds=server.timeout_s, mode="legacy")  # fmt: skip


async def server_tools(server: McpServer) -> list[ToolSpec]:
    """The allowlisted tools the server offers now; none (logged) when it cannot be reached."""
    allowed = set(server.allowed_tools)
    if not allowed:
        return []
    try:
        async with _client(server) as client:
            listed = await client.list_tools()
    except Exception as error:  # a server down must not stop the run; its tools are missing
        logger.warning("MCP server %s could not be listed: %s", server.name, _reason(error))
        return []
    return [_spec(server, tool) for tool in listed.tools
            if tool.name in allowed and _schema_ok(server, tool)]  # fmt: skip


def _schema_ok(server: McpServer, tool: Any) -> bool:
    """A server's schema is checked before it is offered; a broken one leaves its tool out."""
    schema = getattr(tool, "input_schema", None)
    try:
        jsonschema.validators.validator_for(schema).check_schema(schema)
    except Exception:
        logger.warning("MCP server %s: tool %s has an invalid schema", server.name, tool.name)
        return False
    return isinstance(schema, dict)


def _spec(server: McpServer, tool: Any) -> ToolSpec:
    async def run(arguments: JSON) -> ToolResult:
        try:
            async with _client(server) as client:
                result = await client.call_tool(tool.name, arguments)
        except Exception as error:
            return ToolResult(f"The MCP server {server.name} failed: {_reason(error)}",
                              is_error=True)  # fmt: skip
        return ToolResult(_text(result), is_error=bool(getattr(result, "is_error", False)))

    schema = tool.input_schema if isinstance(getattr(tool, "input_schema", None), dict) else {}
    return ToolSpec(
        name=mcp_tool_name(server, tool.name),
        description=(tool.description or tool.name)[:1000],
        parameters=schema or {"type": "object", "properties": {}},
        run=run,
        timeout_s=server.timeout_s * 2 + 1,  # a session's start, then the call
    )


def _text(result: Any) -> str:
    parts = [getattr(part, "text", None) for part in getattr(result, "content", None) or []]
    texts = [p for p in parts if isinstance(p, str)]
    if texts:
        return "\n".join(texts)
    structured = getattr(result, "structured_content", None)
    return json.dumps(structured, ensure_ascii=False) if structured is not None else ""


def _reason(error: BaseException) -> str:
    """The first cause worth reading (exception groups from the task group unwrapped)."""
    while isinstance(error, BaseExceptionGroup) and error.exceptions:
        error = error.exceptions[0]
    if refused(error):
        return "its address is private; the hub will not call it."
    return f"{type(error).__name__}: {str(error)[:200]}"
