"""Clear the in-process caches when the rows behind them change in this process;
other processes catch up within the caches' few seconds of TTL."""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save


def _forget_callers(**_: Any) -> None:
    from routing.pipeline.auth import callers

    callers.clear()


def _forget_candidates(**_: Any) -> None:
    from routing.pipeline.candidates import candidates_forget
    from routing.pipeline.workspace_routing import routing_forget

    candidates_forget()
    routing_forget()


def connect() -> None:
    from django.contrib.auth import get_user_model

    from providers.models import Credential, Provider, ProviderModel
    from routing.models import ModelAlias, RoutingRule, SpendBudget
    from workspaces.models import ApiKey, Membership, Workspace

    model: type[Model]
    for model in (ApiKey, Membership, Workspace, get_user_model()):
        post_save.connect(
            _forget_callers, sender=model, dispatch_uid=f"routing-callers-{model.__name__}"
        )
        post_delete.connect(
            _forget_callers, sender=model, dispatch_uid=f"routing-callers-d-{model.__name__}"
        )
    for model in (
        Provider, ProviderModel, Credential, Workspace, ApiKey, ModelAlias, RoutingRule,
        SpendBudget,
    ):  # fmt: skip
        post_save.connect(
            _forget_candidates, sender=model, dispatch_uid=f"routing-cands-{model.__name__}"
        )
        post_delete.connect(
            _forget_candidates, sender=model, dispatch_uid=f"routing-cands-d-{model.__name__}"
        )
    m2m_changed.connect(
        _forget_candidates, sender=RoutingRule.api_keys.through, dispatch_uid="routing-rule-keys"
    )
