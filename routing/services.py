"""Writes of routing configuration (aliases, rules, budgets) for the pages.

Each checks the actor's role, the model's own ``clean()``, and that every related key,
provider, user, alias and candidate model belongs to the actor's workspace: the one
validation pages and REST share. A taken name is a ValidationError on ``name``. Saving fires routing.signals, so the router sees the change at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model

from providers.models import Provider
from routing.models import BudgetScope, ModelAlias, RoutingRule, SpendBudget
from routing.pipeline.agent_hook import PREFIX as AGENT_PREFIX
from routing.selectors import catalog_labels
from workspaces.access import Actor
from workspaces.models import ApiKey
from workspaces.roles import Permission

ALIAS_FIELDS = frozenset({"name", "description", "strategy", "candidates", "enabled"})
RULE_FIELDS = frozenset(
    {
        "name", "position", "enabled", "tasks", "min_prompt_tokens", "max_prompt_tokens",
        "needs", "budget_states", "start_time", "end_time", "alias", "candidates", "strategy",
    }
)  # fmt: skip
BUDGET_FIELDS = frozenset(
    {
        "name", "scope", "provider", "api_key", "user", "period", "soft_limit_usd",
        "hard_limit_usd", "enabled",
    }
)  # fmt: skip
SCOPE_FIELDS = ("provider", "api_key", "user")

ConfigModel = TypeVar("ConfigModel", ModelAlias, RoutingRule, SpendBudget)


def _require(actor: Actor, permission: Permission) -> None:
    if not actor.can(permission):
        raise PermissionDenied("Your role in this workspace does not allow this.")


def _assign(instance: Model, allowed: frozenset[str], fields: dict[str, Any]) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"unknown {type(instance).__name__} fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(instance, name, value)


def _candidates_known(actor: Actor, candidates: Any) -> None:
    """Every candidate is an enabled model of an enabled provider of the actor's workspace:
    another workspace's model is as unknown as a made-up one."""
    known = set(catalog_labels(workspace=actor.workspace))
    unknown = [c["model"] for c in candidates or () if c["model"] not in known]
    if unknown:
        raise ValidationError(
            {
                "candidates": f"Not in this workspace's catalog of enabled models: {', '.join(unknown)}."
            }
        )


def _alias_known(actor: Actor, name: str) -> None:
    if name and not ModelAlias.objects.for_workspace(actor.workspace).filter(name=name).exists():
        raise ValidationError({"alias": f"No alias of this workspace is called {name!r}."})


def _save(actor: Actor, instance: ConfigModel, after: Any = None, check: Any = None) -> ConfigModel:
    """Validate and save ``instance`` in the actor's workspace: its fields (``full_clean``),
    then ``check`` (rules that need the workspace); ``after`` runs in the same transaction
    (many-to-many sets)."""
    instance.workspace = actor.workspace
    instance.full_clean(validate_constraints=False)
    if check is not None:
        check()
    taken = type(instance).objects.filter(workspace=actor.workspace, name=instance.name)
    if taken.exclude(pk=instance.pk).exists():
        raise ValidationError({"name": "That name is already used in this workspace."})
    try:
        with transaction.atomic():
            instance.save()
            if after is not None:
                after()
    except IntegrityError:  # a concurrent save took the name
        raise ValidationError({"name": "That name is already used in this workspace."}) from None
    return instance


def alias_create(*, actor: Actor, **fields: Any) -> ModelAlias:
    return alias_update(actor=actor, alias=ModelAlias(), **fields)


def alias_update(*, actor: Actor, alias: ModelAlias, **fields: Any) -> ModelAlias:
    _require(actor, Permission.MANAGE_PROVIDERS)
    _assign(alias, ALIAS_FIELDS, fields)
    if str(alias.name).startswith(AGENT_PREFIX):  # /v1 reads those as agents
        raise ValidationError({"name": f"Names starting {AGENT_PREFIX} call agents."})
    return _save(actor, alias, check=lambda: _candidates_known(actor, alias.candidates))


def alias_delete(*, actor: Actor, alias: ModelAlias) -> None:
    _require(actor, Permission.MANAGE_PROVIDERS)
    alias.delete()


def rule_create(*, actor: Actor, api_keys: Iterable[ApiKey] = (), **fields: Any) -> RoutingRule:
    return rule_update(actor=actor, rule=RoutingRule(), api_keys=api_keys, **fields)


def rule_update(
    *, actor: Actor, rule: RoutingRule, api_keys: Iterable[ApiKey] = (), **fields: Any
) -> RoutingRule:
    """``clean()`` insists on exactly one target: an alias or candidates of the rule's own."""
    _require(actor, Permission.MANAGE_PROVIDERS)
    keys = list(api_keys)
    if any(key.workspace_id != actor.workspace.pk for key in keys):
        raise ValidationError({"api_keys": "Unknown key in this workspace."})
    _assign(rule, RULE_FIELDS, fields)

    def targets_known() -> None:
        _alias_known(actor, rule.alias)
        _candidates_known(actor, rule.candidates)

    return _save(actor, rule, after=lambda: rule.api_keys.set(keys), check=targets_known)


def rule_delete(*, actor: Actor, rule: RoutingRule) -> None:
    _require(actor, Permission.MANAGE_PROVIDERS)
    rule.delete()


def budget_create(*, actor: Actor, **fields: Any) -> SpendBudget:
    return budget_update(actor=actor, budget=SpendBudget(), **fields)


def budget_update(*, actor: Actor, budget: SpendBudget, **fields: Any) -> SpendBudget:
    """Only the related object the scope names is kept; the others are cleared."""
    _require(actor, Permission.MANAGE_BUDGETS)
    _assign(budget, BUDGET_FIELDS, fields)
    for name in SCOPE_FIELDS:
        if name != budget.scope:
            setattr(budget, name, None)
    _check_scope_target(actor, budget)
    return _save(actor, budget)


def _check_scope_target(actor: Actor, budget: SpendBudget) -> None:
    workspace = actor.workspace
    allowed = {
        BudgetScope.PROVIDER: (budget.provider_id, Provider.objects.filter(workspace=workspace)),
        BudgetScope.API_KEY: (budget.api_key_id, ApiKey.objects.filter(workspace=workspace)),
        BudgetScope.USER: (
            budget.user_id,
            get_user_model().objects.filter(memberships__workspace=workspace),
        ),
    }
    if budget.scope not in allowed:
        return
    pk, rows = allowed[BudgetScope(budget.scope)]
    if pk is not None and not rows.filter(pk=pk).exists():
        raise ValidationError({budget.scope: "Unknown in this workspace."})


def budget_delete(*, actor: Actor, budget: SpendBudget) -> None:
    _require(actor, Permission.MANAGE_BUDGETS)
    budget.delete()
