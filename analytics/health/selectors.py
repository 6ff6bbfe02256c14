"""Reads that turn health checks and usage records into each provider's health, per workspace.

Numbers come from two places: active checks (``HealthCheck`` rows, source active) and the
workspace's real calls (``UsageRecord`` rows of the provider). See ``status`` for the rules.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from analytics.alerts.selectors import alert_settings_for
from analytics.health.models import HealthCheck, HealthSource
from analytics.health.status import (
    DOWN_AFTER_FAILED_CHECKS,
    METRICS_WINDOW,
    STATUS_WINDOW,
    UPTIME_WINDOWS,
    HealthStatus,
    Reason,
    Samples,
    Thresholds,
    health_score,
    percentile,
    status_decide,
    uptime,
)
from analytics.models import UsageRecord, UsageStatus
from providers.models import Provider
from workspaces.models import Workspace

MAX_LATENCY_SAMPLES = 5000  # newest real calls per provider that percentiles are taken from
# A failed call counts against the provider when the provider failed it (5xx, timeouts,
# refusals of our key, its rate limits), not when the caller sent a bad request (4xx).
PROVIDER_FAILURE = Q(status=UsageStatus.ERROR) & (Q(http_status__gte=500) | Q(http_status=429))


@dataclass(frozen=True)
class ProviderHealth:
    provider: Provider
    status: HealthStatus
    reasons: tuple[Reason, ...]
    p50_ms: float | None
    p95_ms: float | None
    error_rate: float | None
    uptime: dict[str, float | None]
    score: float | None
    requests_24h: int
    recent_p95_ms: float | None
    recent_error_rate: float | None
    last_checked_at: datetime | None
    last_check_ok: bool | None
    last_check_detail: str


def thresholds_for(workspace: Workspace) -> Thresholds:
    settings = alert_settings_for(workspace=workspace)
    return Thresholds(
        latency_ms=float(settings.latency_threshold_ms),
        error_rate=float(settings.error_rate_threshold),
    )


def provider_health_list(
    *, workspace: Workspace, now: datetime | None = None
) -> list[ProviderHealth]:
    """Every provider of the workspace with its current health, in priority order."""
    providers = list(Provider.objects.for_workspace(workspace))
    return _health_of(workspace, providers, now or timezone.now())


def provider_health(*, provider: Provider, now: datetime | None = None) -> ProviderHealth:
    return _health_of(provider.workspace, [provider], now or timezone.now())[0]


def health_history(*, provider: Provider, since: datetime) -> QuerySet[HealthCheck]:
    """The provider's checks and traffic snapshots since ``since``, oldest first."""
    return HealthCheck.objects.filter(
        workspace_id=provider.workspace_id, provider=provider, checked_at__gte=since
    ).order_by("checked_at", "id")


def _health_of(
    workspace: Workspace, providers: list[Provider], now: datetime
) -> list[ProviderHealth]:
    thresholds = thresholds_for(workspace)
    ids = [p.pk for p in providers]
    uptimes = _uptime_counts(ids, now)
    checks = _active_checks(ids, now - METRICS_WINDOW)
    traffic = _traffic_counts(workspace, ids, now)
    return [
        _provider_health(
            provider,
            thresholds=thresholds,
            uptimes=uptimes.get(provider.pk, {}),
            checks=checks.get(provider.pk, []),
            traffic=traffic.get(provider.pk, {}),
            latencies=_traffic_latencies(provider, now) if provider.pk in traffic else [],
            now=now,
        )
        for provider in providers
    ]


def _provider_health(
    provider: Provider,
    *,
    thresholds: Thresholds,
    uptimes: dict[str, int],
    checks: list[dict[str, Any]],
    traffic: dict[str, int],
    latencies: list[tuple[datetime, float]],
    now: datetime,
) -> ProviderHealth:
    recent_from = now - STATUS_WINDOW
    recent_checks = [
        c for n, c in enumerate(checks) if n < DOWN_AFTER_FAILED_CHECKS or c["at"] >= recent_from
    ]
    recent = Samples(
        checks=[c["ok"] for c in recent_checks],
        check_latencies=[c["latency_ms"] for c in recent_checks if c["ok"]],
        requests=traffic.get("requests_recent", 0),
        request_errors=traffic.get("errors_recent", 0),
        request_latencies=[ms for at, ms in latencies if at >= recent_from],
    )
    day = Samples(
        checks=[c["ok"] for c in checks],
        check_latencies=[c["latency_ms"] for c in checks if c["ok"]],
        requests=traffic.get("requests", 0),
        request_errors=traffic.get("errors", 0),
        request_latencies=[ms for _at, ms in latencies],
    )
    verdict = status_decide(recent, thresholds)
    status = verdict.status if provider.enabled else HealthStatus.DISABLED
    share = {
        name: uptime(uptimes.get(f"ok_{name}", 0), uptimes.get(f"total_{name}", 0))
        for name in UPTIME_WINDOWS
    }
    p95 = percentile(day.latencies(), 0.95)
    error_rate = day.error_rate()
    last = checks[0] if checks else None
    return ProviderHealth(
        provider=provider,
        status=status,
        reasons=verdict.reasons if provider.enabled else (),
        p50_ms=percentile(day.latencies(), 0.5),
        p95_ms=p95,
        error_rate=error_rate,
        uptime=share,
        score=health_score(
            uptime=share["24h"],
            p95_ms=p95,
            error_rate=error_rate,
            threshold_ms=thresholds.latency_ms,
        ),
        requests_24h=day.requests,
        recent_p95_ms=verdict.p95_ms,
        recent_error_rate=verdict.error_rate,
        last_checked_at=last["at"] if last else None,
        last_check_ok=last["ok"] if last else None,
        last_check_detail=last["detail"] if last else "",
    )


