"""Try a route on the routing page: the route step's own decision, without calling a model.

The first tests compare it with real /v1 calls through the live hub and the simulated
provider; the rest check each reason a candidate is skipped and that bad input is a form
error on the page, never a 500."""

from __future__ import annotations

import re
from decimal import Decimal
from html import unescape

import httpx
import pytest
from asgiref.sync import async_to_sync
from django.urls import reverse

from analytics.models import UsageRecord
from providers.models import ProviderModel
from routing.models import ModelAlias, RoutingRule, SpendBudget
from routing.pipeline.live_stats import stats_reset
from routing.reliability import (
    breaker_backend,
    breaker_config,
    deployment_key,
    local_backends_reset,
)
from routing.signals import pipeline_caches_clear
from tests import factories
from tests.analytics.factories import make_usage
from tests.factories import make_catalog, make_provider
from tests.live_hub import recorded_usage

USER = [{"role": "user", "content": "route me please"}]


@pytest.fixture(autouse=True)
def _fresh_routing():
    """Loaded routing, breakers, budget counters and live numbers are process-wide."""
    pipeline_caches_clear()
    local_backends_reset()
    stats_reset()
    yield
    pipeline_caches_clear()


def try_route(client, workspace, **query):
    return client.get(reverse("routing-overview", args=[workspace.slug]), query)


def first_choice(body: str) -> str:
    found = re.search(r"data-try-first>([^<]+)<", body)
    return unescape(found.group(1)) if found else ""


def row_of(body: str, label: str) -> tuple[str, str]:
    """(outcome, why) of ``label``'s row in the result table."""
    found = re.search(
        rf'<tr data-candidate="{re.escape(label)}" data-outcome="([a-z-]+)".*?'
        r'<span class="cell-sub try-why">(.*?)</span>',
        body,
        re.S,
    )
    assert found, f"no row for {label}"
    return found.group(1), unescape(found.group(2))


def call(gateway, model: str, headers=None) -> httpx.Response:
    return httpx.post(
        f"{gateway.v1}/chat/completions",
        json={"model": model, "messages": USER},
        headers={"Authorization": f"Bearer {gateway.key}", **(headers or {})},
        timeout=30,
    )


def answered_by(response: httpx.Response) -> str:
    assert response.status_code == 200, response.text
    return f"{response.headers['x-hub-provider']}/{response.headers['x-hub-model']}"


def open_breaker(provider_id: int, model: str) -> None:
    config = breaker_config()

    async def fail() -> None:
        for _ in range(config.failure_threshold):
            await breaker_backend().record_failure(
                deployment_key(provider_id, model), config, probe=False
            )

    async_to_sync(fail)()


def test_the_dry_run_picks_the_candidate_that_answers_a_real_call(gateway, signed_in, settings):
    """An open breaker sends the alias to its fallback; the dry run says so, records nothing,
    and the real call is answered by the candidate it named."""
    settings.HUB_BREAKER_FAILURES = 2
    for _ in range(2):
        assert call(gateway, "sim/fault-503").status_code == 503
    ModelAlias.objects.create(
        workspace=gateway.workspace, name="resilient",
        candidates=[{"model": "sim/fault-503"}, {"model": "sim/echo"}],
    )  # fmt: skip
    before = len(recorded_usage())
    client = signed_in(factories.owner_of(gateway.workspace))
    response = try_route(client, gateway.workspace, model="resilient", prompt_tokens=20)
    assert response.status_code == 200
    body = response.content.decode()
    assert first_choice(body) == "sim/echo"
    outcome, why = row_of(body, "sim/fault-503")
    assert outcome == "passed-over" and "circuit breaker open" in why
    assert row_of(body, "sim/echo")[0] == "first"
    assert "alias=resilient strategy=ordered" in body
    assert len(recorded_usage()) == before  # a dry run writes no usage record

    real = call(gateway, "resilient")
    assert answered_by(real) == first_choice(body)
    assert real.headers["x-hub-route"] == "alias=resilient strategy=ordered"


