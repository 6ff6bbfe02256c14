"""Alert settings per workspace, the last known state of each alert key, and notifications."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from workspaces.models import Workspace
from workspaces.scoping import WorkspaceScopedManager

DEFAULT_LATENCY_THRESHOLD_MS = 10_000  # chat calls that generate much text take seconds
DEFAULT_ERROR_RATE_THRESHOLD = 0.10
DEFAULT_COOLDOWN_MINUTES = 30


class AlertSettings(models.Model):
    """Where a workspace's alerts go and when health numbers count as degraded."""

    workspace = models.OneToOneField(
        Workspace, on_delete=models.CASCADE, related_name="alert_settings"
    )
    email_enabled = models.BooleanField(
        default=True, help_text="Email alerts to the workspace's owners and admins."
    )
    webhook_url = models.URLField(
        max_length=500, blank=True, help_text="POSTed JSON with a Slack-compatible text field."
    )
    latency_threshold_ms = models.PositiveIntegerField(
        default=DEFAULT_LATENCY_THRESHOLD_MS,
        validators=[MinValueValidator(1)],
        help_text="p95 latency above this makes a provider degraded.",
    )
    error_rate_threshold = models.FloatField(
        default=DEFAULT_ERROR_RATE_THRESHOLD,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text="Share of failed requests (0..1) that makes a provider degraded.",
    )
    cooldown_minutes = models.PositiveIntegerField(
        default=DEFAULT_COOLDOWN_MINUTES,
        help_text="The same alert is not sent again within this many minutes.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = WorkspaceScopedManager()

    class Meta:
        verbose_name = verbose_name_plural = "alert settings"  # one row per workspace

    def __str__(self) -> str:
        return f"Alert settings of {self.workspace}"

    @property
    def webhook_url_hint(self) -> str:
        """``https://hooks.example.com/…``: a webhook URL's path is its secret, so only the
        host is ever shown."""
        if not self.webhook_url:
            return ""
        parts = urlsplit(self.webhook_url)
        return f"{parts.scheme}://{parts.netloc}/…"


class AlertState(models.Model):
    """The state last announced (or quietly recorded) for an alert key such as
    ``provider:12:status``; an alert goes out only when a new state differs from it."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=120)
    state = models.CharField(max_length=32)
    changed_at = models.DateTimeField(default=timezone.now)

    objects = WorkspaceScopedManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "key"], name="unique_alert_state_key")
        ]

    def __str__(self) -> str:
        return f"{self.key}={self.state}"


class NotificationLevel(models.TextChoices):
    INFO = "info", "Info"
    WARNING = "warning", "Warning"
    ERROR = "error", "Error"
    CRITICAL = "critical", "Critical"


class Notification(models.Model):
    """An alert as shown in the hub; also the record of what was sent, for cool-downs."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=32, help_text="What raised it: provider, budget, …")
    key = models.CharField(max_length=120)
    state = models.CharField(max_length=32)
    level = models.CharField(
        max_length=8, choices=NotificationLevel.choices, default=NotificationLevel.WARNING
    )
    title = models.CharField(max_length=200)
    text = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = WorkspaceScopedManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["workspace", "key", "state", "-created_at"], name="notif_key"),
            models.Index(fields=["workspace", "-created_at"], name="notif_ws_time"),
        ]

    def __str__(self) -> str:
        return self.title
