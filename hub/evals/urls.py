"""Evaluation pages under /w/<slug>/evals/."""

from django.urls import path

from hub.evals import views

E = "w/<slug:workspace_slug>/evals"
SUITE = f"{E}/<int:suite_id>"
RUN = f"{E}/runs/<int:run_id>"

urlpatterns = [
    path(f"{E}/", views.SuiteListView.as_view(), name="eval-suite-list"),
    path(f"{E}/new/", views.SuiteCreateView.as_view(), name="eval-suite-create"),
    path(f"{E}/leaderboard/", views.LeaderboardView.as_view(), name="eval-leaderboard"),
    path(f"{SUITE}/", views.SuiteDetailView.as_view(), name="eval-suite-detail"),
    path(f"{SUITE}/edit/", views.SuiteEditView.as_view(), name="eval-suite-edit"),
    path(f"{SUITE}/delete/", views.SuiteDeleteView.as_view(), name="eval-suite-delete"),
    path(f"{SUITE}/prompts/", views.SuitePromptAddView.as_view(), name="eval-prompt-add"),
    path(
        f"{SUITE}/prompts/<int:suite_prompt_id>/remove/",
        views.SuitePromptRemoveView.as_view(),
        name="eval-prompt-remove",
    ),
    path(f"{SUITE}/cases/import/", views.CasesImportView.as_view(), name="eval-cases-import"),
    path(f"{SUITE}/cases/export/", views.CasesExportView.as_view(), name="eval-cases-export"),
    path(f"{SUITE}/run/", views.RunStartView.as_view(), name="eval-run-start"),
    path(f"{RUN}/", views.RunDetailView.as_view(), name="eval-run-detail"),
    path(f"{RUN}/progress/", views.RunProgressView.as_view(), name="eval-run-progress"),
    path(f"{RUN}/cancel/", views.RunCancelView.as_view(), name="eval-run-cancel"),
    path(f"{RUN}/export/", views.RunExportView.as_view(), name="eval-run-export"),
]
