"""Reads of usage records, always scoped to one workspace."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import Coalesce

from analytics.models import UsageRecord
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