def test_a_task_tag_matching_a_rule_changes_the_choice_as_it_does_for_a_call(gateway, signed_in):
    ModelAlias.objects.create(
        workspace=gateway.workspace, name="auto", candidates=[{"model": "sim/fault-500"}]
    )
    ModelAlias.objects.create(
        workspace=gateway.workspace, name="summariser", candidates=[{"model": "sim/echo"}]
    )
    RoutingRule.objects.create(
        workspace=gateway.workspace, name="summaries", tasks=["summarise"], alias="summariser"
    )
    client = signed_in(factories.owner_of(gateway.workspace))
    untagged = try_route(client, gateway.workspace, model="auto", prompt_tokens=10).content
    assert first_choice(untagged.decode()) == "sim/fault-500"
    assert "none matched" in untagged.decode()
    tagged = try_route(
        client, gateway.workspace, model="auto", task="summarise", prompt_tokens=10
    ).content.decode()
    assert first_choice(tagged) == "sim/echo"
    assert "“summaries” matched" in tagged
    assert "rule=summaries alias=summariser strategy=ordered" in tagged

    real = call(gateway, "auto", headers={"x-hub-task": "summarise"})
    assert answered_by(real) == "sim/echo"
    assert real.headers["x-hub-route"] == "rule=summaries alias=summariser strategy=ordered"


def test_the_cost_strategy_choice_is_the_calls(gateway, signed_in):
    ProviderModel.objects.filter(provider=gateway.provider, name="fault-503").update(
        input_price_per_mtok=Decimal("50"), output_price_per_mtok=Decimal("50")
    )
    ModelAlias.objects.create(
        workspace=gateway.workspace, name="cheap", strategy="cost",
        candidates=[{"model": "sim/fault-503"}, {"model": "sim/echo"}],
    )  # fmt: skip
    body = try_route(
        signed_in(factories.owner_of(gateway.workspace)),
        gateway.workspace,
        model="cheap",
        prompt_tokens=8,
    ).content.decode()
    assert first_choice(body) == "sim/echo" and "cheapest healthy candidate" in body
    assert row_of(body, "sim/fault-503") == ("fallback", "called if sim/echo fails")
    assert answered_by(call(gateway, "cheap")) == "sim/echo"


