"""Active checks over real HTTP: the simulator, a closed port, a server that never answers."""

from __future__ import annotations

import time
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from analytics.health.checks import health_checks_prune, run_health_checks
from analytics.health.models import HealthCheck
from analytics.health.selectors import provider_health
from analytics.health.status import HealthStatus
from tests import factories
from tests.analytics.factories import make_usage
from tests.analytics.health.conftest import CLOSED_PORT_URL, point_at, simulated
from tests.loopback import HttpServer

pytestmark = pytest.mark.django_db


def test_the_simulator_answers_its_check_and_is_healthy(sim_provider):
    (outcome,) = run_health_checks()
    assert outcome.ok and outcome.status == HealthStatus.HEALTHY
    check = HealthCheck.objects.get(provider=sim_provider)
    assert check.ok and check.source == "active" and check.latency_ms > 0
    health = provider_health(provider=sim_provider)
    assert health.uptime["24h"] == 1.0 and health.score == 100.0


def test_a_closed_port_is_degraded_after_one_failed_check_and_down_after_two(workspace):
    provider = simulated(workspace, CLOSED_PORT_URL, slug="gone")
    (first,) = run_health_checks()
    assert not first.ok and first.status == HealthStatus.DEGRADED and first.detail
    (second,) = run_health_checks()
    assert second.status == HealthStatus.DOWN
    health = provider_health(provider=provider)
    assert health.uptime["24h"] == 0.0 and health.last_check_ok is False


def test_a_provider_that_never_answers_does_not_hold_back_the_others(
    workspace, simulator, silent_server, settings
):
    settings.HUB_HEALTH_CHECK_TIMEOUT = 1.0
    hanging = [simulated(workspace, silent_server.url, slug=f"hang{n}") for n in range(3)]
    simulated(workspace, simulator.url, slug="fine")
    started = time.monotonic()
    outcomes = {o.provider.slug: o for o in run_health_checks()}
    assert time.monotonic() - started < 3.0  # concurrent: about one timeout, not three
    assert outcomes["fine"].ok
    for provider in hanging:
        assert not outcomes[provider.slug].ok
        assert "no answer" in outcomes[provider.slug].detail


def test_disabled_providers_and_other_kinds_of_failure_are_isolated(workspace, simulator):
    off = simulated(workspace, simulator.url, slug="off")
    off.enabled = False
    off.save()
    simulated(workspace, simulator.url, slug="on")
    assert [o.provider.slug for o in run_health_checks()] == ["on"]
    assert not HealthCheck.objects.filter(provider=off).exists()


def test_a_key_echoed_back_by_the_provider_is_not_stored(workspace):
    def refuse(method, path, headers, body):
        echoed = headers.get("authorization", "")
        return 401, {"error": {"message": f"Incorrect API key provided: {echoed}"}}

    server = HttpServer(refuse)
    try:
        credential = factories.make_credential(workspace, kind="openai_compatible")
        provider = factories.make_provider(
            workspace, kind="openai_compatible", slug="echo", credential=credential,
            base_url="https://example.com/v1",
        )  # fmt: skip
        point_at(provider, server.url)
        (outcome,) = run_health_checks()
    finally:
        server.stop()
    assert server.requests and not outcome.ok
    stored = HealthCheck.objects.get(provider=provider).detail
    assert (
        "sk-test-0123456789abcdef" not in stored
        and "sk-test-0123456789abcdef" not in outcome.detail
    )
    assert "[secret]" in stored


def test_real_traffic_since_the_last_run_is_kept_as_a_passive_snapshot(workspace, sim_provider):
    run_health_checks()
    for _ in range(3):
        make_usage(workspace, provider=sim_provider, latency_ms=120)
    make_usage(workspace, provider=sim_provider, status="error", http_status=503)
    run_health_checks()
    snapshot = HealthCheck.objects.get(provider=sim_provider, source="passive")
    assert snapshot.ok and snapshot.detail == "4 requests, 1 failed" and snapshot.latency_ms == 120
    run_health_checks()  # no new traffic, no new snapshot
    assert HealthCheck.objects.filter(provider=sim_provider, source="passive").count() == 1


def test_checks_older_than_31_days_are_pruned(workspace, sim_provider):
    run_health_checks()
    HealthCheck.objects.create(
        workspace=workspace, provider=sim_provider, ok=True, source="active",
        checked_at=timezone.now() - timedelta(days=32),
    )  # fmt: skip
    assert health_checks_prune() == 1
    assert HealthCheck.objects.filter(provider=sim_provider).count() == 1


def test_check_providers_prints_a_table(workspace, sim_provider):
    simulated(workspace, CLOSED_PORT_URL, slug="gone")
    out = StringIO()
    call_command("check_providers", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].split() == [
        "workspace",
        "provider",
        "check",
        "latency",
        "status",
        "score",
        "detail",
    ]
    rows = {line.split()[1]: line.split() for line in lines[1:]}
    assert rows["sim"][2] == "ok" and rows["sim"][5] == "healthy"
    assert rows["gone"][2] == "failed" and rows["gone"][5] == "degraded"
    with pytest.raises(CommandError):
        call_command("check_providers", "--workspace", "no-such-workspace")
