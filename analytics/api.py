"""/api/workspaces/<slug>/usage/: usage records with filters and totals, as JSON or CSV."""

from __future__ import annotations

import csv
from collections.abc import AsyncIterator
from datetime import datetime, time, timedelta
from typing import Any

from asgiref.sync import sync_to_async
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from rest_framework import renderers, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings

from analytics import selectors
from analytics.models import UsageRecord, UsageSource, UsageStatus
from workspaces.api.base import WorkspaceScopedListView

CSV_FIELDS = (
    "created_at", "request_id", "source", "endpoint", "provider_slug", "model",
    "upstream_model", "status", "http_status", "error_class", "input_tokens",
    "output_tokens", "cached_tokens", "tokens_estimated", "cost_usd", "latency_ms",
    "ttft_ms", "stream", "api_key_id", "user_id",
)  # fmt: skip


class UsageRecordSerializer(serializers.ModelSerializer):
    provider = serializers.CharField(source="provider_slug")

    class Meta:
        model = UsageRecord
        fields = (
            "id", "created_at", "request_id", "source", "endpoint", "provider", "model",
            "upstream_model", "status", "http_status", "error_class", "input_tokens",
            "output_tokens", "cached_tokens", "tokens_estimated", "cost_usd", "latency_ms",
            "ttft_ms", "stream", "attempts", "api_key", "user",
        )  # fmt: skip


class CsvRenderer(renderers.BaseRenderer):
    """Lets DRF accept ``?format=csv``; the view streams the rows itself."""

    media_type = "text/csv"
    format = "csv"

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None
    ) -> bytes:
        return b"" if data is None else str(data).encode()


class UsageListView(WorkspaceScopedListView[UsageRecord]):
    """Filters: from, to (ISO date or datetime), provider, model, api_key, source, status."""

    queryset = UsageRecord.objects.none()
    serializer_class = UsageRecordSerializer
    renderer_classes = [*api_settings.DEFAULT_RENDERER_CLASSES, CsvRenderer]
    always_csv = False

    def scoped_queryset(self) -> QuerySet[UsageRecord]:
        return selectors.usage_list(
            workspace=self.actor.workspace, filters=usage_filters(self.request)
        )

    def get(self, request: Request, workspace_slug: str) -> Any:
        records = self.get_queryset()
        if self.always_csv or getattr(request.accepted_renderer, "format", None) == "csv":
            return csv_response(records, name=f"usage-{workspace_slug}.csv")
        page = self.paginate_queryset(records)
        response: Response = self.get_paginated_response(self.get_serializer(page, many=True).data)
        response.data["totals"] = selectors.usage_totals(records)
        return response


class UsageCsvView(UsageListView):
    always_csv = True


def usage_filters(request: Request) -> selectors.UsageFilters:
    params = request.query_params
    api_key = params.get("api_key")
    if api_key is not None and not api_key.isdigit():
        raise ValidationError({"api_key": "Give the key's numeric id."})
    for name, choices in (("source", UsageSource.values), ("status", UsageStatus.values)):
        if params.get(name) and params[name] not in choices:
            raise ValidationError({name: f"One of {', '.join(choices)}."})
    return selectors.UsageFilters(
        start=_moment(params.get("from"), "from", end_of_day=False),
        end=_moment(params.get("to"), "to", end_of_day=True),
        provider=params.get("provider") or None,
        model=params.get("model") or None,
        api_key_id=int(api_key) if api_key is not None else None,
        source=params.get("source") or None,
        status=params.get("status") or None,
    )


def _moment(value: str | None, name: str, *, end_of_day: bool) -> datetime | None:
    """An ISO datetime, or a date: ``from`` its start, ``to`` the end of it (inclusive)."""
    if not value:
        return None
    try:
        moment = parse_datetime(value)
        if moment is None and (day := parse_date(value)) is not None:
            moment = datetime.combine(day, time.min)
            if end_of_day:
                moment += timedelta(days=1)
    except ValueError:
        moment = None
    if moment is None:
        raise ValidationError({name: "Use an ISO date (2025-01-31) or datetime."})
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def csv_response(records: QuerySet[UsageRecord], *, name: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(_csv_chunks(records), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class _Echo:
    def write(self, value: str) -> str:
        return value


CSV_CHUNK_ROWS = 2000


async def _csv_chunks(records: QuerySet[UsageRecord]) -> AsyncIterator[str]:
    """The file in chunks of CSV_CHUNK_ROWS rows, newest first, each read by keyset (older
    than the last row sent) in the database thread: the ASGI server streams it as it is read,
    and memory holds one chunk however many records there are."""
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_FIELDS)
    ordered = records.order_by("-created_at", "-id")
    last: tuple[Any, int] | None = None
    while True:
        page = ordered
        if last is not None:
            at, pk = last
            page = ordered.filter(Q(created_at__lt=at) | Q(created_at=at, id__lt=pk))
        rows: list[tuple[Any, ...]] = await sync_to_async(_rows)(page)
        if not rows:
            return
        yield "".join(writer.writerow(row[2:]) for row in rows)
        last = (rows[-1][0], rows[-1][1])


def _rows(page: QuerySet[UsageRecord]) -> list[tuple[Any, ...]]:
    return list(page.values_list("created_at", "id", *CSV_FIELDS)[:CSV_CHUNK_ROWS])
