"""Browser forms for aliases, rules and budgets.

Every choice of a related object (catalog model, alias, key, provider, member) is drawn
from the form's workspace only, so another workspace's id is an invalid choice before any
service runs. Candidates are typed as lines (routing.config_text); on the page
static/js/routing/candidate_picker.js puts a searchable catalog in front of those lines.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q

from providers.models import Provider
from providers.selectors import provider_list
from routing.config_text import candidates_format, candidates_parse
from routing.models import (
    STRATEGY_CHOICES,
    BudgetPeriod,
    BudgetScope,
    ModelAlias,
    RoutingRule,
    SpendBudget,
    alias_name,
)
from routing.selectors import alias_names, catalog_entries
from workspaces.models import ApiKey, Workspace

NEEDS_CHOICES = [("tools", "Tools"), ("vision", "Vision (images)"), ("json", "JSON mode")]
BUDGET_STATE_CHOICES = [
    ("ok", "Under the soft limit"),
    ("soft", "Soft limit reached"),
    ("hard", "Hard limit reached"),
]
CANDIDATES_HELP = (
    "One per line: provider/model, then optionally a weight (for weighted load balancing, "
    "default 1) and a quality score from 0 to 1. Example: openai/gpt-4o-mini 2 0.8"
)


class CandidatesField(forms.CharField):
    """A textarea of ``provider/model [weight] [quality]`` lines that cleans to the JSON list;
    that every model is in the workspace's catalog, routing.services checks (for REST too)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", CANDIDATES_HELP)
        attrs = {"rows": 6, "class": "mono", "spellcheck": "false", "data-candidate-picker": ""}
        super().__init__(widget=forms.Textarea(attrs=attrs), strip=True, **kwargs)

    def clean(self, value: Any) -> list[dict[str, Any]]:
        text = super().clean(value)
        candidates = candidates_parse(text or "")
        if self.required and not candidates:
            raise ValidationError("List at least one candidate.")
        return candidates


class AliasForm(forms.Form):
    name = forms.CharField(
        max_length=64,
        validators=[alias_name],
        help_text="What callers send as the model, e.g. fast, cheap, pricing.",
    )
    description = forms.CharField(max_length=200, required=False)
    strategy = forms.ChoiceField(choices=STRATEGY_CHOICES, initial="ordered")
    candidates = CandidatesField()
    enabled = forms.BooleanField(required=False, initial=True)

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.catalog = list(catalog_entries(workspace=workspace))

    @staticmethod
    def initial_for(alias: ModelAlias) -> dict[str, Any]:
        return {
            "name": alias.name,
            "description": alias.description,
            "strategy": alias.strategy,
            "candidates": candidates_format(alias.candidates),
            "enabled": alias.enabled,
        }


class KeyChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: ApiKey) -> str:
        revoked = " — revoked" if obj.revoked_at else ""
        return f"{obj.name} ({obj.prefix}…){revoked}"


