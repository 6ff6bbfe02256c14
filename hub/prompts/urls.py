"""The prompt library's pages under /w/<slug>/prompts/."""

from django.urls import path

from hub.prompts import views

P = "w/<slug:workspace_slug>/prompts"
ONE = f"{P}/<int:prompt_id>"

urlpatterns = [
    path(f"{P}/", views.PromptListView.as_view(), name="prompt-list"),
    path(f"{P}/new/", views.PromptCreateView.as_view(), name="prompt-create"),
    path(f"{P}/export/", views.PromptExportView.as_view(), name="prompt-export"),
    path(f"{P}/import/", views.PromptImportView.as_view(), name="prompt-import"),
    path(f"{P}/picker/", views.PromptPickerView.as_view(), name="prompt-picker"),
    path(f"{P}/from-message/", views.PromptFromMessageView.as_view(), name="prompt-from-message"),
    path(f"{ONE}/", views.PromptDetailView.as_view(), name="prompt-detail"),
    path(f"{ONE}/edit/", views.PromptEditView.as_view(), name="prompt-edit"),
    path(f"{ONE}/delete/", views.PromptDeleteView.as_view(), name="prompt-delete"),
    path(f"{ONE}/use/", views.PromptUseView.as_view(), name="prompt-use"),
    path(
        f"{ONE}/versions/<int:version_id>/label/",
        views.PromptVersionLabelView.as_view(),
        name="prompt-version-label",
    ),
]
