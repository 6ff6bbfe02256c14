"""Workspace routing configuration: model aliases and routing rules.

An alias is a name callers use as the model (``fast``, ``cheap``, ``auto``) standing for an
ordered list of ``provider/model`` candidates and a strategy. Rules re-route requests made to
any alias when their conditions hold; an explicit ``provider/model`` is never re-routed.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models

from workspaces.models import Workspace
from workspaces.scoping import WorkspaceScopedManager

STRATEGY_CHOICES = [
    ("ordered", "Ordered: a fallback chain"),
    ("cost", "Cost: cheapest for the expected tokens"),
    ("latency", "Latency: fastest recent time to first token"),
    ("quality", "Quality: highest score"),
    ("balanced", "Balanced: weighted cost, latency, availability, quality"),
    ("weighted", "Weighted load balancing"),
    ("least_busy", "Least busy: fewest requests in flight"),
]
alias_name = RegexValidator(
    r"^[a-zA-Z0-9][a-zA-Z0-9_.:-]{0,63}$",
    "Letters, digits and _ . : - only (no slash: slashes address provider/model).",
)


def candidates_validate(value: object) -> None:
    """A list of {"model": "provider/model", "weight"?: number, "quality"?: 0..1}."""
    if not isinstance(value, list) or not value:
        raise ValidationError("List at least one candidate.")
    for index, item in enumerate(value):
        if not isinstance(item, dict) or not isinstance(item.get("model"), str):
            raise ValidationError(f'Candidate {index + 1} needs a "model" such as "openai/gpt-4o".')
        if "/" not in item["model"]:
            raise ValidationError(f"Candidate {item['model']!r} must be provider/model.")
        weight, quality = item.get("weight", 1), item.get("quality")
        if not isinstance(weight, int | float) or weight < 0:
            raise ValidationError(f"Candidate {item['model']!r}: weight must be a number ≥ 0.")
        if quality is not None and (not isinstance(quality, int | float) or not 0 <= quality <= 1):
            raise ValidationError(f"Candidate {item['model']!r}: quality must be between 0 and 1.")


class ModelAlias(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=64, validators=[alias_name])
    description = models.CharField(max_length=200, blank=True)
    strategy = models.CharField(max_length=16, choices=STRATEGY_CHOICES, default="ordered")
    candidates = models.JSONField(
        validators=[candidates_validate],
        help_text='[{"model": "openai/gpt-4o-mini", "weight": 1, "quality": 0.8}, ...]',
    )
    enabled = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = WorkspaceScopedManager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "model aliases"
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="unique_alias_name")
        ]

    def __str__(self) -> str:
        return self.name


class RoutingRule(models.Model):
    """First match wins, by ``position``. Conditions left empty match anything."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="rules")
    name = models.CharField(max_length=64)
    position = models.PositiveIntegerField(default=100)
    enabled = models.BooleanField(default=True)
    # Conditions
    tasks = models.JSONField(default=list, blank=True, help_text='Task tags, e.g. ["summarise"].')
    min_prompt_tokens = models.PositiveIntegerField(null=True, blank=True)
    max_prompt_tokens = models.PositiveIntegerField(null=True, blank=True)
    needs = models.JSONField(
        default=list, blank=True, help_text='Any of "tools", "vision", "json".'
    )
    api_keys = models.ManyToManyField("workspaces.ApiKey", blank=True, related_name="+")
    budget_states = models.JSONField(
        default=list, blank=True, help_text='Any of "ok", "soft", "hard".'
    )
    start_time = models.TimeField(null=True, blank=True, help_text="UTC, with end time.")
    end_time = models.TimeField(null=True, blank=True)
    # Target: an alias, or candidates of its own
    alias = models.CharField(max_length=64, blank=True)
    candidates = models.JSONField(default=list, blank=True)
    strategy = models.CharField(max_length=16, choices=STRATEGY_CHOICES, blank=True)

    objects = WorkspaceScopedManager()

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="unique_rule_name")
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if bool(self.alias) == bool(self.candidates):
            raise ValidationError("A rule sends requests to an alias or to candidates: pick one.")
        if self.candidates:
            candidates_validate(self.candidates)
        _strings_validate(self.tasks, "tasks")
        _strings_validate(self.needs, "needs", allowed={"tools", "vision", "json"})
        _strings_validate(self.budget_states, "budget_states", allowed={"ok", "soft", "hard"})
        if (self.start_time is None) != (self.end_time is None):
            raise ValidationError("Set both start and end time, or neither.")


