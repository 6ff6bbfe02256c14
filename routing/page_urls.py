"""Browser pages for aliases, rules and budgets, under /w/<slug>/ like every workspace page.

(``routing/urls.py`` is the /v1 API.)
"""

from django.urls import path

from routing import pages

WS = "w/<slug:workspace_slug>"

urlpatterns = [
    path(f"{WS}/routing/", pages.RoutingOverviewView.as_view(), name="routing-overview"),
    path(f"{WS}/routing/aliases/new/", pages.AliasFormView.as_view(), name="alias-create"),
    path(
        f"{WS}/routing/aliases/<int:alias_id>/edit/",
        pages.AliasEditView.as_view(),
        name="alias-edit",
    ),
    path(
        f"{WS}/routing/aliases/<int:alias_id>/delete/",
        pages.AliasDeleteView.as_view(),
        name="alias-delete",
    ),
    path(f"{WS}/routing/rules/new/", pages.RuleFormView.as_view(), name="rule-create"),
    path(f"{WS}/routing/rules/<int:rule_id>/edit/", pages.RuleEditView.as_view(), name="rule-edit"),
    path(
        f"{WS}/routing/rules/<int:rule_id>/delete/",
        pages.RuleDeleteView.as_view(),
        name="rule-delete",
    ),
    path(f"{WS}/budgets/", pages.BudgetListView.as_view(), name="budget-list"),
    path(f"{WS}/budgets/new/", pages.BudgetFormView.as_view(), name="budget-create"),
    path(
        f"{WS}/budgets/<int:budget_id>/edit/",
        pages.BudgetEditView.as_view(),
        name="budget-edit",
    ),
    path(
        f"{WS}/budgets/<int:budget_id>/delete/",
        pages.BudgetDeleteView.as_view(),
        name="budget-delete",
    ),
]
