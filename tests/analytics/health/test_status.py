"""The status rules, percentiles, uptime and the health score, on known numbers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from analytics.alerts.models import AlertSettings
from analytics.health.models import HealthCheck
from analytics.health.selectors import provider_health, provider_health_list
from analytics.health.status import (
    HealthStatus,
    Reason,
    Samples,
    Thresholds,
    health_score,
    latency_score,
    percentile,
    status_decide,
)
from tests import factories
from tests.analytics.factories import make_usage

LIMITS = Thresholds(latency_ms=1000, error_rate=0.10)


def test_percentile_interpolates_between_ranks():
    values = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100]
    assert percentile(values, 0.5) == 55
    assert percentile(values, 0.95) == pytest.approx(95.5)
    assert percentile([7], 0.95) == 7
    assert percentile([], 0.5) is None


def test_two_failed_checks_in_a_row_are_down_one_is_degraded():
    assert status_decide(Samples(checks=[False, False, True]), LIMITS).status == HealthStatus.DOWN
    one = status_decide(Samples(checks=[False, True], check_latencies=[5]), LIMITS)
    assert one.status == HealthStatus.DEGRADED and one.reasons == (Reason.CHECK_FAILED,)
    back = status_decide(Samples(checks=[True, False, False], check_latencies=[5]), LIMITS)
    assert back.status == HealthStatus.HEALTHY


def test_half_of_real_requests_failing_is_down_but_only_with_five_or_more():
    ok_checks = {"checks": [True], "check_latencies": [5.0]}
    down = status_decide(Samples(**ok_checks, requests=10, request_errors=5), LIMITS)
    assert down.status == HealthStatus.DOWN and down.reasons == (Reason.HIGH_ERROR_RATE,)
    few = status_decide(Samples(**ok_checks, requests=4, request_errors=4), LIMITS)
    assert few.status == HealthStatus.HEALTHY


def test_error_rate_or_p95_over_the_threshold_is_degraded():
    errors = status_decide(Samples(checks=[True], requests=10, request_errors=1), LIMITS)
    assert errors.status == HealthStatus.DEGRADED and Reason.HIGH_ERROR_RATE in errors.reasons
    slow = status_decide(
        Samples(checks=[True], requests=5, request_latencies=[100, 100, 100, 100, 5000]), LIMITS
    )
    assert slow.status == HealthStatus.DEGRADED and slow.reasons == (Reason.HIGH_LATENCY,)
    assert slow.p95_ms == pytest.approx(4020)  # 100 + 0.8 * 4900


def test_nothing_known_is_unknown():
    assert status_decide(Samples(), LIMITS).status == HealthStatus.UNKNOWN


def test_latency_score_is_one_within_the_threshold_then_falls_as_threshold_over_p95():
    assert latency_score(400, 1000) == 1.0
    assert latency_score(4000, 1000) == 0.25
    assert latency_score(None, 1000) == 0.0


def test_score_weighs_uptime_40_latency_30_errors_30():
    assert health_score(uptime=1.0, p95_ms=100, error_rate=0.0, threshold_ms=1000) == 100.0
    # 40 * 0.9 + 30 * (1000 / 2000) + 30 * (1 - 0.2) = 36 + 15 + 24
    assert health_score(uptime=0.9, p95_ms=2000, error_rate=0.2, threshold_ms=1000) == 75.0
    assert health_score(uptime=None, p95_ms=100, error_rate=0.0, threshold_ms=1000) is None


@pytest.mark.django_db
def test_uptime_windows_and_score_from_recorded_checks_and_traffic(workspace):
    provider = factories.make_provider(workspace, kind="openai", slug="oa")
    AlertSettings.objects.create(workspace=workspace, latency_threshold_ms=1000)
    now = timezone.now()

    def check(age: timedelta, ok: bool, latency: float = 50.0) -> None:
        HealthCheck.objects.create(
            workspace=workspace, provider=provider, checked_at=now - age, ok=ok,
            latency_ms=latency, source="active",
        )  # fmt: skip

    for minutes in (1, 6, 11, 16):  # last 24 h: 4 checks, all ok
        check(timedelta(minutes=minutes), True)
    for days in (2, 3, 4, 5):  # within 7 d: 4 more, 2 failed
        check(timedelta(days=days), days % 2 == 0)
    for days in (10, 20):  # within 30 d: 2 more, both failed
        check(timedelta(days=days), False)
    check(timedelta(days=40), False)  # outside every window
    for n in range(8):  # real traffic: 10 calls, 2 failed by the provider, 2000 ms each
        make_usage(workspace, provider=provider, latency_ms=2000, at=now - timedelta(minutes=n))
    for _ in range(2):
        make_usage(workspace, provider=provider, status="error", http_status=502)
    make_usage(workspace, provider=provider, status="error", http_status=400)  # caller's fault
    make_usage(workspace, provider=provider, status="cancelled", http_status=499)

    health = provider_health(provider=provider, now=now)
    assert health.uptime == {"24h": 1.0, "7d": 6 / 8, "30d": 6 / 10}
    assert health.requests_24h == 11 and health.error_rate == pytest.approx(2 / 11)
    assert health.p50_ms == health.p95_ms == 2000
    # 40 * 1.0 + 30 * (1000 / 2000) + 30 * (1 - 2/11)
    assert health.score == pytest.approx(round(40 + 15 + 30 * (9 / 11), 1))
    assert health.status == HealthStatus.DEGRADED
    assert set(health.reasons) == {Reason.HIGH_ERROR_RATE, Reason.HIGH_LATENCY}


@pytest.mark.django_db
def test_health_list_is_scoped_and_disabled_providers_say_so(workspace, other_workspace):
    factories.make_provider(workspace, kind="openai", slug="on")
    factories.make_provider(workspace, kind="openai", slug="off", enabled=False)
    factories.make_provider(other_workspace, kind="openai", slug="theirs")
    statuses = {h.provider.slug: h.status for h in provider_health_list(workspace=workspace)}
    assert statuses == {"on": HealthStatus.UNKNOWN, "off": HealthStatus.DISABLED}
