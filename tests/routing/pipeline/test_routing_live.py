"""Routing and reliability drills through the live hub and the simulated provider: aliases,
strategies, rules, fallback, retries, breakers, limits and budgets."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import httpx
import pytest

from providers.models import ProviderModel
from routing.models import ModelAlias, RoutingRule, SpendBudget
from routing.pipeline.live_stats import stats_reset
from routing.reliability import local_backends_reset
from tests.live_hub import recorded_usage, wire_provider
from tests.simulated import Simulator
from workspaces.models import ApiKey

USER = [{"role": "user", "content": "route me please"}]


def call(gateway, model: str, *, key: str | None = None, headers=None, **body) -> httpx.Response:
    return httpx.post(
        f"{gateway.v1}/chat/completions",
        json={"model": model, "messages": USER, **body},
        headers={"Authorization": f"Bearer {key or gateway.key}", **(headers or {})},
        timeout=30,
    )


def alias(gateway, name: str, models: list[str], strategy: str = "ordered", **extra) -> ModelAlias:
    return ModelAlias.objects.create(
        workspace=gateway.workspace, name=name, strategy=strategy,
        candidates=[{"model": m, **extra.get(m, {})} for m in models],
    )  # fmt: skip


@pytest.fixture(autouse=True)
def _fresh_breakers():
    """Breakers are process-wide; each drill starts with all of them closed."""
    local_backends_reset()
    stats_reset()
    yield


def test_an_alias_falls_back_inside_the_same_request(gateway):
    alias(gateway, "safe", ["sim/fault-500", "sim/echo"])
    response = call(gateway, "safe")
    assert response.status_code == 200
    assert response.headers["x-hub-model"] == "echo"
    assert response.headers["x-hub-route"] == "alias=safe strategy=ordered"
    [record] = recorded_usage(model="safe")
    assert [a["model"] for a in record.attempts][-1] == "echo"
    assert record.attempts[0]["error_class"] == "http_500"
    assert record.route == "alias=safe strategy=ordered" and record.route_reason


def test_the_cost_strategy_picks_the_cheapest_and_says_so(gateway):
    ProviderModel.objects.filter(provider=gateway.provider, name="fault-503").update(
        input_price_per_mtok=Decimal("50"), output_price_per_mtok=Decimal("50")
    )
    alias(gateway, "cheap", ["sim/fault-503", "sim/echo"], strategy="cost")
    response = call(gateway, "cheap")
    assert response.status_code == 200 and response.headers["x-hub-model"] == "echo"
    assert "cheapest" in response.headers["x-hub-route-reason"]


def test_a_rule_on_the_task_tag_reroutes_an_alias(gateway):
    alias(gateway, "auto", ["sim/fault-500"])
    alias(gateway, "summariser", ["sim/echo"])
    RoutingRule.objects.create(
        workspace=gateway.workspace, name="summaries", tasks=["summarise"], alias="summariser"
    )
    response = call(gateway, "auto", headers={"x-hub-task": "summarise"})
    assert response.status_code == 200
    assert response.headers["x-hub-route"].startswith("rule=summaries alias=summariser")


def test_a_candidate_too_small_for_the_prompt_is_skipped(gateway):
    ProviderModel.objects.filter(provider=gateway.provider, name="fault-500").update(
        context_window=8
    )
    alias(gateway, "sized", ["sim/fault-500", "sim/echo"])
    response = call(gateway, "sized", max_tokens=100)
    assert response.status_code == 200 and response.headers["x-hub-model"] == "echo"
    assert "skipped" in response.headers["x-hub-route-reason"]
    too_big = call(gateway, "sim/fault-500", max_tokens=100)
    assert too_big.status_code == 400 and too_big.json()["error"]["code"] == "no_candidate"


def test_aliases_are_listed_with_the_models(gateway):
    alias(gateway, "fast", ["sim/echo"])
    listed = httpx.get(f"{gateway.v1}/models", headers={"Authorization": f"Bearer {gateway.key}"})
    fast = next(m for m in listed.json()["data"] if m["id"] == "fast")
    assert fast["owned_by"] == "alias" and fast["candidates"] == ["sim/echo"]
    assert call(gateway, "nope").status_code == 404


def test_retry_after_is_honoured_on_the_same_candidate(gateway, tmp_path):
    script = tmp_path / "s.json"
    script.write_text(json.dumps({"sequence": ["429", "ok"]}))
    sim = Simulator("--script", str(script))
    try:
        wire_provider(gateway.workspace, slug="scripted", base_url=sim.url)
        started = time.perf_counter()
        response = call(gateway, "scripted/echo")
        elapsed = time.perf_counter() - started
    finally:
        sim.stop()
    assert response.status_code == 200
    assert elapsed >= 0.9  # waited the provider's Retry-After: 1
    [record] = recorded_usage(model="scripted/echo")
    assert [a["error_class"] for a in record.attempts] == ["http_429", None]


def test_the_breaker_opens_then_a_probe_closes_it(gateway, tmp_path, settings):
    settings.HUB_BREAKER_FAILURES = 3
    settings.HUB_BREAKER_COOLDOWN = 1.0
    script = tmp_path / "s.json"
    script.write_text(json.dumps({"sequence": ["500"] * 4}))
    sim = Simulator("--script", str(script))
    try:
        wire_provider(gateway.workspace, slug="flaky", base_url=sim.url)
        first, second = call(gateway, "flaky/echo"), call(gateway, "flaky/echo")
        assert (first.status_code, second.status_code) == (502, 502)
        started = time.perf_counter()
        blocked = call(gateway, "flaky/echo")
        assert blocked.status_code == 503 and blocked.json()["error"]["code"] == "circuit_open"
        assert time.perf_counter() - started < 0.5  # refused without calling the provider
        time.sleep(1.1)
        probe = call(gateway, "flaky/echo")  # the script is used up: the provider recovered
        assert probe.status_code == 200
        assert call(gateway, "flaky/echo").status_code == 200
    finally:
        sim.stop()


def test_an_open_breaker_sends_an_alias_to_its_fallback_at_once(gateway, settings):
    settings.HUB_BREAKER_FAILURES = 2
    for _ in range(2):
        call(gateway, "sim/fault-503")
    alias(gateway, "resilient", ["sim/fault-503", "sim/echo"])
    response = call(gateway, "resilient")
    assert response.status_code == 200 and response.headers["x-hub-model"] == "echo"
    [record] = recorded_usage(model="resilient")
    assert [a["model"] for a in record.attempts] == ["echo"]  # the open one was not tried


def test_requests_per_minute_limit_is_429_with_retry_after(gateway):
    ApiKey.objects.filter(workspace=gateway.workspace).update(requests_per_minute=2)
    statuses = [call(gateway, "sim/echo").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    limited = call(gateway, "sim/echo")
    assert limited.json()["error"]["code"] == "rate_limit_exceeded"
    assert int(limited.headers["retry-after"]) >= 1


def test_workspace_daily_token_quota(gateway):
    type(gateway.workspace).objects.filter(pk=gateway.workspace.pk).update(tokens_per_day=50)
    statuses = [call(gateway, "sim/echo", max_tokens=20).status_code for _ in range(5)]
    assert statuses[0] == 200 and 429 in statuses


def test_a_hard_budget_under_concurrency_overshoots_by_at_most_one_call(gateway):
    limit = Decimal("0.002")
    SpendBudget.objects.create(
        workspace=gateway.workspace, name="Team", period="day", hard_limit_usd=limit
    )
    with httpx.Client(timeout=30) as client:

        def one(_: int) -> httpx.Response:
            return client.post(
                f"{gateway.v1}/chat/completions",
                json={"model": "sim/echo", "messages": USER, "max_tokens": 20},
                headers={"Authorization": f"Bearer {gateway.key}"},
            )

        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(50) as pool:
            responses = list(pool.map(one, range(50)))
    ok = [r for r in responses if r.status_code == 200]
    refused = [r for r in responses if r.status_code == 429]
    assert ok and refused and len(ok) + len(refused) == 50
    assert "Team" in refused[0].json()["error"]["message"]
    spent = sum(Decimal(r.headers["x-hub-cost-usd"]) for r in ok)
    one_call = max(Decimal(r.headers["x-hub-cost-usd"]) for r in ok)
    assert spent <= limit + one_call


def test_calls_without_max_tokens_use_a_small_budget_to_its_end(gateway):
    """Fifty concurrent callers that set no max_tokens and honour Retry-After, against a
    budget worth about thirty calls: calls reserve what the model's answers have been running
    to, not 256 tokens each; a budget held by calls in flight says so and asks for a second's
    wait, not one until midnight. So the budget is used to within a call (before, 48 of 50
    were refused with 8-11 % of it left), and no refusal claims more was spent than was."""
    for _ in range(3):  # the hub learns how long this model's answers run
        assert call(gateway, "sim/echo").status_code == 200
    earlier = recorded_usage(model="sim/echo")
    one_call = earlier[-1].cost_usd
    limit = (one_call * 30).quantize(Decimal("0.000001"))
    SpendBudget.objects.create(
        workspace=gateway.workspace, name="Tiny", period="day", hard_limit_usd=limit
    )
    with httpx.Client(timeout=30) as client, ThreadPoolExecutor(50) as pool:
        responses = list(pool.map(lambda _: answer(client, gateway), range(50)))
    served = [r for r in responses if r.status_code == 200]
    refused = [r for r in responses if r.status_code == 429]
    assert len(served) + len(refused) == 50
    # The day's spend counts, the three calls before the budget existed included.
    spent = sum(r.cost_usd for r in earlier) + sum(
        Decimal(r.headers["x-hub-cost-usd"]) for r in served
    )
    assert limit - one_call <= spent <= limit + one_call
    for response in refused:
        message = response.json()["error"]["message"]
        assert "'Tiny'" in message and "is exhausted" in message
        assert f"of ${limit:.4f} spent" in message
        claimed = Decimal(message.split(": $", 1)[1].split(" ", 1)[0])
        assert limit <= claimed <= spent  # what was really spent, never the reservations too
        assert int(response.headers["retry-after"]) > 60  # until the day ends


def answer(client: httpx.Client, gateway) -> httpx.Response:
    """A call, retried as Retry-After says while the budget is only held in flight."""
    for _ in range(10):
        response = client.post(
            f"{gateway.v1}/chat/completions", json={"model": "sim/echo", "messages": USER},
            headers={"Authorization": f"Bearer {gateway.key}"},
        )  # fmt: skip
        if response.status_code != 429 or "exhausted" in response.text:
            return response
        time.sleep(int(response.headers["retry-after"]))
    return response


def test_a_restarted_hub_remembers_what_a_budget_has_spent(gateway):
    """The usage records of this period count: a fresh process starts its counter from them."""
    from analytics.models import UsageRecord

    SpendBudget.objects.create(
        workspace=gateway.workspace, name="Monthly", period="month", hard_limit_usd=Decimal("1")
    )
    UsageRecord.objects.create(
        workspace=gateway.workspace, model="sim/echo", status="success", request_id="old",
        cost_usd=Decimal("1.5"),
    )  # fmt: skip
    refused = call(gateway, "sim/echo")
    assert refused.status_code == 429
    assert "Monthly" in refused.json()["error"]["message"]


def live_budget_spend(gateway) -> dict[str, int]:
    """What the enforcing counters (in-process or Redis) hold per budget name, micro-USD."""
    from asgiref.sync import async_to_sync

    from routing.pipeline.workspace_routing import workspace_routing
    from routing.reliability import budget_ledger

    async def read():
        routing = await workspace_routing(gateway.workspace.pk)
        return await budget_ledger().status([b.budget for b in routing.budgets])

    return {status.budget.name: status.spent for status in async_to_sync(read)()}


def test_a_spent_provider_budget_sends_an_alias_to_another_provider(gateway, simulator):
    from analytics.models import UsageRecord

    wire_provider(gateway.workspace, slug="sim2", base_url=simulator.url)
    SpendBudget.objects.create(
        workspace=gateway.workspace, name="Sim cap", scope="provider", provider=gateway.provider,
        period="month", hard_limit_usd=Decimal("1"),
    )  # fmt: skip
    UsageRecord.objects.create(
        workspace=gateway.workspace, provider=gateway.provider, model="sim/echo",
        status="success", request_id="old", cost_usd=Decimal("1.5"),
    )  # fmt: skip
    alias(gateway, "spread", ["sim/echo", "sim2/echo"])
    served = call(gateway, "spread")
    assert served.status_code == 200 and served.headers["x-hub-provider"] == "sim2"
    [record] = recorded_usage(model="spread")
    assert [(a["provider"], a["error_class"]) for a in record.attempts] == [
        ("sim", "budget_exceeded"),
        ("sim2", None),
    ]
    direct = call(gateway, "sim/echo")
    assert direct.status_code == 429 and "Sim cap" in direct.json()["error"]["message"]


def test_a_fallback_is_charged_to_the_provider_that_answered(gateway, simulator):
    from routing.reliability import micro_usd

    other = wire_provider(gateway.workspace, slug="sim2", base_url=simulator.url)
    for provider in (gateway.provider, other):
        SpendBudget.objects.create(
            workspace=gateway.workspace, name=f"{provider.slug} month", scope="provider",
            provider=provider, period="month", soft_limit_usd=Decimal("10"),
        )  # fmt: skip
    alias(gateway, "spread", ["sim/fault-500", "sim2/echo"])
    answers = [call(gateway, "spread") for _ in range(3)]
    assert {a.headers["x-hub-provider"] for a in answers} == {"sim2"}
    charged = sum(micro_usd(a.headers["x-hub-cost-usd"]) for a in answers)
    assert charged > 0
    assert live_budget_spend(gateway) == {"sim month": 0, "sim2 month": charged}
