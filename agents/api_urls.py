"""REST routes of agents, inside a workspace (``workspace_slug``)."""

from django.urls import path

from agents import api, tool_api

A = "workspaces/<slug:workspace_slug>/agents"
R = "workspaces/<slug:workspace_slug>/agent-runs"
T = "workspaces/<slug:workspace_slug>/agent-tools"
M = "workspaces/<slug:workspace_slug>/mcp-servers"

urlpatterns = [
    path(f"{A}/", api.AgentListView.as_view(), name="api-agent-list"),
    path(f"{A}/<int:pk>/", api.AgentDetailView.as_view(), name="api-agent-detail"),
    path(f"{A}/<int:pk>/runs/", api.AgentRunListView.as_view(), name="api-agent-runs"),
    path(f"{R}/<int:pk>/", api.RunDetailView.as_view(), name="api-agent-run-detail"),
    path(f"{R}/<int:pk>/cancel/", api.RunCancelView.as_view(), name="api-agent-run-cancel"),
    path(f"{T}/", tool_api.CustomToolListView.as_view(), name="api-agent-tool-list"),
    path(f"{T}/<int:pk>/", tool_api.CustomToolDetailView.as_view(), name="api-agent-tool-detail"),
    path(f"{M}/", tool_api.McpServerListView.as_view(), name="api-mcp-server-list"),
    path(f"{M}/<int:pk>/", tool_api.McpServerDetailView.as_view(), name="api-mcp-server-detail"),
]
