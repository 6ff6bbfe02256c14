"""Clear the in-process caches when the rows behind them change in this process; other
processes catch up within the caches' few seconds of TTL. ``pipeline_caches_clear`` is also
the public way for tests and admin actions to start from a clean slate."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save

from providers.models import Credential, Provider, ProviderModel
from routing.models import ModelAlias, RoutingRule, SpendBudget
from routing.pipeline.auth import actors
from routing.pipeline.budget_hold import budgets_seed_forget
from routing.pipeline.workspace_routing import routing_forget
from workspaces.models import ApiKey, Membership, Workspace


def pipeline_caches_clear(**_: Any) -> None:
    """Forget every key's actor, every workspace's routing and which budget counters were
    seeded, in this process."""
    actors.clear()
    routing_forget()
    budgets_seed_forget()


def _forget_actors(**_: Any) -> None:
    actors.clear()


def connect() -> None:
    model: type[Model]
    for model in (ApiKey, Membership, Workspace, get_user_model()):
        post_save.connect(
            _forget_actors, sender=model, dispatch_uid=f"routing-actors-{model.__name__}"
        )
        post_delete.connect(
            _forget_actors, sender=model, dispatch_uid=f"routing-actors-d-{model.__name__}"
        )
    for model in (
        Provider, ProviderModel, Credential, Workspace, ApiKey, ModelAlias, RoutingRule,
        SpendBudget,
    ):  # fmt: skip
        post_save.connect(
            routing_forget, sender=model, dispatch_uid=f"routing-config-{model.__name__}"
        )
        post_delete.connect(
            routing_forget, sender=model, dispatch_uid=f"routing-config-d-{model.__name__}"
        )
    m2m_changed.connect(
        routing_forget, sender=RoutingRule.api_keys.through, dispatch_uid="routing-rule-keys"
    )
