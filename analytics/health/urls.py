"""The health page and its per-provider fragment, under /w/<slug>/ like every workspace page."""

from django.urls import path

from analytics.health import views

WS = "w/<slug:workspace_slug>"

urlpatterns = [
    path(f"{WS}/health/", views.HealthPageView.as_view(), name="provider-health"),
    path(
        f"{WS}/health/providers/<int:provider_id>/cell/",
        views.ProviderHealthCellView.as_view(),
        name="provider-health-cell",
    ),
]
