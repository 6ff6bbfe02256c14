"""Budget thresholds reach alert_raise from the real /v1 pipeline: one alert per threshold,
mailed over real SMTP to the workspace's owners."""

from __future__ import annotations

from decimal import Decimal

import httpx

from analytics.alerts.models import Notification
from routing.models import SpendBudget
from tests.live_hub import LiveHub

USER = [{"role": "user", "content": "spend a little please"}]


def test_crossing_soft_budget_thresholds_alerts_once_each(gateway, smtp_server):
    budget = SpendBudget.objects.create(
        workspace=gateway.workspace, name="Team", period="day", soft_limit_usd=Decimal("0.0005")
    )
    with httpx.Client(timeout=30) as client:
        for _ in range(12):
            response = client.post(
                f"{gateway.v1}/chat/completions",
                json={"model": "sim/echo", "messages": USER, "max_tokens": 20},
                headers={"Authorization": f"Bearer {gateway.key}"},
            )
            assert response.status_code == 200  # a soft limit never refuses a call
    for server in LiveHub.running:
        server.wait_idle()  # budgets settle just after the answer went out
    notifications = list(Notification.objects.filter(workspace=gateway.workspace).order_by("id"))
    assert [n.state for n in notifications] == ["50", "80", "100"]
    assert all(
        n.kind == "budget" and n.key.startswith(f"budget:{budget.pk}:") for n in notifications
    )
    assert notifications[-1].level == "critical"
    owner = gateway.workspace.memberships.get(role="owner").user
    assert smtp_server.recipients == [owner.email] * 3
