"""REST routes for the prompt library, inside a workspace (``workspace_slug``)."""

from django.urls import path

from hub.prompts import api

P = "workspaces/<slug:workspace_slug>/prompts"
ONE = f"{P}/<int:pk>"

urlpatterns = [
    path(f"{P}/", api.PromptListView.as_view(), name="api-prompt-list"),
    path(f"{P}/export/", api.PromptExportView.as_view(), name="api-prompt-export"),
    path(f"{P}/import/", api.PromptImportView.as_view(), name="api-prompt-import"),
    path(f"{ONE}/", api.PromptDetailView.as_view(), name="api-prompt-detail"),
    path(f"{ONE}/versions/", api.PromptVersionAddView.as_view(), name="api-prompt-version-add"),
    path(
        f"{ONE}/versions/<int:number>/production/",
        api.PromptVersionProductionView.as_view(),
        name="api-prompt-version-production",
    ),
    path(f"{ONE}/render/", api.PromptRenderView.as_view(), name="api-prompt-render"),
]
