"""The alert settings form. The webhook URL is write-only, like a credential's secret: blank
keeps the current one, and "remove" turns it off."""

from __future__ import annotations

from typing import Any

from django import forms

from analytics.alerts.models import AlertSettings


class AlertSettingsForm(forms.Form):
    email_enabled = forms.BooleanField(
        required=False, label="Email owners and admins", help_text="One message to each."
    )
    webhook_url = forms.CharField(
        max_length=500,
        required=False,
        label="Webhook URL",
        help_text="POSTed JSON with a Slack-compatible text field. Blank keeps the current one.",
        widget=forms.TextInput(attrs={"placeholder": "https://hooks.slack.com/services/…"}),
    )
    remove_webhook = forms.BooleanField(required=False, label="Remove the webhook")
    latency_threshold_ms = forms.IntegerField(
        min_value=1, label="Latency threshold (ms)", help_text="p95 above this is degraded."
    )
    error_rate_threshold = forms.FloatField(
        min_value=0, max_value=1, label="Error rate threshold",
        help_text="Share of failed calls (0 to 1) that is degraded; 0.1 is 10 %.",
    )  # fmt: skip
    cooldown_minutes = forms.IntegerField(
        min_value=0, label="Cool-down (minutes)", help_text="The same alert is not repeated sooner."
    )

    @staticmethod
    def initial_for(settings: AlertSettings) -> dict[str, Any]:
        return {
            "email_enabled": settings.email_enabled,
            "latency_threshold_ms": settings.latency_threshold_ms,
            "error_rate_threshold": settings.error_rate_threshold,
            "cooldown_minutes": settings.cooldown_minutes,
        }

    def service_fields(self) -> dict[str, Any]:
        """The cleaned data as ``alert_settings_update`` takes it."""
        data = dict(self.cleaned_data)
        remove, url = data.pop("remove_webhook"), data.pop("webhook_url").strip()
        if remove:
            data["webhook_url"] = ""
        elif url:
            data["webhook_url"] = url
        return data
