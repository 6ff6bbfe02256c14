"""Health changes raise alerts once each, over real SMTP and a real webhook receiver."""

from __future__ import annotations

from datetime import timedelta

import pytest

from analytics.alerts.models import AlertSettings, Notification
from analytics.health.checks import run_health_checks
from tests import factories
from tests.analytics.factories import make_usage
from tests.analytics.health.conftest import CLOSED_PORT_URL, point_at
from tests.loopback import HttpServer

pytestmark = pytest.mark.django_db


@pytest.fixture
def run_checks(django_capture_on_commit_callbacks):
    """One scheduled run, with the alert deliveries it queues after commit."""

    def run() -> list[str]:
        with django_capture_on_commit_callbacks(execute=True):
            outcomes = run_health_checks()
        return [key for outcome in outcomes for key in outcome.alerts]

    return run


def titles(workspace) -> list[str]:
    return list(
        Notification.objects.filter(workspace=workspace)
        .order_by("id")
        .values_list("title", flat=True)
    )


def test_healthy_down_recovered_raise_exactly_one_alert_each(
    workspace, sim_provider, simulator, run_checks, smtp_server, webhook_receiver, webhook_to
):
    webhook_to(webhook_receiver.url)
    admin = factories.add_member(workspace, "admin")
    factories.add_member(workspace, "member")
    factories.add_member(workspace, "viewer")

    assert run_checks() == []  # healthy from the start: nothing to say
    point_at(sim_provider, CLOSED_PORT_URL)
    assert run_checks() == []  # one failed check: degraded, no alert
    assert run_checks() == [f"provider:{sim_provider.pk}:status"]
    assert run_checks() == run_checks() == []  # still down: no storm
    point_at(sim_provider, simulator.url)
    assert run_checks() == [f"provider:{sim_provider.pk}:status"]
    assert run_checks() == []

    assert titles(workspace) == ["Sim is down", "Sim recovered"]
    owner = workspace.memberships.get(role="owner").user
    assert smtp_server.recipients == sorted([owner.email, admin.email] * 2)
    subjects = [m["Subject"] for m in smtp_server.messages]
    assert sum("Sim is down" in s for s in subjects) == 2
    assert sum("Sim recovered" in s for s in subjects) == 2
    texts = [body["text"] for body in webhook_receiver.json_bodies()]
    assert len(texts) == 2 and "Sim is down" in texts[0] and "Sim recovered" in texts[1]
    assert webhook_receiver.json_bodies()[0]["state"] == "down"


def test_flapping_within_the_cooldown_alerts_once_then_catches_up(
    workspace, sim_provider, simulator, run_checks
):
    AlertSettings.objects.create(workspace=workspace, cooldown_minutes=30, email_enabled=False)
    run_checks()
    point_at(sim_provider, CLOSED_PORT_URL)
    assert run_checks() + run_checks() == [f"provider:{sim_provider.pk}:status"]  # down
    point_at(sim_provider, simulator.url)
    assert run_checks() == [f"provider:{sim_provider.pk}:status"]  # recovered
    point_at(sim_provider, CLOSED_PORT_URL)
    assert run_checks() + run_checks() == []  # down again within 30 minutes: held back
    assert titles(workspace) == ["Sim is down", "Sim recovered"]
    assert run_checks() == []

    Notification.objects.update(
        created_at=Notification.objects.first().created_at - timedelta(hours=1)
    )
    assert run_checks() == [f"provider:{sim_provider.pk}:status"]  # still down after the cool-down
    assert titles(workspace) == ["Sim is down", "Sim recovered", "Sim is down"]


def test_high_latency_and_high_error_rate_alert_once_and_recover(
    workspace, sim_provider, run_checks
):
    AlertSettings.objects.create(
        workspace=workspace, latency_threshold_ms=500, error_rate_threshold=0.2,
        email_enabled=False,
    )  # fmt: skip
    run_checks()
    for _ in range(8):
        make_usage(workspace, provider=sim_provider, latency_ms=2000)
    for _ in range(2):
        make_usage(workspace, provider=sim_provider, status="error", http_status=502)
    keys = run_checks()
    assert sorted(keys) == [f"provider:{sim_provider.pk}:{k}" for k in ("errors", "latency")]
    assert run_checks() == []
    assert set(titles(workspace)) == {"Sim: high latency", "Sim: high error rate"}

    AlertSettings.objects.update(latency_threshold_ms=10_000, error_rate_threshold=0.5)
    assert run_checks() == [f"provider:{sim_provider.pk}:status"]
    assert titles(workspace)[-1] == "Sim recovered"


def test_a_failing_webhook_does_not_break_the_checks(
    workspace, sim_provider, simulator, run_checks, webhook_to
):
    broken = HttpServer(lambda *_: (500, {"error": "boom"}))
    webhook_to(broken.url, email_enabled=False)
    point_at(sim_provider, CLOSED_PORT_URL)
    try:
        run_checks()
        assert run_checks() == [f"provider:{sim_provider.pk}:status"]
    finally:
        broken.stop()
    assert len(broken.requests) == 1
    webhook_to(CLOSED_PORT_URL, email_enabled=False)  # nothing listens there at all
    point_at(sim_provider, simulator.url)
    assert run_checks() == [f"provider:{sim_provider.pk}:status"]
    assert titles(workspace) == ["Sim is down", "Sim recovered"]
