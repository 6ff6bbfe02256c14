"""Turn a provider's health into alerts: down, recovered, high latency, high error rate.

Three keys per provider: ``provider:<id>:status`` (down / degraded / healthy),
``provider:<id>:latency`` and ``provider:<id>:errors`` (high / normal). ``alert_raise``
sends only on a change of state, so a provider that stays down alerts once.
"""

from __future__ import annotations

from analytics.alerts.models import NotificationLevel
from analytics.alerts.selectors import alert_state_get
from analytics.alerts.services import alert_raise, alert_state_record
from analytics.health.selectors import ProviderHealth
from analytics.health.status import HealthStatus, Reason


def status_key(provider_id: int) -> str:
    return f"provider:{provider_id}:status"


def latency_key(provider_id: int) -> str:
    return f"provider:{provider_id}:latency"


def errors_key(provider_id: int) -> str:
    return f"provider:{provider_id}:errors"


def health_alerts_raise(health: ProviderHealth) -> list[str]:
    """Raise what changed for this provider; the keys that notified."""
    provider, status = health.provider, health.status
    if status in (HealthStatus.UNKNOWN, HealthStatus.DISABLED):
        return []
    workspace = provider.workspace
    keys = (status_key(provider.pk), latency_key(provider.pk), errors_key(provider.pk))
    previous = {key: alert_state_get(workspace=workspace, key=key) for key in keys}
    sent: list[str] = []

    def raised(key: str, state: str, title: str, text: str, level: str) -> None:
        if alert_raise(
            workspace=workspace, key=key, state=state, title=title, text=text, level=level
        ):
            sent.append(key)

    if status == HealthStatus.DOWN:
        raised(
            keys[0], "down", f"{provider.name} is down", _down_text(health), NotificationLevel.ERROR
        )
        return sent
    was_alerting = previous[keys[0]] == "down" or "high" in (previous[keys[1]], previous[keys[2]])
    if status == HealthStatus.HEALTHY and was_alerting:
        raised(
            keys[0],
            "healthy",
            f"{provider.name} recovered",
            _recovered_text(health),
            NotificationLevel.INFO,
        )
        # Held back by the cool-down: keep the old states, so the next run tries again.
        if sent:
            alert_state_record(workspace=workspace, key=keys[1], state="normal")
            alert_state_record(workspace=workspace, key=keys[2], state="normal")
        return sent
    if previous[keys[0]] != "down":  # partly better is not recovered: keep "down" until healthy
        alert_state_record(workspace=workspace, key=keys[0], state=status)
    if Reason.HIGH_LATENCY in health.reasons:
        raised(
            keys[1],
            "high",
            f"{provider.name}: high latency",
            _latency_text(health),
            NotificationLevel.WARNING,
        )
    elif previous[keys[1]] != "high":  # a high one stays so until the provider recovers
        alert_state_record(workspace=workspace, key=keys[1], state="normal")
    if Reason.HIGH_ERROR_RATE in health.reasons:
        raised(
            keys[2],
            "high",
            f"{provider.name}: high error rate",
            _errors_text(health),
            NotificationLevel.WARNING,
        )
    elif previous[keys[2]] != "high":
        alert_state_record(workspace=workspace, key=keys[2], state="normal")
    return sent


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f} ms"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f} %"


def _down_text(health: ProviderHealth) -> str:
    if Reason.CHECKS_FAILED in health.reasons:
        why = "Its last health checks failed"
        if health.last_check_detail:
            why += f" ({health.last_check_detail})"
    else:
        why = f"{_pct(health.recent_error_rate)} of its requests in the last 15 minutes failed"
    return f"{why}. Calls fall back to other providers where routes allow."


def _recovered_text(health: ProviderHealth) -> str:
    return (
        f"{health.provider.name} answers normally again: last check ok, "
        f"p95 {_ms(health.recent_p95_ms)}."
    )


def _latency_text(health: ProviderHealth) -> str:
    return (
        f"p95 latency over the last 15 minutes is {_ms(health.recent_p95_ms)}, above the "
        "workspace's threshold."
    )


def _errors_text(health: ProviderHealth) -> str:
    return (
        f"{_pct(health.recent_error_rate)} of requests in the last 15 minutes failed, at or "
        "above the workspace's threshold."
    )
