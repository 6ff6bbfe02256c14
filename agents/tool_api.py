"""/api/workspaces/<slug>/agent-tools/… and mcp-servers/…: custom (webhook) tools and MCP
servers for scripts. A tool's signing secret is in the answer to its creation only; an MCP
server's token is never in an answer."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from agents.models import CustomTool, McpServer
from agents.serializers import (
    CustomToolCreatedSerializer,
    CustomToolSerializer,
    CustomToolWriteSerializer,
    McpServerSerializer,
    McpServerWriteSerializer,
)
from agents.tool_services import (
    CustomToolFields,
    McpServerFields,
    custom_tool_save,
    mcp_server_save,
    tool_delete,
)
from workspaces.api.base import WorkspaceScopedListView, WorkspaceScopedView
from workspaces.roles import Permission

WRITE = Permission.USE_MODELS
PERMISSIONS = {"GET": Permission.VIEW, "POST": WRITE, "PATCH": WRITE, "DELETE": WRITE}


class _ToolView(WorkspaceScopedView[CustomTool]):
    queryset = CustomTool.objects.none()
    serializer_class = CustomToolSerializer
    required_permissions = PERMISSIONS

    def scoped_queryset(self) -> QuerySet[CustomTool]:
        return CustomTool.objects.for_workspace(self.actor.workspace)


class CustomToolListView(WorkspaceScopedListView[CustomTool], _ToolView):
    @extend_schema(request=CustomToolWriteSerializer, responses={201: CustomToolCreatedSerializer})
    def post(self, request: Request, workspace_slug: str) -> Response:
        fields = CustomToolFields(**self.parsed(CustomToolWriteSerializer))
        tool, secret = custom_tool_save(actor=self.actor, fields=fields)
        tool.signing_secret = secret  # type: ignore[attr-defined]
        return self.render(tool, status=201, serializer_class=CustomToolCreatedSerializer)


class CustomToolDetailView(_ToolView):
    def get(self, request: Request, workspace_slug: str, pk: int) -> Response:
        return self.render(self.url_object)

    @extend_schema(request=CustomToolWriteSerializer, responses=CustomToolSerializer)
    def patch(self, request: Request, workspace_slug: str, pk: int) -> Response:
        tool = self.url_object
        current: dict[str, Any] = {
            "name": tool.name, "description": tool.description, "url": tool.url,
            "parameters": tool.parameters, "timeout_s": tool.timeout_s,
            "max_response_bytes": tool.max_response_bytes,
        }  # fmt: skip
        changes = self.parsed(CustomToolWriteSerializer, partial=True)
        custom_tool_save(actor=self.actor, fields=CustomToolFields(**{**current, **changes}),
                         tool=tool)  # fmt: skip
        return self.render(tool)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, workspace_slug: str, pk: int) -> Response:
        tool_delete(actor=self.actor, row=self.url_object)
        return Response(status=status.HTTP_204_NO_CONTENT)


class _ServerView(WorkspaceScopedView[McpServer]):
    queryset = McpServer.objects.none()
    serializer_class = McpServerSerializer
    required_permissions = PERMISSIONS

    def scoped_queryset(self) -> QuerySet[McpServer]:
        return McpServer.objects.for_workspace(self.actor.workspace)


class McpServerListView(WorkspaceScopedListView[McpServer], _ServerView):
    @extend_schema(request=McpServerWriteSerializer, responses={201: McpServerSerializer})
    def post(self, request: Request, workspace_slug: str) -> Response:
        fields = McpServerFields(**self.parsed(McpServerWriteSerializer))
        return self.render(mcp_server_save(actor=self.actor, fields=fields), status=201)


class McpServerDetailView(_ServerView):
    def get(self, request: Request, workspace_slug: str, pk: int) -> Response:
        return self.render(self.url_object)

    @extend_schema(request=McpServerWriteSerializer, responses=McpServerSerializer)
    def patch(self, request: Request, workspace_slug: str, pk: int) -> Response:
        server = self.url_object
        current: dict[str, Any] = {"name": server.name, "url": server.url,
                                   "allowed_tools": server.allowed_tools,
                                   "timeout_s": server.timeout_s}  # fmt: skip
        changes = self.parsed(McpServerWriteSerializer, partial=True)
        mcp_server_save(actor=self.actor, fields=McpServerFields(**{**current, **changes}),
                        server=server)  # fmt: skip
        return self.render(server)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, workspace_slug: str, pk: int) -> Response:
        tool_delete(actor=self.actor, row=self.url_object)
        return Response(status=status.HTTP_204_NO_CONTENT)
