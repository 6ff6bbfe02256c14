"""Admin for usage records (read-only: they are the audit trail), health checks, alerts and
notifications."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from analytics.alerts.models import AlertSettings, AlertState, Notification
from analytics.health.models import HealthCheck
from analytics.models import UsageRecord


@admin.register(UsageRecord)
class UsageRecordAdmin(admin.ModelAdmin):
    list_display = ["created_at", "workspace", "source", "model", "provider_slug", "status",
                    "input_tokens", "output_tokens", "cost_usd", "latency_ms"]  # fmt: skip
    list_filter = ["status", "source", "stream", "workspace"]
    search_fields = ["request_id", "model", "provider_slug", "upstream_model"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(AlertSettings)
class AlertSettingsAdmin(admin.ModelAdmin):
    list_display = ["workspace", "email_enabled", "latency_threshold_ms", "error_rate_threshold",
                    "cooldown_minutes", "updated_at"]  # fmt: skip
    exclude = ["webhook_url"]  # its path is a secret; set it on the workspace's alert page
    readonly_fields = ["webhook_url_hint"]


@admin.register(AlertState)
class AlertStateAdmin(admin.ModelAdmin):
    list_display = ["workspace", "key", "state", "changed_at"]
    search_fields = ["key"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "workspace", "level", "title", "read_at"]
    list_filter = ["level", "kind", "workspace"]
    search_fields = ["title", "text", "key"]


@admin.register(HealthCheck)
class HealthCheckAdmin(admin.ModelAdmin):
    list_display = ["checked_at", "provider", "source", "ok", "latency_ms", "detail"]
    list_filter = ["ok", "source"]
    date_hierarchy = "checked_at"
