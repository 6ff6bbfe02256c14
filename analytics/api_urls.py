"""REST routes for usage, provider health and alerts, inside a workspace (``workspace_slug``)."""

from django.urls import path

from analytics import api
from analytics.alerts import api as alerts_api
from analytics.health import api as health_api

WS = "workspaces/<slug:workspace_slug>"

urlpatterns = [
    path(f"{WS}/usage/", api.UsageListView.as_view(), name="api-usage-list"),
    path(f"{WS}/usage.csv", api.UsageCsvView.as_view(), name="api-usage-csv"),
    path(
        f"{WS}/providers/health/",
        health_api.ProviderHealthListView.as_view(),
        name="api-provider-health-list",
    ),
    path(
        f"{WS}/providers/<int:pk>/health/",
        health_api.ProviderHealthDetailView.as_view(),
        name="api-provider-health",
    ),
    path(
        f"{WS}/alert-settings/", alerts_api.AlertSettingsView.as_view(), name="api-alert-settings"
    ),
    path(
        f"{WS}/notifications/",
        alerts_api.NotificationListView.as_view(),
        name="api-notification-list",
    ),
    path(
        f"{WS}/notifications/read/",
        alerts_api.NotificationReadAllView.as_view(),
        name="api-notification-read-all",
    ),
    path(
        f"{WS}/notifications/<int:pk>/read/",
        alerts_api.NotificationReadView.as_view(),
        name="api-notification-read",
    ),
]
