"""routing.services: the checks behind the pages hold on their own, without a form."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from routing import services
from routing.models import RoutingRule, SpendBudget
from tests import factories
from tests.factories import make_api_key

pytestmark = pytest.mark.django_db


def test_a_member_may_not_change_routing_or_budgets(workspace):
    member = factories.actor_for(factories.add_member(workspace, "member"), workspace)
    with pytest.raises(PermissionDenied):
        services.alias_create(actor=member, name="a", candidates=[{"model": "x/y"}])
    with pytest.raises(PermissionDenied):
        services.budget_create(actor=member, name="b", hard_limit_usd=1)


def test_another_workspaces_key_provider_or_member_is_refused(workspace, other_workspace):
    owner = factories.owner_actor(workspace)
    with pytest.raises(ValidationError) as error:
        services.rule_create(
            actor=owner, name="r", alias="fast", api_keys=[make_api_key(other_workspace)]
        )
    assert "api_keys" in error.value.message_dict
    foreign = {
        "provider": factories.make_provider(other_workspace, kind="simulated"),
        "api_key": make_api_key(other_workspace),
        "user": factories.add_member(other_workspace, "member"),
    }
    for scope, target in foreign.items():
        with pytest.raises(ValidationError) as error:
            services.budget_create(
                actor=owner, name=scope, scope=scope, hard_limit_usd=1, **{scope: target}
            )
        assert scope in error.value.message_dict
    assert not RoutingRule.objects.exists() and not SpendBudget.objects.exists()


def test_a_budget_keeps_only_the_target_its_scope_names(workspace):
    owner = factories.owner_actor(workspace)
    key = make_api_key(workspace)
    budget = services.budget_create(
        actor=owner, name="b", scope="api_key", api_key=key, hard_limit_usd=1
    )
    services.budget_update(actor=owner, budget=budget, scope="workspace", api_key=key)
    budget.refresh_from_db()
    assert budget.scope == "workspace" and budget.api_key is None
