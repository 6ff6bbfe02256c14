"""One row per health observation of a provider: an active check, or a passive snapshot."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from workspaces.models import Workspace
from workspaces.scoping import WorkspaceScopedManager


class HealthSource(models.TextChoices):
    ACTIVE = "active", "Active check"
    PASSIVE = "passive", "Real traffic"


class HealthCheck(models.Model):
    """An active check (a model-list call) or a passive snapshot of the traffic since the last
    run. Active rows decide uptime; passive rows only feed the history chart."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    provider = models.ForeignKey(
        "providers.Provider", on_delete=models.CASCADE, related_name="health_checks"
    )
    checked_at = models.DateTimeField(default=timezone.now)
    ok = models.BooleanField()
    latency_ms = models.FloatField(null=True, blank=True)
    detail = models.CharField(max_length=300, blank=True)
    source = models.CharField(max_length=8, choices=HealthSource.choices)

    objects = WorkspaceScopedManager()

    class Meta:
        ordering = ["-checked_at", "-id"]
        indexes = [
            models.Index(fields=["provider", "source", "-checked_at"], name="health_provider_time"),
            models.Index(fields=["checked_at"], name="health_time"),
        ]

    def __str__(self) -> str:
        return f"{self.provider_id} {self.source} {'ok' if self.ok else 'failed'}"
