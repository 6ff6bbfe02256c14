"""What the model picker offers and preselects: models grouped by provider with context,
price and health, aliases last with their candidates; the user's last choice unless its
provider is down or its breaker open, else the first model that is up."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync

from analytics.health.models import HealthCheck, HealthSource
from hub.workbench.model_choices import default_model, model_choices
from providers.models import ProviderModel
from routing.models import ModelAlias
from routing.reliability import breaker_backend, breaker_config, deployment_key
from routing.reliability.backends import local_backends_reset
from tests import factories
from tests.hub.workbench.rows import conversation_make
from tests.live_hub import PRICES, wire_provider

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_providers(workspace):
    local_backends_reset()
    first = wire_provider(workspace, slug="alpha", base_url="http://127.0.0.1:9")
    second = wire_provider(workspace, slug="beta", base_url="http://127.0.0.1:9")
    ProviderModel.objects.filter(provider=first, name="echo").update(context_window=128_000)
    ModelAlias.objects.create(
        workspace=workspace, name="fast",
        candidates=[{"model": "alpha/echo"}, {"model": "beta/echo"}],
    )  # fmt: skip
    yield workspace, first, second
    local_backends_reset()


def actor(workspace):
    return factories.actor_for(workspace.memberships.get(role="owner").user, workspace)


def by_id(workspace) -> dict:
    return {choice["id"]: choice for choice in model_choices(actor=actor(workspace))}


def fail_checks(workspace, provider) -> None:
    for _ in range(2):  # two failed active checks in a row: down
        HealthCheck.objects.create(
            workspace=workspace, provider=provider, ok=False, source=HealthSource.ACTIVE
        )


def test_models_are_grouped_by_provider_with_context_price_and_health(two_providers):
    workspace, first, _second = two_providers
    choices = by_id(workspace)
    echo = choices["alpha/echo"]
    assert echo["group"] == first.name and echo["health"] == "unknown" and echo["available"]
    assert echo["context"] == "128k context"
    assert echo["price"] == f"${PRICES['input_price_per_mtok']:.2f} in · " \
        f"${PRICES['output_price_per_mtok']:.2f} out per M"  # fmt: skip
    assert list(choices)[-1] == "fast" and choices["fast"]["group"] == "Aliases"
    assert choices["fast"]["context"] == "→ alpha/echo, beta/echo"
    assert choices["fast"]["health"] == "2 of 2 candidates up"


def test_embedding_and_rerank_models_are_not_offered_for_chat(two_providers):
    workspace, first, _second = two_providers
    ProviderModel.objects.create(
        workspace=workspace, provider=first, name="rerank-mini", is_rerank=True, **PRICES
    )
    choices = by_id(workspace)
    assert "alpha/echo" in choices
    assert "alpha/embed" not in choices and "alpha/rerank-mini" not in choices


def test_a_provider_that_is_down_is_never_preselected(two_providers):
    workspace, first, _second = two_providers
    conversation_make(workspace)  # its model, sim/echo, is not in this workspace's catalog
    fail_checks(workspace, first)
    choices = model_choices(actor=actor(workspace))
    by = {c["id"]: c for c in choices}
    assert by["alpha/echo"]["health"] == "down" and not by["alpha/echo"]["available"]
    assert by["fast"]["health"] == "1 of 2 candidates up" and by["fast"]["available"]
    assert default_model(choices, actor=actor(workspace)).startswith("beta/")


def test_the_last_choice_is_remembered_unless_its_breaker_is_open(two_providers):
    workspace, _first, second = two_providers
    user = workspace.memberships.get(role="owner").user
    conversation = conversation_make(workspace)
    conversation.model = "beta/echo"
    conversation.save()
    assert default_model(model_choices(actor=actor(workspace)), actor=actor(workspace)) == (
        "beta/echo"
    )
    config = breaker_config()
    key = deployment_key(second.pk, "echo")

    async def fail() -> None:
        for _ in range(config.failure_threshold):
            await breaker_backend().record_failure(key, config, probe=False)

    async_to_sync(fail)()
    choices = by_id(workspace)
    assert choices["beta/echo"]["health"] == "breaker open"
    assert not choices["beta/echo"]["available"]
    chosen = default_model(list(choices.values()), actor=factories.actor_for(user, workspace))
    assert chosen != "beta/echo" and choices[chosen]["available"]
