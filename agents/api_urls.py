"""REST routes of agents, inside a workspace (``workspace_slug``)."""

from django.urls import path

from agents import api

A = "workspaces/<slug:workspace_slug>/agents"
R = "workspaces/<slug:workspace_slug>/agent-runs"

urlpatterns = [
    path(f"{A}/", api.AgentListView.as_view(), name="api-agent-list"),
    path(f"{A}/<int:pk>/", api.AgentDetailView.as_view(), name="api-agent-detail"),
    path(f"{A}/<int:pk>/runs/", api.AgentRunListView.as_view(), name="api-agent-runs"),
    path(f"{R}/<int:pk>/", api.RunDetailView.as_view(), name="api-agent-run-detail"),
    path(f"{R}/<int:pk>/cancel/", api.RunCancelView.as_view(), name="api-agent-run-cancel"),
]