def _strings_validate(value: object, field: str, *, allowed: set[str] | None = None) -> None:
    """A list of strings (of ``allowed`` ones, when given), or a ValidationError on ``field``."""
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationError({field: "Give a list of strings."})
    unknown = sorted(set(value) - allowed) if allowed is not None else []
    if unknown:
        choices = ", ".join(f'"{a}"' for a in sorted(allowed or ()))
        raise ValidationError({field: f"Unknown: {unknown}. Use {choices}."})


class BudgetScope(models.TextChoices):
    WORKSPACE = "workspace", "The whole workspace"
    PROVIDER = "provider", "One provider"
    API_KEY = "api_key", "One API key"
    USER = "user", "One user"


class BudgetPeriod(models.TextChoices):
    DAY = "day", "Day"
    WEEK = "week", "Week"
    MONTH = "month", "Month"


class SpendBudget(models.Model):
    """A spending limit for a scope and calendar period (UTC). The soft limit alerts at
    50/80/100 %; the hard limit rejects new calls with 429 once reached."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="budgets")
    name = models.CharField(max_length=120)
    scope = models.CharField(
        max_length=16, choices=BudgetScope.choices, default=BudgetScope.WORKSPACE
    )
    provider = models.ForeignKey(
        "providers.Provider", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    api_key = models.ForeignKey(
        "workspaces.ApiKey", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    period = models.CharField(
        max_length=8, choices=BudgetPeriod.choices, default=BudgetPeriod.MONTH
    )
    soft_limit_usd = models.DecimalField(max_digits=14, decimal_places=6, null=True, blank=True)
    hard_limit_usd = models.DecimalField(max_digits=14, decimal_places=6, null=True, blank=True)
    enabled = models.BooleanField(default=True)

    objects = WorkspaceScopedManager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="unique_budget_name")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def scope_id(self) -> int | None:
        ids_by_scope: dict[str, int | None] = {
            BudgetScope.WORKSPACE: self.workspace_id,
            BudgetScope.PROVIDER: self.provider_id,
            BudgetScope.API_KEY: self.api_key_id,
            BudgetScope.USER: self.user_id,
        }
        return ids_by_scope[self.scope]

    def clean(self) -> None:
        if self.soft_limit_usd is None and self.hard_limit_usd is None:
            raise ValidationError("Set a soft limit, a hard limit, or both.")
        for limit in (self.soft_limit_usd, self.hard_limit_usd):
            if limit is not None and limit <= 0:
                raise ValidationError("Limits must be greater than 0.")
        if self.scope != BudgetScope.WORKSPACE and self.scope_id is None:
            raise ValidationError({self.scope: f"Choose the {self.get_scope_display().lower()}."})
        for related in (self.provider, self.api_key):
            if related is not None and related.workspace_id != self.workspace_id:
                raise ValidationError("That belongs to another workspace.")


class StoredResponse(models.Model):
    """A /v1/responses answer kept so a later call can continue it (``previous_response_id``)
    and a client can read or delete it; purged once ``expires_at`` passes."""

    id = models.CharField(primary_key=True, max_length=64)
    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="stored_responses"
    )
    api_key = models.ForeignKey(
        "workspaces.ApiKey", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)
    # The conversation in chat form up to and including this answer, instructions excluded
    # (a follow-up's own instructions replace them, as OpenAI's API does).
    conversation = models.JSONField()
    input_items = models.JSONField()  # this request's input, as items with ids
    response = models.JSONField()  # the Response object, as it was returned

    objects = WorkspaceScopedManager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.id


class QualityScore(models.Model):
    """A measured quality of one model (optionally for one task tag), published by whatever
    measured it (an evaluation suite) through ``routing.quality``. The ``quality`` and
    ``balanced`` strategies prefer it to a hand-set score, and say where it came from."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    # Who published it ("evals-suite:12"): a new publication replaces that source's scores.
    source_key = models.CharField(max_length=100)
    source = models.CharField(max_length=300)  # for people: "suite 'support-replies'"
    model = models.CharField(max_length=300)  # provider/model
    task = models.CharField(max_length=64, blank=True)  # "" for every task
    score = models.FloatField()  # 0..1
    margin = models.FloatField(default=0.0)  # half the 95 % interval
    cases = models.PositiveIntegerField(default=0)
    detail = models.CharField(max_length=300, blank=True)  # "run #4, 36 cells"
    measured_at = models.DateTimeField()

    objects = WorkspaceScopedManager()

    class Meta:
        ordering = ["model", "task"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "source_key", "model", "task"], name="unique_quality_score"
            )
        ]

    def __str__(self) -> str:
        return f"{self.model} {self.task or '*'}: {self.score:.2f}"

    @property
    def note(self) -> str:
        """How the route reason names it: "on suite 'x' (0.86 ± 0.04)"."""
        return f"on {self.source} ({self.score:.2f} ± {self.margin:.2f})"