@pytest.mark.django_db
class TestReasons:
    @pytest.fixture
    def sim(self, workspace):
        return make_catalog(workspace)

    @pytest.fixture
    def client(self, owner, signed_in):
        return signed_in(owner)

    def test_a_prompt_beyond_a_context_window_skips_that_model(self, workspace, sim, client):
        ProviderModel.objects.filter(provider=sim, name="echo").update(context_window=8000)
        ModelAlias.objects.create(
            workspace=workspace, name="sized",
            candidates=[{"model": "sim/echo"}, {"model": "sim/slow"}],
        )  # fmt: skip
        small = try_route(client, workspace, model="sized", prompt_tokens=1000).content.decode()
        assert first_choice(small) == "sim/echo"
        large = try_route(client, workspace, model="sized", prompt_tokens=9000).content.decode()
        assert first_choice(large) == "sim/slow"
        assert row_of(large, "sim/echo") == ("skipped", "context 8k < 9256 tokens")
        assert "1 skipped (context 8k &lt; 9256 tokens)" in large

    def test_an_explicit_model_too_small_for_the_prompt_is_refused(self, workspace, sim, client):
        ProviderModel.objects.filter(provider=sim, name="echo").update(context_window=8000)
        body = try_route(client, workspace, model="sim/echo", prompt_tokens=9000).content
        assert "No candidate can serve this request" in body.decode()
        assert first_choice(body.decode()) == ""

    def test_an_open_breaker_passes_the_model_over(self, workspace, sim, client):
        ModelAlias.objects.create(
            workspace=workspace, name="fast",
            candidates=[{"model": "sim/echo"}, {"model": "sim/slow"}],
        )  # fmt: skip
        open_breaker(sim.pk, "echo")
        body = try_route(client, workspace, model="fast", prompt_tokens=10).content.decode()
        assert first_choice(body) == "sim/slow"
        outcome, why = row_of(body, "sim/echo")
        assert outcome == "passed-over" and why.startswith("circuit breaker open")

    def test_a_disabled_provider_is_left_out_and_says_so(self, workspace, sim, client):
        ModelAlias.objects.create(
            workspace=workspace, name="mixed",
            candidates=[{"model": "off/gone"}, {"model": "sim/echo"}],
        )  # fmt: skip
        body = try_route(client, workspace, model="mixed", prompt_tokens=10).content.decode()
        assert first_choice(body) == "sim/echo"
        assert row_of(body, "off/gone") == ("left-out", "its provider off is disabled")

    def test_a_spent_provider_budget_passes_its_models_over(self, workspace, sim, client):
        other = make_provider(workspace, kind="simulated", name="Alt", slug="alt")
        ProviderModel.objects.create(workspace=workspace, provider=other, name="echo")
        SpendBudget.objects.create(
            workspace=workspace, name="Sim cap", scope="provider", provider=sim, period="day",
            hard_limit_usd=Decimal("0.01"),
        )  # fmt: skip
        make_usage(workspace, provider=sim, cost_usd=Decimal("0.02"))
        ModelAlias.objects.create(
            workspace=workspace, name="spread",
            candidates=[{"model": "sim/echo"}, {"model": "alt/echo"}],
        )  # fmt: skip
        body = try_route(client, workspace, model="spread", prompt_tokens=10).content.decode()
        assert first_choice(body) == "alt/echo"
        outcome, why = row_of(body, "sim/echo")
        assert outcome == "passed-over" and "Sim cap" in why and "exhausted" in why

    def test_the_workspace_token_quota_refuses_the_call(self, workspace, sim, client):
        type(workspace).objects.filter(pk=workspace.pk).update(tokens_per_day=500)
        pipeline_caches_clear()
        body = try_route(client, workspace, model="sim/echo", prompt_tokens=1000).content
        text = unescape(body.decode())
        assert "Refused" in text and "larger than the workspace tokens/day limit of 500" in text
        assert first_choice(body.decode()) == ""

    def test_a_viewer_may_try_a_route(self, workspace, sim, member_of, signed_in):
        response = try_route(
            signed_in(member_of("viewer")), workspace, model="sim/echo", prompt_tokens=5
        )
        assert response.status_code == 200
        body = response.content.decode()
        assert first_choice(body) == "sim/echo" and "Your role may not call models" in body

    def test_no_usage_record_is_written(self, workspace, sim, client):
        for model in ("sim/echo", "sim/slow"):
            assert try_route(client, workspace, model=model, prompt_tokens=3).status_code == 200
        assert not UsageRecord.objects.exists()

    def test_another_workspace_gets_404(self, workspace, sim, other_workspace, signed_in):
        stranger = signed_in(factories.owner_of(other_workspace))
        response = try_route(stranger, workspace, model="sim/echo", prompt_tokens=5)
        assert response.status_code == 404

    def test_the_form_offers_aliases_and_catalog_models(self, workspace, sim, client):
        ModelAlias.objects.create(
            workspace=workspace, name="fast", candidates=[{"model": "sim/echo"}]
        )
        body = client.get(reverse("routing-overview", args=[workspace.slug])).content.decode()
        datalist = body[body.index('<datalist id="try-route-models">') :]
        datalist = datalist[: datalist.index("</datalist>")]
        assert '<option value="fast">' in datalist and '<option value="sim/echo">' in datalist
        assert "off/gone" not in datalist
        assert "data-try-result" not in body  # nothing tried yet

    @pytest.mark.parametrize(
        ("query", "message"),
        [
            ({"model": "nope", "prompt_tokens": "5"}, "nope is neither an alias"),
            ({"model": "sim/nope", "prompt_tokens": "5"}, "sim/nope: not in this workspace"),
            ({"model": "off/gone", "prompt_tokens": "5"}, "off/gone: its provider off is disabled"),
            ({"model": "sim/echo", "prompt_tokens": "-1"}, "greater than or equal to 0"),
            ({"model": "sim/echo", "prompt_tokens": "lots"}, "Enter a whole number"),
            ({"model": "sim/echo", "prompt_tokens": "1e99"}, "Enter a whole number"),
            ({"model": "sim/echo", "prompt_tokens": "99999999999"}, "less than or equal to"),
            ({"model": "sim/echo"}, "This field is required"),
            ({"model": "", "prompt_tokens": "5"}, "This field is required"),
            ({"model": "x" * 300, "prompt_tokens": "5"}, "at most 200 characters"),
            ({"model": "sim/echo", "prompt_tokens": "5", "task": "t" * 65}, "at most 64"),
        ],
    )
    def test_bad_input_is_a_form_error_never_a_500(self, workspace, sim, client, query, message):
        response = try_route(client, workspace, **query)
        assert response.status_code == 400
        body = unescape(response.content.decode())
        assert message in body, body[body.find("has-error") - 200 : body.find("has-error") + 600]
        assert "data-try-result" not in body

    def test_a_disabled_alias_is_a_form_error(self, workspace, sim, client):
        ModelAlias.objects.create(
            workspace=workspace, name="old", enabled=False, candidates=[{"model": "sim/echo"}]
        )
        response = try_route(client, workspace, model="old", prompt_tokens=5)
        assert response.status_code == 400
        assert "The alias old is disabled." in response.content.decode()
