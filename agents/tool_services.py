"""Writes of custom tools and MCP servers: their URLs pass the private-address guard when
saved (and again at every call), their secrets are encrypted and never shown again."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

import jsonschema
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from agents.models import TOOL_NAME, CustomTool, McpServer
from agents.toolbox import reserved_tool_names
from providers.secrets import encrypt_secret
from providers.url_guard import base_url_validate
from workspaces.access import Actor
from workspaces.roles import Permission

MAX_SCHEMA_CHARS = 20_000


def _url(url: str, field_name: str = "url") -> str:
    try:
        return base_url_validate(url, allow_internal=settings.HUB_TOOLS_ALLOW_PRIVATE)
    except ValidationError as error:
        message = "; ".join(error.messages).replace("a provider", "a tool")
        raise ValidationError({field_name: message}) from None


def _may_write(actor: Actor) -> None:
    if not actor.can(Permission.USE_MODELS):
        raise PermissionDenied("Your role in this workspace may not change tools.")


def _schema(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict) or raw.get("type") != "object":
        raise ValidationError({"parameters": 'A JSON Schema object: {"type": "object", ...}.'})
    if len(str(raw)) > MAX_SCHEMA_CHARS:
        raise ValidationError({"parameters": f"At most {MAX_SCHEMA_CHARS} characters."})
    try:
        jsonschema.validators.validator_for(raw).check_schema(raw)
    except jsonschema.SchemaError as error:
        raise ValidationError({"parameters": f"Not a valid JSON Schema: {error.message}"}) from None
    return raw


@dataclass
class CustomToolFields:
    name: str
    description: str
    url: str
    parameters: dict[str, Any] = field(default_factory=lambda: {"type": "object",
                                                                "properties": {}})  # fmt: skip
    timeout_s: float = 10.0
    max_response_bytes: int = 100_000


def custom_tool_save(
    *, actor: Actor, fields: CustomToolFields, tool: CustomTool | None = None
) -> tuple[CustomTool, str]:
    """The tool and, when it was just created, its signing secret (shown once)."""
    _may_write(actor)
    if tool is not None and tool.workspace_id != actor.workspace.pk:
        raise ValidationError({"tool": "No such tool in this workspace."})
    name = (fields.name or "").strip()
    try:
        TOOL_NAME(name)
    except ValidationError:
        raise ValidationError({"name": TOOL_NAME.message}) from None
    if name in reserved_tool_names() or name.startswith("ask_") or "__" in name:
        raise ValidationError({"name": f"{name} is kept for built-in tools (ask_<agent> "
                               "delegates, <server>__<tool> is MCP's)."})  # fmt: skip
    if not (fields.description or "").strip():
        raise ValidationError({"description": "Say what the tool does: the model reads it."})
    secret = ""
    if tool is None:
        secret = "whsec_" + secrets.token_urlsafe(32)
        tool = CustomTool(workspace=actor.workspace, created_by=actor.user,
                          secret_encrypted=encrypt_secret(secret))  # fmt: skip
    tool.name, tool.description = name, fields.description.strip()
    tool.url, tool.parameters = _url(fields.url), _schema(fields.parameters)
    tool.timeout_s, tool.max_response_bytes = fields.timeout_s, fields.max_response_bytes
    _saved(tool, "tool")
    return tool, secret


@dataclass
class McpServerFields:
    name: str
    url: str
    allowed_tools: list[str] = field(default_factory=list)
    token: str | None = None  # None keeps the one saved; "" removes it
    timeout_s: float = 15.0


def mcp_server_save(
    *, actor: Actor, fields: McpServerFields, server: McpServer | None = None
) -> McpServer:
    _may_write(actor)
    if server is not None and server.workspace_id != actor.workspace.pk:
        raise ValidationError({"server": "No such MCP server in this workspace."})
    allowed = fields.allowed_tools
    if not isinstance(allowed, list) or not all(isinstance(t, str) and t.strip() for t in allowed):
        raise ValidationError({"allowed_tools": "A list of the server's tool names."})
    server = server or McpServer(workspace=actor.workspace, created_by=actor.user)
    server.name, server.url = (fields.name or "").strip(), _url(fields.url)
    server.allowed_tools = list(dict.fromkeys(t.strip() for t in allowed))
    server.timeout_s = fields.timeout_s
    if fields.token is not None:
        server.token_encrypted = encrypt_secret(fields.token) if fields.token else ""
    _saved(server, "MCP server")
    return server


def _saved(row: CustomTool | McpServer, what: str) -> None:
    try:
        row.full_clean(exclude=["workspace", "created_by", "secret_encrypted", "token_encrypted",
                                "parameters", "allowed_tools", "url"])  # fmt: skip
    except ValidationError as error:
        raise ValidationError(error.message_dict) from None
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        raise ValidationError({"name": f"A {what} named {row.name!r} already exists."}) from None


def tool_delete(*, actor: Actor, row: CustomTool | McpServer) -> None:
    _may_write(actor)
    if row.workspace_id != actor.workspace.pk:
        raise ValidationError("No such tool in this workspace.")
    row.delete()
