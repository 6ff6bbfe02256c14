"""REST routes for routing configuration, inside a workspace (``workspace_slug``)."""

from django.urls import path

from routing import api

WS = "workspaces/<slug:workspace_slug>"

urlpatterns = [
    path(f"{WS}/aliases/", api.AliasListView.as_view(), name="api-alias-list"),
    path(f"{WS}/aliases/<int:pk>/", api.AliasDetailView.as_view(), name="api-alias-detail"),
    path(f"{WS}/rules/", api.RuleListView.as_view(), name="api-rule-list"),
    path(f"{WS}/rules/<int:pk>/", api.RuleDetailView.as_view(), name="api-rule-detail"),
    path(f"{WS}/budgets/", api.BudgetListView.as_view(), name="api-budget-list"),
    path(f"{WS}/budgets/<int:pk>/", api.BudgetDetailView.as_view(), name="api-budget-detail"),
]
