"""Run the health checks: call every enabled provider at once, record what happened, note
its real traffic since the last run, and raise alerts on changes.

Checks run concurrently (at most ``CHECK_CONCURRENCY`` at a time), each bounded by
``HUB_HEALTH_CHECK_TIMEOUT``, so one slow provider never holds the others back.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from asgiref.sync import async_to_sync
from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from analytics.health.alerts import health_alerts_raise
from analytics.health.models import HealthCheck, HealthSource
from analytics.health.selectors import provider_health_list, traffic_since
from analytics.health.status import DOWN_ERROR_RATE, HealthStatus
from providers.adapters.base import HealthResult, Target
from providers.adapters.registry import adapter_for, target_for
from providers.models import Provider

logger = logging.getLogger(__name__)

CHECK_CONCURRENCY = 16
KEEP_CHECKS = timedelta(days=31)
DETAIL_LENGTH = 300
FIRST_SNAPSHOT_SPAN = timedelta(minutes=5)  # traffic a provider's first snapshot looks back on
MAX_SNAPSHOT_SPAN = timedelta(hours=1)


@dataclass(frozen=True)
class CheckOutcome:
    provider: Provider
    ok: bool
    latency_ms: float
    detail: str
    status: HealthStatus = HealthStatus.UNKNOWN
    score: float | None = None
    alerts: tuple[str, ...] = ()


def run_health_checks(*, providers: list[Provider] | None = None) -> list[CheckOutcome]:
    """Check ``providers`` (default: every enabled one), record, and raise alerts."""
    if providers is None:
        providers = list(
            Provider.objects.filter(enabled=True).select_related("credential", "workspace")
        )
    now = timezone.now()
    last_seen = _last_checked(providers)
    results = _check_concurrently(providers)
    HealthCheck.objects.bulk_create(
        HealthCheck(
            workspace_id=provider.workspace_id,
            provider=provider,
            checked_at=now,
            ok=result.ok,
            latency_ms=round(result.latency_ms, 2),
            detail=result.detail[:DETAIL_LENGTH],
            source=HealthSource.ACTIVE,
        )
        for provider, result in zip(providers, results, strict=True)
    )
    _snapshot_traffic(providers, last_seen, now)
    return _judge(providers, results)


def health_checks_prune(*, older_than: timedelta = KEEP_CHECKS) -> int:
    """Delete checks older than ``older_than``; the number deleted."""
    deleted, _ = HealthCheck.objects.filter(checked_at__lt=timezone.now() - older_than).delete()
    return deleted


def _check_concurrently(providers: list[Provider]) -> list[HealthResult]:
    targets: list[Target | HealthResult] = []
    for provider in providers:
        try:
            targets.append(target_for(provider))
        except Exception as error:  # an unreadable credential fails this provider only
            targets.append(HealthResult(False, 0.0, f"cannot prepare the call: {error}"))
    return async_to_sync(_gather)(providers, targets, settings.HUB_HEALTH_CHECK_TIMEOUT)


async def _gather(
    providers: list[Provider], targets: list[Target | HealthResult], timeout: float
) -> list[HealthResult]:
    bound = asyncio.Semaphore(CHECK_CONCURRENCY)

    async def one(provider: Provider, target: Target | HealthResult) -> HealthResult:
        if isinstance(target, HealthResult):
            return target
        async with bound:
            started = time.perf_counter()
            try:
                async with asyncio.timeout(timeout):
                    result = await adapter_for(provider.kind).health_check(target)
            except TimeoutError:
                result = HealthResult(
                    False, (time.perf_counter() - started) * 1000, f"no answer in {timeout:g} s"
                )
            except Exception as error:  # a failing adapter must not stop the other checks
                logger.warning("health check of provider %s failed", provider.pk, exc_info=True)
                result = HealthResult(
                    False, (time.perf_counter() - started) * 1000, type(error).__name__
                )
        return HealthResult(result.ok, result.latency_ms, _scrubbed(result.detail, target))

    return list(await asyncio.gather(*(one(p, t) for p, t in zip(providers, targets, strict=True))))


def _scrubbed(detail: str, target: Target) -> str:
    """Error text from a provider may echo the key it was sent; never store it."""
    if target.api_key and target.api_key in detail:
        detail = detail.replace(target.api_key, "[secret]")
    return detail


def _last_checked(providers: list[Provider]) -> dict[int, datetime]:
    rows = (
        HealthCheck.objects.filter(provider__in=providers)
        .values("provider_id")
        .annotate(last=Max("checked_at"))
        .order_by()
    )
    return {row["provider_id"]: row["last"] for row in rows}


def _snapshot_traffic(
    providers: list[Provider], last_seen: dict[int, datetime], now: datetime
) -> None:
    """A passive row per provider that had real calls since the last run, for the history."""
    snapshots = []
    for provider in providers:
        since = max(last_seen.get(provider.pk, now - FIRST_SNAPSHOT_SPAN), now - MAX_SNAPSHOT_SPAN)
        requests, failures, p95 = traffic_since(provider=provider, since=since)
        if not requests:
            continue
        snapshots.append(
            HealthCheck(
                workspace_id=provider.workspace_id,
                provider=provider,
                checked_at=now,
                ok=failures / requests < DOWN_ERROR_RATE,
                latency_ms=p95,
                detail=f"{requests} requests, {failures} failed",
                source=HealthSource.PASSIVE,
            )
        )
    HealthCheck.objects.bulk_create(snapshots)


def _judge(providers: list[Provider], results: list[HealthResult]) -> list[CheckOutcome]:
    """Each provider's status after this run, raising alerts on the way."""
    checked = {p.pk for p in providers}
    judged: dict[int, tuple[HealthStatus, float | None, tuple[str, ...]]] = {}
    for workspace in {p.workspace for p in providers}:
        for health in provider_health_list(workspace=workspace):
            if health.provider.pk in checked:
                alerts = tuple(health_alerts_raise(health))
                judged[health.provider.pk] = (health.status, health.score, alerts)
    return [
        CheckOutcome(
            provider,
            result.ok,
            result.latency_ms,
            result.detail,
            *judged.get(provider.pk, (HealthStatus.UNKNOWN, None, ())),
        )
        for provider, result in zip(providers, results, strict=True)
    ]
