"""Agent pages under /w/<slug>/agents/."""

from django.urls import path

from agents import tool_views, views

A = "w/<slug:workspace_slug>/agents"
AGENT = f"{A}/<int:agent_id>"
RUN = f"{A}/runs/<int:agent_run_id>"

urlpatterns = [
    path(f"{A}/", views.AgentListView.as_view(), name="agent-list"),
    path(f"{A}/new/", views.AgentCreateView.as_view(), name="agent-create"),
    path(f"{A}/tools/", tool_views.ToolsPage.as_view(), name="agent-tools"),
    path(
        f"{A}/tools/webhook/", tool_views.CustomToolCreateView.as_view(), name="agent-tool-create"
    ),
    path(f"{A}/tools/mcp/", tool_views.McpServerCreateView.as_view(), name="mcp-server-create"),
    path(
        f"{A}/tools/webhook/<int:tool_id>/delete/",
        tool_views.CustomToolDeleteView.as_view(),
        name="agent-tool-delete",
    ),
    path(
        f"{A}/tools/mcp/<int:server_id>/delete/",
        tool_views.McpServerDeleteView.as_view(),
        name="mcp-server-delete",
    ),
    path(f"{AGENT}/", views.AgentDetailView.as_view(), name="agent-detail"),
    path(f"{AGENT}/edit/", views.AgentEditView.as_view(), name="agent-edit"),
    path(f"{AGENT}/delete/", views.AgentDeleteView.as_view(), name="agent-delete"),
    path(f"{AGENT}/run/", views.RunStartView.as_view(), name="agent-run-start"),
    path(f"{RUN}/", views.RunDetailView.as_view(), name="agent-run-detail"),
    path(f"{RUN}/cancel/", views.RunCancelView.as_view(), name="agent-run-cancel"),
]
