"""REST routes of evaluations, inside a workspace (``workspace_slug``)."""

from django.urls import path

from hub.evals import api

S = "workspaces/<slug:workspace_slug>/eval-suites"
R = "workspaces/<slug:workspace_slug>/eval-runs"

urlpatterns = [
    path(f"{S}/", api.SuiteListView.as_view(), name="api-eval-suite-list"),
    path(f"{S}/<int:pk>/", api.SuiteDetailView.as_view(), name="api-eval-suite-detail"),
    path(f"{S}/<int:pk>/prompts/", api.SuitePromptAddView.as_view(), name="api-eval-prompt-add"),
    path(
        f"{S}/<int:pk>/cases/import/", api.CasesImportView.as_view(), name="api-eval-cases-import"
    ),
    path(f"{S}/<int:pk>/runs/", api.SuiteRunListView.as_view(), name="api-eval-suite-runs"),
    path(
        "workspaces/<slug:workspace_slug>/eval-leaderboard/",
        api.LeaderboardView.as_view(),
        name="api-eval-leaderboard",
    ),
    path(f"{R}/<int:pk>/", api.RunDetailView.as_view(), name="api-eval-run-detail"),
    path(f"{R}/<int:pk>/cancel/", api.RunCancelView.as_view(), name="api-eval-run-cancel"),
    path(f"{R}/<int:pk>/cells/", api.RunCellListView.as_view(), name="api-eval-run-cells"),
]
