"""Pages of evaluations: ``suites`` (suites, prompts, cases) and ``runs`` (start, progress,
cancel, results, comparison, export). Each depends on services and selectors."""

from hub.evals.views.leaderboard import LeaderboardView
from hub.evals.views.runs import (
    RunCancelView,
    RunDetailView,
    RunExportView,
    RunProgressView,
    RunStartView,
)
from hub.evals.views.suites import (
    CasesExportView,
    CasesImportView,
    SuiteCreateView,
    SuiteDeleteView,
    SuiteDetailView,
    SuiteEditView,
    SuiteListView,
    SuitePromptAddView,
    SuitePromptRemoveView,
)

__all__ = [
    "CasesExportView",
    "CasesImportView",
    "LeaderboardView",
    "RunCancelView",
    "RunDetailView",
    "RunExportView",
    "RunProgressView",
    "RunStartView",
    "SuiteCreateView",
    "SuiteDeleteView",
    "SuiteDetailView",
    "SuiteEditView",
    "SuiteListView",
    "SuitePromptAddView",
    "SuitePromptRemoveView",
]
