"""The usage page, under /w/<slug>/ like every workspace page (REST lives in api_urls.py)."""

from django.urls import path

from analytics import pages

WS = "w/<slug:workspace_slug>"

urlpatterns = [
    path(f"{WS}/usage/", pages.UsagePageView.as_view(), name="usage"),
]
