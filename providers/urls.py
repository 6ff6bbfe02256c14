"""Browser pages for providers and credentials, under /w/<slug>/ like every workspace page."""

from django.urls import path

from providers import views

WS = "w/<slug:workspace_slug>"

urlpatterns = [
    path(f"{WS}/providers/", views.ProviderListView.as_view(), name="provider-list"),
    path(f"{WS}/providers/new/", views.ProviderCreateView.as_view(), name="provider-create"),
    path(
        f"{WS}/providers/test-connection/",
        views.ProviderConnectionTestView.as_view(),
        name="provider-test-connection",
    ),
    path(
        f"{WS}/providers/<int:provider_id>/",
        views.ProviderDetailView.as_view(),
        name="provider-detail",
    ),
    path(
        f"{WS}/providers/<int:provider_id>/edit/",
        views.ProviderEditView.as_view(),
        name="provider-edit",
    ),
    path(
        f"{WS}/providers/<int:provider_id>/sync/",
        views.ProviderSyncView.as_view(),
        name="provider-sync",
    ),
    path(
        f"{WS}/providers/<int:provider_id>/delete/",
        views.ProviderDeleteView.as_view(),
        name="provider-delete",
    ),
    path(f"{WS}/credentials/", views.CredentialListView.as_view(), name="credential-list"),
    path(f"{WS}/credentials/new/", views.CredentialCreateView.as_view(), name="credential-create"),
    path(
        f"{WS}/credentials/<int:credential_id>/edit/",
        views.CredentialEditView.as_view(),
        name="credential-edit",
    ),
    path(
        f"{WS}/credentials/<int:credential_id>/delete/",
        views.CredentialDeleteView.as_view(),
        name="credential-delete",
    ),
]
