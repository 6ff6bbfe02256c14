"""REST routes for RAG collections, inside a workspace (``workspace_slug``)."""

from django.urls import path

from rag import api

C = "workspaces/<slug:workspace_slug>/collections"
ONE = f"{C}/<int:pk>"
DOC = f"{ONE}/documents/<int:document_id>"

urlpatterns = [
    path(f"{C}/", api.CollectionListView.as_view(), name="api-collection-list"),
    path(f"{ONE}/", api.CollectionDetailView.as_view(), name="api-collection-detail"),
    path(f"{ONE}/progress/", api.CollectionProgressView.as_view(), name="api-collection-progress"),
    path(f"{ONE}/search/", api.CollectionSearchView.as_view(), name="api-collection-search"),
    path(f"{ONE}/documents/", api.DocumentListView.as_view(), name="api-document-list"),
    path(f"{DOC}/", api.DocumentDetailView.as_view(), name="api-document-detail"),
    path(f"{DOC}/retry/", api.DocumentRetryView.as_view(), name="api-document-retry"),
]
