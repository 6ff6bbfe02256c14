"""Browser pages for aliases, rules and budgets, under /w/<slug>/ like every workspace page.

(The /v1 API is ``routing/pipeline/urls.py``.)
"""

from django.urls import path

from routing import views

WS = "w/<slug:workspace_slug>"

urlpatterns = [
    path(f"{WS}/routing/", views.RoutingOverviewView.as_view(), name="routing-overview"),
    path(f"{WS}/routing/aliases/new/", views.AliasFormView.as_view(), name="alias-create"),
    path(
        f"{WS}/routing/aliases/<int:alias_id>/edit/",
        views.AliasEditView.as_view(),
        name="alias-edit",
    ),
    path(
        f"{WS}/routing/aliases/<int:alias_id>/delete/",
        views.AliasDeleteView.as_view(),
        name="alias-delete",
    ),
    path(f"{WS}/routing/rules/new/", views.RuleFormView.as_view(), name="rule-create"),
    path(f"{WS}/routing/rules/<int:rule_id>/edit/", views.RuleEditView.as_view(), name="rule-edit"),
    path(
        f"{WS}/routing/rules/<int:rule_id>/delete/",
        views.RuleDeleteView.as_view(),
        name="rule-delete",
    ),
    path(f"{WS}/budgets/", views.BudgetListView.as_view(), name="budget-list"),
    path(f"{WS}/budgets/new/", views.BudgetFormView.as_view(), name="budget-create"),
    path(
        f"{WS}/budgets/<int:budget_id>/edit/",
        views.BudgetEditView.as_view(),
        name="budget-edit",
    ),
    path(
        f"{WS}/budgets/<int:budget_id>/delete/",
        views.BudgetDeleteView.as_view(),
        name="budget-delete",
    ),
]
