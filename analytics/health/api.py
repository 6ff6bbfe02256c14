"""/api/workspaces/<slug>/providers/health/ and /providers/<id>/health/: read-only health."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from analytics.health import selectors
from analytics.health.models import HealthCheck
from providers import selectors as provider_selectors
from providers.models import Provider
from workspaces.api.base import WorkspaceScopedView

MAX_HISTORY_HOURS = 24 * 30


class ProviderHealthSerializer(serializers.Serializer):
    provider_id = serializers.IntegerField(source="provider.pk")
    name = serializers.CharField(source="provider.name")
    slug = serializers.CharField(source="provider.slug")
    kind = serializers.CharField(source="provider.kind")
    enabled = serializers.BooleanField(source="provider.enabled")
    status = serializers.CharField()
    reasons = serializers.ListField(child=serializers.CharField())
    score = serializers.FloatField(allow_null=True, help_text="0..100, see the README.")
    p50_ms = serializers.FloatField(allow_null=True)
    p95_ms = serializers.FloatField(allow_null=True)
    error_rate = serializers.FloatField(allow_null=True, help_text="0..1 over the last 24 h.")
    uptime = serializers.DictField(
        child=serializers.FloatField(allow_null=True),
        help_text="Share of successful active checks over 24h, 7d and 30d (0..1).",
    )
    requests_24h = serializers.IntegerField()
    last_checked_at = serializers.DateTimeField(allow_null=True)
    last_check_ok = serializers.BooleanField(allow_null=True)
    last_check_detail = serializers.CharField()


class HealthPointSerializer(serializers.ModelSerializer):
    class Meta:
        model = HealthCheck
        fields = ("checked_at", "source", "ok", "latency_ms", "detail")


class ProviderHealthDetailSerializer(ProviderHealthSerializer):
    history = HealthPointSerializer(many=True)


class ProviderHealthListView(WorkspaceScopedView[Provider]):
    """Every provider's status, latency percentiles, error rate, uptime and score."""

    queryset = Provider.objects.none()
    serializer_class = ProviderHealthSerializer
    pagination_class = None

    @extend_schema(responses=ProviderHealthSerializer(many=True))
    def get(self, request: Request, workspace_slug: str) -> Response:
        healths = selectors.provider_health_list(workspace=self.actor.workspace)
        return Response(ProviderHealthSerializer(healths, many=True).data)


class ProviderHealthDetailView(WorkspaceScopedView[Provider]):
    """One provider's health and its checks and traffic snapshots (``?hours=``, default 24)."""

    queryset = Provider.objects.none()
    serializer_class = ProviderHealthDetailSerializer

    def scoped_queryset(self) -> QuerySet[Provider]:
        return provider_selectors.provider_list(workspace=self.actor.workspace)

    @extend_schema(
        parameters=[OpenApiParameter("hours", OpenApiTypes.INT, description="History span.")],
        responses=ProviderHealthDetailSerializer,
    )
    def get(self, request: Request, workspace_slug: str, pk: int) -> Response:
        hours = _hours(request.query_params.get("hours"))
        provider = self.url_object
        health = selectors.provider_health(provider=provider)
        data = ProviderHealthSerializer(health).data
        since = timezone.now() - timedelta(hours=hours)
        history = selectors.health_history(provider=provider, since=since)
        data["history"] = HealthPointSerializer(history, many=True).data
        return Response(data)


def _hours(raw: str | None) -> int:
    if raw is None or raw == "":
        return 24
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_HISTORY_HOURS:
        raise ValidationError({"hours": f"A whole number of hours from 1 to {MAX_HISTORY_HOURS}."})
    return int(raw)
