"""The model catalog: sync from a live provider, litellm's facts, overrides, addressing."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django_celery_beat.models import PeriodicTask

from hub.embedded import prepare_embedded_services
from hub.schedules import periodic_tasks_ensure
from providers.adapters.base import ModelInfo
from providers.catalog import catalog_merge, model_resolve, sync_all_models, sync_models
from providers.models import ModelSource, Provider, ProviderModel
from tests import factories

pytestmark = pytest.mark.django_db


def simulated(workspace, simulator, slug: str = "sim") -> Provider:
    provider = factories.make_provider(workspace, kind="simulated", slug=slug)
    Provider.objects.filter(pk=provider.pk).update(base_url=simulator.url)
    provider.refresh_from_db()
    return provider


def test_sync_lists_the_providers_models_with_their_prices(workspace, simulator):
    provider = simulated(workspace, simulator)
    result = sync_models(provider)
    assert result.added == result.listed == 4
    echo = ProviderModel.objects.get(provider=provider, name="echo")
    assert echo.input_price_per_mtok == Decimal(1) and echo.output_price_per_mtok == Decimal(2)
    assert echo.context_window == 32768 and echo.synced_at is not None
    assert ProviderModel.objects.get(provider=provider, name="embed").is_embedding
    reranker = ProviderModel.objects.get(provider=provider, name="rerank-mini")
    assert reranker.is_rerank and not reranker.is_embedding
    assert sync_models(provider).added == 0  # a second sync updates, never duplicates


def test_litellm_fills_prices_context_and_capabilities():
    from providers.pricing import facts_for

    facts = facts_for("openai", "gpt-4o-mini")
    assert facts is not None and facts.context_window and facts.context_window >= 128000
    assert facts.input_price and facts.input_price > 0 and facts.supports_tools
    assert facts_for("anthropic", "claude-haiku-4-5") is not None
    assert facts_for("openai", "no-such-model") is None


def test_merge_uses_litellm_when_the_list_has_no_prices(workspace):
    provider = factories.make_provider(workspace, kind="openai", slug="oa")
    catalog_merge(provider, [ModelInfo(id="gpt-4o-mini"), ModelInfo(id="my-finetune")])
    known = ProviderModel.objects.get(provider=provider, name="gpt-4o-mini")
    assert known.input_price_per_mtok and known.input_price_per_mtok > 0
    assert known.supports_tools and known.supports_vision
    unknown = ProviderModel.objects.get(provider=provider, name="my-finetune")
    assert unknown.input_price_per_mtok is None


def test_sync_keeps_overridden_prices_and_manual_models(workspace, simulator):
    provider = simulated(workspace, simulator)
    manual = ProviderModel.objects.create(
        workspace=workspace, provider=provider, name="echo-large", source=ModelSource.MANUAL,
        context_window=7,
    )  # fmt: skip
    sync_models(provider)
    ProviderModel.objects.filter(provider=provider, name="echo").update(
        input_price_per_mtok=Decimal("9.5"), prices_overridden=True
    )
    sync_models(provider)
    echo = ProviderModel.objects.get(provider=provider, name="echo")
    assert echo.input_price_per_mtok == Decimal("9.5")
    manual.refresh_from_db()
    assert manual.context_window == 7


def test_resolve_is_scoped_to_the_workspace(workspace, other_workspace):
    mine = factories.make_provider(workspace, kind="openrouter", slug="or")
    ProviderModel.objects.create(workspace=workspace, provider=mine, name="meta/llama-3")
    theirs = factories.make_provider(other_workspace, kind="openai", slug="theirs")
    ProviderModel.objects.create(workspace=other_workspace, provider=theirs, name="gpt")
    assert model_resolve(workspace=workspace, name="or/meta/llama-3").name == "meta/llama-3"
    assert model_resolve(workspace=workspace, name="theirs/gpt") is None
    assert model_resolve(workspace=workspace, name="no-slash") is None


def test_sync_command_reports_each_provider_and_fails_on_an_unreachable_one(workspace, simulator):
    simulated(workspace, simulator)
    out = StringIO()
    call_command("sync_models", "--workspace", workspace.slug, stdout=out)
    assert f"{workspace.slug}/sim: 4 listed, 4 added" in out.getvalue()
    broken = simulated(workspace, simulator, slug="down")
    Provider.objects.filter(pk=broken.pk).update(base_url="http://127.0.0.1:9")
    with pytest.raises(CommandError, match="1 provider"):
        call_command("sync_models", stdout=StringIO(), stderr=StringIO())
    outcome = sync_all_models()
    assert outcome[f"{workspace.pk}:down"].startswith("failed")
    assert outcome[f"{workspace.pk}:sim"].startswith("4 listed")


def test_periodic_sync_is_scheduled_once_and_admin_changes_stay(db):
    periodic_tasks_ensure()
    task = PeriodicTask.objects.get(task="providers.sync_all_models")
    task.enabled = False
    task.save()
    periodic_tasks_ensure()
    assert PeriodicTask.objects.filter(task="providers.sync_all_models").count() == 1
    assert not PeriodicTask.objects.get(task="providers.sync_all_models").enabled


def test_make_run_registers_the_simulated_provider_once(workspace, monkeypatch):
    monkeypatch.setenv("HUB_SIMULATOR_PORT", "18123")
    notes = prepare_embedded_services(workspace=workspace)
    prepare_embedded_services(workspace=workspace)
    provider = Provider.objects.get(workspace=workspace, slug="simulated")
    assert provider.is_simulated and provider.base_url == "http://127.0.0.1:18123"
    names = {"echo", "echo-large", "embed", "rerank-mini"}
    assert set(provider.models.values_list("name", flat=True)) == names
    reranker = provider.models.get(name="rerank-mini")
    assert reranker.is_rerank
    assert not (reranker.is_embedding or reranker.supports_tools or reranker.supports_json)
    assert "simulated/echo" in notes[0]


def test_make_run_without_the_simulator(workspace, monkeypatch):
    monkeypatch.setenv("HUB_SIMULATOR", "false")
    monkeypatch.setenv("HUB_LOCAL_WORKER", "false")
    assert prepare_embedded_services(workspace=workspace) == []
    assert not Provider.objects.filter(workspace=workspace).exists()


def test_sync_models_from_rest_page_and_admin(workspace, owner, simulator, client):
    provider = simulated(workspace, simulator)
    member = factories.add_member(workspace, "member")
    client.force_login(member)
    api = f"/api/workspaces/{workspace.slug}/providers/{provider.pk}/sync-models/"
    assert client.post(api).status_code == 403
    client.force_login(owner)
    assert client.post(api).json() == {"listed": 4, "added": 4, "updated": 0}
    page = client.post(f"/w/{workspace.slug}/providers/{provider.pk}/sync/", follow=True)
    assert "4 models listed: 0 new, 4 updated." in page.content.decode()
    Provider.objects.filter(pk=provider.pk).update(base_url="http://127.0.0.1:9")
    failed = client.post(api)
    assert failed.status_code == 502 and "could not connect" in failed.json()["error"]["message"]


def test_sync_models_admin_action(workspace, simulator, client):
    provider = simulated(workspace, simulator)
    client.force_login(factories.make_user(is_staff=True, is_superuser=True))
    response = client.post(
        "/admin/providers/provider/",
        {"action": "sync_models", "_selected_action": [provider.pk]},
        follow=True,
    )
    assert "4 listed, 4 new." in response.content.decode()


def test_listed_models_the_catalog_cannot_hold_are_left_out_not_a_failed_sync(workspace):
    """A provider's list is outside input: a name longer than the column, a context window
    or a price past what a column holds would fail the sync on PostgreSQL."""
    provider = factories.make_provider(workspace, kind="openai", slug="odd")
    listed = [
        ModelInfo(id="fine"),
        ModelInfo(id="x" * 201),
        ModelInfo(id="huge-context", context_window=2**40),
        ModelInfo(id="pricey", input_price_per_mtok=Decimal("1e12")),
        ModelInfo(id="bad\nname"),
    ]
    result = catalog_merge(provider, listed)
    assert result.added == 1 and list(provider.models.values_list("name", flat=True)) == ["fine"]
