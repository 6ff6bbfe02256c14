"""Browser pages for aliases, rules and budgets; thin over routing.services and the forms.

(``routing/views.py`` is the /v1 API.) Object pages take ``alias_id`` / ``rule_id`` /
``budget_id`` and find them through queries scoped to the member's workspace
(workspaces.views.base), so another workspace's id is a 404 for every role.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from routing import services
from routing.budget_spend import budget_spend_list
from routing.config_text import rule_conditions
from routing.forms import AliasForm, BudgetForm, RouteTryForm, RuleForm
from routing.models import ModelAlias, QualityScore, RoutingRule, SpendBudget
from routing.route_trial import route_try
from workspaces.roles import Permission
from workspaces.views.base import WorkspacePageView, form_add_service_errors

MANAGE_PROVIDERS = {"GET": Permission.MANAGE_PROVIDERS, "POST": Permission.MANAGE_PROVIDERS}
MANAGE_BUDGETS = {"GET": Permission.MANAGE_BUDGETS, "POST": Permission.MANAGE_BUDGETS}


class RoutingOverviewView(WorkspacePageView):
    """Aliases and rules side by side, and Try a route (a GET form: ``?model=…``); anyone in
    the workspace may read them and try a route."""

    nav = "routing"
    template_name = "routing/overview.html"

    def get(self, request: HttpRequest, workspace_slug: str) -> HttpResponse:
        workspace = self.actor.workspace
        rules = RoutingRule.objects.for_workspace(workspace).prefetch_related("api_keys")
        bound = "model" in request.GET
        form = RouteTryForm(request.GET if bound else None, workspace=workspace)
        trial = None
        if bound and form.is_valid():
            try:
                trial = route_try(actor=self.actor, **form.cleaned_data)
            except ValidationError as error:
                form_add_service_errors(form, error)
        context = {
            "aliases": ModelAlias.objects.for_workspace(workspace),
            "rules": [{"rule": rule, "conditions": rule_conditions(rule)} for rule in rules],
            "try_form": form,
            "trial": trial,
            "quality_scores": QualityScore.objects.for_workspace(workspace),
        }
        return self.render_page(context, status=400 if form.errors else 200)


class BudgetListView(WorkspacePageView):
    """Every budget with this period's spend against its limits."""

    nav = "budgets"
    template_name = "routing/budgets.html"

    def get(self, request: HttpRequest, workspace_slug: str) -> HttpResponse:
        return self.render_page({"statuses": budget_spend_list(workspace=self.actor.workspace)})


class _ConfigPage(WorkspacePageView):
    """One kind of configuration row: its model, names and where its list lives."""

    model: ClassVar[type[Model]]
    noun: ClassVar[str]
    list_url_name: ClassVar[str]

    def scoped_queryset(self) -> QuerySet[Any]:
        return self.model.objects.for_workspace(self.actor.workspace)  # type: ignore[attr-defined]  # config models have a workspace manager

    def list_url(self) -> str:
        return reverse(self.list_url_name, args=[self.actor.workspace.slug])


class _FormPage(_ConfigPage):
    """Create (no object in the URL) or edit (``object_kwarg``) through a form and a service."""

    def form(self, data: Any = None) -> forms.Form:
        raise NotImplementedError

    def save(self, data: dict[str, Any]) -> Model:
        """Call the service; raises ValidationError for the form."""
        raise NotImplementedError

    def get(self, request: HttpRequest, workspace_slug: str, **ids: int) -> HttpResponse:
        return self.render_page({"form": self.form(), "object": self.object})

    def post(self, request: HttpRequest, workspace_slug: str, **ids: int) -> HttpResponse:
        form = self.form(request.POST)
        if form.is_valid():
            try:
                saved = self.save(form.cleaned_data)
            except ValidationError as error:
                form_add_service_errors(form, error)
            else:
                verb = "saved" if self.object is not None else "created"
                messages.success(request, f"{self.noun.capitalize()} “{saved}” {verb}.")
                return redirect(self.list_url())
        return self.render_page({"form": form, "object": self.object}, status=400)


