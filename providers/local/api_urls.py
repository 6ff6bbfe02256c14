"""REST for the local inference worker behind a provider of kind ``local``."""

from django.urls import path

from providers.local import api

urlpatterns = [
    path(
        "workspaces/<slug:workspace_slug>/providers/<int:pk>/system/",
        api.LocalSystemApiView.as_view(),
        name="api-local-system",
    ),
]
