"""The workspace's agent tools page (/w/<slug>/agents/tools/): custom webhook tools and MCP
servers, added, listed and removed. A new tool's signing secret is shown on the answer to
its creation only."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from agents.forms import CustomToolForm, McpServerForm
from agents.models import CustomTool, McpServer
from agents.tool_services import (
    CustomToolFields,
    McpServerFields,
    custom_tool_save,
    mcp_server_save,
    tool_delete,
)
from workspaces.roles import Permission
from workspaces.views.base import WorkspacePageView, form_add_service_errors

WRITE = {"POST": Permission.USE_MODELS}


class ToolsPage(WorkspacePageView):
    nav = "agents"
    template_name = "agents/tools.html"

    def context(self, **extra: Any) -> dict[str, Any]:
        workspace = self.actor.workspace
        return {
            "tools": CustomTool.objects.for_workspace(workspace),
            "servers": McpServer.objects.for_workspace(workspace),
            "tool_form": extra.pop("tool_form", None) or CustomToolForm(),
            "server_form": extra.pop("server_form", None) or McpServerForm(),
            **extra,
        }

    def get(self, request: HttpRequest, workspace_slug: str) -> HttpResponse:
        return self.render_page(self.context())


class CustomToolCreateView(ToolsPage):
    permissions = WRITE

    def post(self, request: HttpRequest, workspace_slug: str) -> HttpResponse:
        form = CustomToolForm(request.POST)
        if form.is_valid():
            try:
                tool, secret = custom_tool_save(actor=self.actor,
                                                fields=CustomToolFields(**form.cleaned_data))  # fmt: skip
            except ValidationError as error:
                form_add_service_errors(form, error)
            else:  # answered here, not redirected: the secret must not sit in a session
                return self.render_page(self.context(created=tool, secret=secret))
        return self.render_page(self.context(tool_form=form), status=400)


class McpServerCreateView(ToolsPage):
    permissions = WRITE

    def post(self, request: HttpRequest, workspace_slug: str) -> HttpResponse:
        form = McpServerForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            tools = [line.strip() for line in data["allowed_tools"].splitlines() if line.strip()]
            fields = McpServerFields(name=data["name"], url=data["url"], allowed_tools=tools,
                                     token=data["token"] or None, timeout_s=data["timeout_s"])  # fmt: skip
            try:
                server = mcp_server_save(actor=self.actor, fields=fields)
            except ValidationError as error:
                form_add_service_errors(form, error)
            else:
                messages.success(request, f"MCP server {server.name} added.")
                return redirect("agent-tools", workspace_slug)
        return self.render_page(self.context(server_form=form), status=400)


class _DeleteView(WorkspacePageView):
    """Found in the member's workspace before anything else: another's id is a 404."""

    permissions = WRITE
    model: type[CustomTool] | type[McpServer]

    def scoped_queryset(self) -> QuerySet[Any]:
        return self.model.objects.for_workspace(self.actor.workspace)

    def post(self, request: HttpRequest, workspace_slug: str, **ids: int) -> HttpResponse:
        row = cast(CustomTool | McpServer, self.object)
        tool_delete(actor=self.actor, row=row)
        messages.success(request, f"{row.name} removed; agents no longer offer it.")
        return redirect("agent-tools", workspace_slug)


class CustomToolDeleteView(_DeleteView):
    model = CustomTool
    object_kwarg = "tool_id"


class McpServerDeleteView(_DeleteView):
    model = McpServer
    object_kwarg = "server_id"
