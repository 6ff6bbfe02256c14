"""Usage records: one row per model call, success or failure, with its cost."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from providers.models import Provider, model_label
from workspaces.models import ApiKey, Workspace


class UsageSource(models.TextChoices):
    API = "api", "API"
    CHAT = "chat", "Chat"
    PLAYGROUND = "playground", "Playground"
    EVAL = "eval", "Evaluation"
    AGENT = "agent", "Agent"
    RAG = "rag", "RAG"


class UsageStatus(models.TextChoices):
    SUCCESS = "success", "Success"
    ERROR = "error", "Error"
    CANCELLED = "cancelled", "Cancelled by the client"


class UsageRecord(models.Model):
    """What one call cost and how it went. Provider and model are kept as text too, so the
    record outlives the provider it names."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="usage")
    api_key = models.ForeignKey(
        ApiKey, on_delete=models.SET_NULL, null=True, blank=True, related_name="usage"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="usage",
    )
    source = models.CharField(max_length=16, choices=UsageSource.choices, default=UsageSource.API)
    endpoint = models.CharField(max_length=32, default="chat")
    provider = models.ForeignKey(
        Provider, on_delete=models.SET_NULL, null=True, blank=True, related_name="usage"
    )
    provider_slug = models.CharField(max_length=64, blank=True)
    model = models.CharField(max_length=300, blank=True, help_text="As requested by the caller.")
    upstream_model = models.CharField(max_length=200, blank=True)
    input_tokens = models.PositiveIntegerField(default=0)
    output_tokens = models.PositiveIntegerField(default=0)
    cached_tokens = models.PositiveIntegerField(default=0)
    tokens_estimated = models.BooleanField(default=False)
    cost_usd = models.DecimalField(max_digits=16, decimal_places=8, default=0)
    latency_ms = models.PositiveIntegerField(default=0)
    ttft_ms = models.PositiveIntegerField(null=True, blank=True)
    stream = models.BooleanField(default=False)
    status = models.CharField(max_length=16, choices=UsageStatus.choices)
    http_status = models.PositiveSmallIntegerField(default=200)
    error_class = models.CharField(max_length=64, blank=True)
    attempts = models.JSONField(default=list, blank=True)
    route = models.CharField(
        max_length=200, blank=True, help_text="x-hub-route: rule, alias, strategy."
    )
    route_reason = models.CharField(max_length=300, blank=True, help_text="x-hub-route-reason.")
    request_id = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["workspace", "-created_at"], name="usage_ws_time")]

    def __str__(self) -> str:
        return f"{self.request_id} {self.model} {self.status}"

    @property
    def answered_by(self) -> str:
        """``provider/model`` of the deployment that answered; empty when none was reached."""
        if not self.provider_slug:
            return ""
        return model_label(self.provider_slug, self.upstream_model or "?")


# Alert and health tables live in their own packages; imported here so Django registers them
# with the app.
from analytics.alerts.models import AlertSettings as AlertSettings  # noqa: E402
from analytics.alerts.models import AlertState as AlertState  # noqa: E402
from analytics.alerts.models import Notification as Notification  # noqa: E402
from analytics.health.models import HealthCheck as HealthCheck  # noqa: E402