class RuleForm(forms.Form):
    name = forms.CharField(max_length=64)
    position = forms.IntegerField(min_value=0, initial=100, help_text="Lower is checked first.")
    enabled = forms.BooleanField(required=False, initial=True)
    tasks = forms.CharField(
        required=False,
        help_text="Comma-separated task tags (x-hub-task header or metadata.task).",
    )
    min_prompt_tokens = forms.IntegerField(min_value=0, required=False, label="Prompt at least")
    max_prompt_tokens = forms.IntegerField(min_value=0, required=False, label="Prompt at most")
    needs = forms.MultipleChoiceField(
        choices=NEEDS_CHOICES, required=False, widget=forms.CheckboxSelectMultiple
    )
    api_keys = KeyChoiceField(
        queryset=ApiKey.objects.none(),
        required=False,
        label="Called with key",
        help_text="None selected: any key. Ctrl- or ⌘-click picks several.",
    )
    budget_states = forms.MultipleChoiceField(
        choices=BUDGET_STATE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Budget state",
    )
    start_time = forms.TimeField(
        required=False, widget=forms.TimeInput(attrs={"type": "time"}), label="From (UTC)"
    )
    end_time = forms.TimeField(
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
        label="Until (UTC)",
        help_text="May wrap midnight, e.g. 22:00 to 06:00.",
    )
    alias = forms.ChoiceField(required=False, label="Send to alias")
    candidates = CandidatesField(required=False, label="…or to these candidates")
    strategy = forms.ChoiceField(
        choices=[("", "The alias's own (ordered for candidates)"), *STRATEGY_CHOICES],
        required=False,
    )

    def __init__(
        self, *args: Any, workspace: Workspace, rule: RoutingRule | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.catalog = list(catalog_entries(workspace=workspace))
        current = list(rule.api_keys.values_list("pk", flat=True)) if rule else []
        self.fields["api_keys"].queryset = ApiKey.objects.for_workspace(workspace).filter(  # type: ignore[attr-defined]  # fields[] is typed as Field
            Q(revoked_at__isnull=True) | Q(pk__in=current)
        )
        names = list(ModelAlias.objects.for_workspace(workspace).values_list("name", flat=True))
        if rule is not None and rule.alias and rule.alias not in names:
            names.append(rule.alias)  # keep a target the REST API set, even if it is gone
        self.fields["alias"].choices = [("", "— none —"), *((n, n) for n in names)]  # type: ignore[attr-defined]  # fields[] is typed as Field

    def clean_tasks(self) -> list[str]:
        return [t.strip() for t in self.cleaned_data["tasks"].split(",") if t.strip()]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("min_prompt_tokens"), data.get("max_prompt_tokens")
        if low is not None and high is not None and low > high:
            self.add_error("max_prompt_tokens", "Must be at least the lower bound.")
        return data

    @staticmethod
    def initial_for(rule: RoutingRule) -> dict[str, Any]:
        return {
            "name": rule.name,
            "position": rule.position,
            "enabled": rule.enabled,
            "tasks": ", ".join(rule.tasks or []),
            "min_prompt_tokens": rule.min_prompt_tokens,
            "max_prompt_tokens": rule.max_prompt_tokens,
            "needs": rule.needs,
            "api_keys": list(rule.api_keys.all()),
            "budget_states": rule.budget_states,
            "start_time": rule.start_time,
            "end_time": rule.end_time,
            "alias": rule.alias,
            "candidates": candidates_format(rule.candidates or []),
            "strategy": rule.strategy,
        }


class RouteTryForm(forms.Form):
    """Try a route: what a call would be routed to, asked of the routing page by GET."""

    model = forms.CharField(
        max_length=200,
        label="Model or alias",
        help_text="An alias, or provider/model from the catalog.",
        widget=forms.TextInput(
            attrs={"list": "try-route-models", "autocomplete": "off", "spellcheck": "false"}
        ),
    )
    task = forms.CharField(
        max_length=64, required=False, label="Task tag", help_text="As x-hub-task would send it."
    )
    prompt_tokens = forms.IntegerField(
        min_value=0, max_value=10_000_000, initial=1000, label="Prompt size (tokens)"
    )

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "try_%s")
        super().__init__(*args, **kwargs)
        self.aliases = alias_names(workspace=workspace)
        self.catalog = list(catalog_entries(workspace=workspace))

    def clean_model(self) -> str:
        """Stripped; whether the workspace knows it, routing.route_trial says (and why not)."""
        return self.cleaned_data["model"].strip()

    def clean_task(self) -> str:
        return self.cleaned_data["task"].strip()


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.get_username()


class BudgetForm(forms.Form):
    name = forms.CharField(max_length=120)
    scope = forms.ChoiceField(choices=BudgetScope.choices, initial=BudgetScope.WORKSPACE)
    provider = forms.ModelChoiceField(
        queryset=Provider.objects.none(), required=False, empty_label="Choose a provider…"
    )
    api_key = forms.ModelChoiceField(
        queryset=ApiKey.objects.none(), required=False, label="API key", empty_label="Choose a key…"
    )
    user = MemberChoiceField(
        queryset=get_user_model().objects.none(),
        required=False,
        label="Member",
        empty_label="Choose a member…",
    )
    period = forms.ChoiceField(
        choices=BudgetPeriod.choices, initial=BudgetPeriod.MONTH, help_text="Calendar, UTC."
    )
    soft_limit_usd = forms.DecimalField(
        max_digits=14,
        decimal_places=6,
        required=False,
        label="Soft limit (USD)",
        help_text="Alerts at 50, 80 and 100 %.",
    )
    hard_limit_usd = forms.DecimalField(
        max_digits=14,
        decimal_places=6,
        required=False,
        label="Hard limit (USD)",
        help_text="New calls are refused (429) once reached.",
    )
    enabled = forms.BooleanField(required=False, initial=True)

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields = self.fields
        fields["provider"].queryset = provider_list(workspace=workspace)  # type: ignore[attr-defined]  # fields[] is typed as Field
        fields["api_key"].queryset = ApiKey.objects.for_workspace(workspace)  # type: ignore[attr-defined]  # fields[] is typed as Field
        fields["user"].queryset = (  # type: ignore[attr-defined]  # fields[] is typed as Field
            get_user_model().objects.filter(memberships__workspace=workspace).order_by("username")
        )
        for name in ("soft_limit_usd", "hard_limit_usd"):
            # Any amount, fractions of a cent included: a test budget may be $0.005.
            fields[name].widget.attrs.update({"step": "any", "placeholder": "none"})

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        soft, hard = data.get("soft_limit_usd"), data.get("hard_limit_usd")
        for name, limit in (("soft_limit_usd", soft), ("hard_limit_usd", hard)):
            if limit is not None and limit <= 0:
                self.add_error(name, "Must be greater than 0; leave it blank for no limit.")
        if soft is not None and hard is not None and soft > hard:
            self.add_error("soft_limit_usd", "Set the soft limit below the hard limit.")
        return data

    @staticmethod
    def initial_for(budget: SpendBudget) -> dict[str, Any]:
        return {
            "name": budget.name,
            "scope": budget.scope,
            "provider": budget.provider_id,
            "api_key": budget.api_key_id,
            "user": budget.user_id,
            "period": budget.period,
            "soft_limit_usd": budget.soft_limit_usd,
            "hard_limit_usd": budget.hard_limit_usd,
            "enabled": budget.enabled,
        }
