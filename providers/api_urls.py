"""REST routes for providers and credentials, inside a workspace (``workspace_slug``)."""

from django.urls import path

from providers import api

WS = "workspaces/<slug:workspace_slug>"

urlpatterns = [
    path(f"{WS}/providers/", api.ProviderListView.as_view(), name="api-provider-list"),
    path(f"{WS}/providers/<int:pk>/", api.ProviderDetailView.as_view(), name="api-provider-detail"),
    path(
        f"{WS}/providers/<int:pk>/sync-models/",
        api.ProviderSyncModelsView.as_view(),
        name="api-provider-sync-models",
    ),
    path(f"{WS}/credentials/", api.CredentialListView.as_view(), name="api-credential-list"),
    path(
        f"{WS}/credentials/<int:pk>/",
        api.CredentialDetailView.as_view(),
        name="api-credential-detail",
    ),
]
