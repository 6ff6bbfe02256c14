"""RAG's pages under /w/<slug>/collections/."""

from django.urls import path

from rag import views

C = "w/<slug:workspace_slug>/collections"
ONE = f"{C}/<int:collection_id>"
DOC = f"{ONE}/documents/<int:document_id>"

urlpatterns = [
    path(f"{C}/", views.CollectionListView.as_view(), name="collection-list"),
    path(f"{C}/new/", views.CollectionCreateView.as_view(), name="collection-create"),
    path(f"{ONE}/", views.CollectionDetailView.as_view(), name="collection-detail"),
    path(f"{ONE}/edit/", views.CollectionEditView.as_view(), name="collection-edit"),
    path(f"{ONE}/delete/", views.CollectionDeleteView.as_view(), name="collection-delete"),
    path(f"{ONE}/progress/", views.CollectionProgressView.as_view(), name="collection-progress"),
    path(f"{DOC}/", views.DocumentDetailView.as_view(), name="document-detail"),
    path(f"{DOC}/retry/", views.DocumentRetryView.as_view(), name="document-retry"),
    path(f"{DOC}/delete/", views.DocumentDeleteView.as_view(), name="document-delete"),
]
