"""Reads of usage records, always scoped to one workspace."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypedDict

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncDate, TruncHour

from analytics.models import UsageRecord, UsageStatus
from providers.models import Provider
from workspaces.models import Workspace


@dataclass(frozen=True)
class UsageFilters:
    start: datetime | None = None
    end: datetime | None = None
    provider: str | None = None
    model: str | None = None
    api_key_id: int | None = None
    source: str | None = None
    status: str | None = None


def usage_list(
    *, workspace: Workspace, filters: UsageFilters | None = None
) -> QuerySet[UsageRecord]:
    """The workspace's records, newest first, narrowed by ``filters``."""
    filters = filters or UsageFilters()
    records = UsageRecord.objects.filter(workspace=workspace)
    if filters.start is not None:
        records = records.filter(created_at__gte=filters.start)
    if filters.end is not None:
        records = records.filter(created_at__lt=filters.end)
    if filters.provider:
        records = records.filter(provider_slug=filters.provider)
    if filters.model:
        records = records.filter(model=filters.model)
    if filters.api_key_id is not None:
        records = records.filter(api_key_id=filters.api_key_id)
    if filters.source:
        records = records.filter(source=filters.source)
    if filters.status:
        records = records.filter(status=filters.status)
    return records.order_by("-created_at", "-id")


def usage_totals(records: QuerySet[UsageRecord]) -> dict[str, Any]:
    zero = Decimal(0)
    totals = records.order_by().aggregate(
        requests=Count("id"),
        input_tokens=Coalesce(Sum("input_tokens"), 0),
        output_tokens=Coalesce(Sum("output_tokens"), 0),
        cached_tokens=Coalesce(Sum("cached_tokens"), 0),
        cost_usd=Coalesce(Sum("cost_usd"), zero),
    )
    totals["total_tokens"] = totals["input_tokens"] + totals["output_tokens"]
    totals["cost_usd"] = f"{Decimal(totals['cost_usd']).quantize(Decimal('0.00000001')):f}"
    return totals


def usage_summary(records: QuerySet[UsageRecord]) -> dict[str, Any]:
    """``usage_totals`` plus what the usage page shows beside them: errors, their share of
    the calls, and the median latency (interpolated like analytics.health's percentiles)."""
    summary = usage_totals(records)
    calls = summary["requests"]
    errors = records.filter(status=UsageStatus.ERROR).count() if calls else 0
    summary["errors"] = errors
    summary["error_rate"] = errors / calls if calls else None
    summary["p50_latency_ms"] = median_latency(records, calls)
    return summary


def median_latency(records: QuerySet[UsageRecord], count: int) -> float | None:
    """The middle latency of ``count`` records (the mean of the two middle ones if even)."""
    if not count:
        return None
    low, high = (count - 1) // 2, count // 2
    middle = list(
        records.order_by("latency_ms").values_list("latency_ms", flat=True)[low : high + 1]
    )
    return (middle[0] + middle[-1]) / 2


class DayCost(TypedDict):
    day: date
    provider_slug: str
    cost: Decimal | None


class HourCalls(TypedDict):
    hour: datetime
    status: str
    calls: int


def cost_by_day_and_provider(records: QuerySet[UsageRecord]) -> list[DayCost]:
    """``{"day", "provider_slug", "cost"}`` rows, by UTC day, oldest first."""
    return list(
        records.order_by()
        .annotate(day=TruncDate("created_at"))
        .values("day", "provider_slug")
        .annotate(cost=Sum("cost_usd"))
        .order_by("day", "provider_slug")
    )


def calls_by_hour_and_status(records: QuerySet[UsageRecord]) -> list[HourCalls]:
    """``{"hour", "status", "calls"}`` rows, by UTC hour, oldest first."""
    return list(
        records.order_by()
        .annotate(hour=TruncHour("created_at"))
        .values("hour", "status")
        .annotate(calls=Count("id"))
        .order_by("hour", "status")
    )


def usage_filter_choices(*, workspace: Workspace, limit: int = 500) -> dict[str, list[str]]:
    """Provider slugs (connected or seen in records) and requested models seen in records,
    for the usage page's filter selects."""
    records = UsageRecord.objects.filter(workspace=workspace).order_by()
    seen = records.exclude(provider_slug="").values_list("provider_slug", flat=True).distinct()
    connected = Provider.objects.filter(workspace=workspace).values_list("slug", flat=True)
    models = records.exclude(model="").values_list("model", flat=True).distinct()
    return {
        "providers": sorted({*seen[:limit], *connected}),
        "models": sorted(models.order_by("model")[:limit]),
    }
