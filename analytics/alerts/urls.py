"""The notifications page, under /w/<slug>/ like every workspace page."""

from django.urls import path

from analytics.alerts import views

WS = "w/<slug:workspace_slug>"

urlpatterns = [
    path(f"{WS}/notifications/", views.NotificationListView.as_view(), name="notification-list"),
    path(
        f"{WS}/notifications/settings/",
        views.AlertSettingsPageView.as_view(),
        name="alert-settings",
    ),
]
