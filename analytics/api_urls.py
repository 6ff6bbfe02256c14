"""REST routes for usage analytics, inside a workspace (``workspace_slug``)."""

from django.urls import path

from analytics import api

WS = "workspaces/<slug:workspace_slug>"

urlpatterns = [
    path(f"{WS}/usage/", api.UsageListView.as_view(), name="api-usage-list"),
    path(f"{WS}/usage.csv", api.UsageCsvView.as_view(), name="api-usage-csv"),
]