class _DeletePage(_ConfigPage):
    template_name = "providers/confirm_delete.html"
    consequence: ClassVar[str] = ""

    def delete(self) -> None:
        raise NotImplementedError

    def get(self, request: HttpRequest, workspace_slug: str, **ids: int) -> HttpResponse:
        context = {
            "object": self.object,
            "kind": self.noun,
            "consequence": self.consequence,
            "cancel_url": self.list_url(),
        }
        return self.render_page(context)

    def post(self, request: HttpRequest, workspace_slug: str, **ids: int) -> HttpResponse:
        self.delete()
        messages.success(request, f"{self.noun.capitalize()} “{self.object}” deleted.")
        return redirect(self.list_url())


class _AliasPage(_ConfigPage):
    nav = "routing"
    model = ModelAlias
    noun = "alias"
    list_url_name = "routing-overview"
    permissions = MANAGE_PROVIDERS


class AliasFormView(_AliasPage, _FormPage):
    template_name = "routing/alias_form.html"

    def form(self, data: Any = None) -> forms.Form:
        initial = AliasForm.initial_for(self.object) if self.object is not None else None
        return AliasForm(data, initial=initial, workspace=self.actor.workspace)

    def save(self, data: dict[str, Any]) -> Model:
        if self.object is None:
            return services.alias_create(actor=self.actor, **data)
        return services.alias_update(actor=self.actor, alias=self.object, **data)


class AliasEditView(AliasFormView):
    object_kwarg = "alias_id"


class AliasDeleteView(_AliasPage, _DeletePage):
    object_kwarg = "alias_id"
    consequence = (
        "Callers using this name as the model get “model not found”, and rules that send "
        "requests to it stop matching."
    )

    def delete(self) -> None:
        services.alias_delete(actor=self.actor, alias=self.object)


class _RulePage(_ConfigPage):
    nav = "routing"
    model = RoutingRule
    noun = "rule"
    list_url_name = "routing-overview"
    permissions = MANAGE_PROVIDERS


class RuleFormView(_RulePage, _FormPage):
    template_name = "routing/rule_form.html"

    def form(self, data: Any = None) -> forms.Form:
        initial = RuleForm.initial_for(self.object) if self.object is not None else None
        return RuleForm(data, initial=initial, workspace=self.actor.workspace, rule=self.object)

    def save(self, data: dict[str, Any]) -> Model:
        if self.object is None:
            return services.rule_create(actor=self.actor, **data)
        return services.rule_update(actor=self.actor, rule=self.object, **data)


class RuleEditView(RuleFormView):
    object_kwarg = "rule_id"


class RuleDeleteView(_RulePage, _DeletePage):
    object_kwarg = "rule_id"
    consequence = "Requests it matched are routed by the next matching rule, or by their alias."

    def delete(self) -> None:
        services.rule_delete(actor=self.actor, rule=self.object)


class _BudgetPage(_ConfigPage):
    nav = "budgets"
    model = SpendBudget
    noun = "budget"
    list_url_name = "budget-list"
    permissions = MANAGE_BUDGETS


class BudgetFormView(_BudgetPage, _FormPage):
    template_name = "routing/budget_form.html"

    def form(self, data: Any = None) -> forms.Form:
        initial = BudgetForm.initial_for(self.object) if self.object is not None else None
        return BudgetForm(data, initial=initial, workspace=self.actor.workspace)

    def save(self, data: dict[str, Any]) -> Model:
        if self.object is None:
            return services.budget_create(actor=self.actor, **data)
        return services.budget_update(actor=self.actor, budget=self.object, **data)


class BudgetEditView(BudgetFormView):
    object_kwarg = "budget_id"


class BudgetDeleteView(_BudgetPage, _DeletePage):
    object_kwarg = "budget_id"
    consequence = "Calls in its scope are no longer limited or alerted on by it."

    def delete(self) -> None:
        services.budget_delete(actor=self.actor, budget=self.object)