def _uptime_counts(ids: Iterable[int], now: datetime) -> dict[int, dict[str, int]]:
    """Per provider: ok_<window> and total_<window> active checks for each uptime window."""
    aggregates: dict[str, Count] = {}
    for name, span in UPTIME_WINDOWS.items():
        since = Q(checked_at__gte=now - span)
        aggregates[f"total_{name}"] = Count("id", filter=since)
        aggregates[f"ok_{name}"] = Count("id", filter=since & Q(ok=True))
    rows = (
        HealthCheck.objects.filter(
            provider_id__in=ids,
            source=HealthSource.ACTIVE,
            checked_at__gte=now - max(UPTIME_WINDOWS.values()),
        )
        .values("provider_id")
        .annotate(**aggregates)
        .order_by()
    )
    return _by_provider(rows)


def _active_checks(ids: Iterable[int], since: datetime) -> dict[int, list[dict[str, Any]]]:
    """Per provider, its active checks since ``since``, newest first."""
    by_provider: dict[int, list[dict[str, Any]]] = defaultdict(list)
    rows = (
        HealthCheck.objects.filter(
            provider_id__in=ids, source=HealthSource.ACTIVE, checked_at__gte=since
        )
        .order_by("-checked_at", "-id")
        .values_list("provider_id", "checked_at", "ok", "latency_ms", "detail")
    )
    for provider_id, at, ok, latency_ms, detail in rows:
        by_provider[provider_id].append(
            {"at": at, "ok": ok, "latency_ms": latency_ms or 0.0, "detail": detail}
        )
    return by_provider


def _traffic_counts(
    workspace: Workspace, ids: Iterable[int], now: datetime
) -> dict[int, dict[str, int]]:
    """Per provider with traffic in the last 24 h: requests and provider failures, over the
    day and over the status window. Cancelled calls say nothing about the provider."""
    recent = Q(created_at__gte=now - STATUS_WINDOW)
    rows = (
        UsageRecord.objects.filter(
            workspace=workspace, provider_id__in=ids, created_at__gte=now - METRICS_WINDOW
        )
        .exclude(status=UsageStatus.CANCELLED)
        .values("provider_id")
        .annotate(
            requests=Count("id"),
            errors=Count("id", filter=PROVIDER_FAILURE),
            requests_recent=Count("id", filter=recent),
            errors_recent=Count("id", filter=recent & PROVIDER_FAILURE),
        )
        .order_by()
    )
    return _by_provider(rows)


def _traffic_latencies(provider: Provider, now: datetime) -> list[tuple[datetime, float]]:
    """(when, ms) of the provider's newest successful calls: time to first token when
    streamed, the whole call otherwise."""
    rows = (
        UsageRecord.objects.filter(
            workspace_id=provider.workspace_id,
            provider=provider,
            status=UsageStatus.SUCCESS,
            created_at__gte=now - METRICS_WINDOW,
        )
        .order_by("-created_at")
        .values_list("created_at", "ttft_ms", "latency_ms")[:MAX_LATENCY_SAMPLES]
    )
    return [(at, float(ttft if ttft is not None else total)) for at, ttft, total in rows]


def traffic_since(*, provider: Provider, since: datetime) -> tuple[int, int, float | None]:
    """(requests, provider failures, p95 ms) of the provider's real calls since ``since``."""
    records = UsageRecord.objects.filter(
        workspace_id=provider.workspace_id, provider=provider, created_at__gte=since
    ).exclude(status=UsageStatus.CANCELLED)
    counts = records.aggregate(requests=Count("id"), errors=Count("id", filter=PROVIDER_FAILURE))
    latencies = [
        float(ttft if ttft is not None else total)
        for ttft, total in records.filter(status=UsageStatus.SUCCESS)
        .order_by("-created_at")
        .values_list("ttft_ms", "latency_ms")[:MAX_LATENCY_SAMPLES]
    ]
    return counts["requests"], counts["errors"], percentile(latencies, 0.95)


def _by_provider(rows: Iterable[Mapping[str, Any]]) -> dict[int, dict[str, int]]:
    """``values("provider_id").annotate(...)`` rows keyed by provider id."""
    return {
        row["provider_id"]: {k: v for k, v in row.items() if k != "provider_id"} for row in rows
    }
