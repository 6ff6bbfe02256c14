"""The health page, under /w/<slug>/ like every workspace page."""

from django.urls import path

from analytics.health import views

WS = "w/<slug:workspace_slug>"

urlpatterns = [
    path(f"{WS}/health/", views.HealthPageView.as_view(), name="provider-health"),
]
