"""The health page: every provider's status, score, latency, uptime and history chart."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from analytics.alerts.selectors import notification_list
from analytics.health import selectors
from analytics.health.charts import history_chart
from analytics.health.status import UPTIME_WINDOWS
from workspaces.views.base import WorkspacePageView

DEFAULT_SPAN = "24h"
RECENT_NOTIFICATIONS = 8


class HealthPageView(WorkspacePageView):
    """Anyone in the workspace may look; ``?span=24h|7d|30d`` picks the charts' span."""

    nav = "health"
    template_name = "health/page.html"

    def get(self, request: HttpRequest, workspace_slug: str) -> HttpResponse:
        span = request.GET.get("span", DEFAULT_SPAN)
        if span not in UPTIME_WINDOWS:
            span = DEFAULT_SPAN
        workspace = self.actor.workspace
        until = timezone.now()
        since = until - UPTIME_WINDOWS[span]
        threshold = selectors.thresholds_for(workspace).latency_ms
        rows = [
            {
                "health": health,
                "chart": history_chart(
                    selectors.health_history(provider=health.provider, since=since),
                    since=since,
                    until=until,
                    threshold_ms=threshold,
                ),
            }
            for health in selectors.provider_health_list(workspace=workspace, now=until)
        ]
        return self.render_page(
            {
                "rows": rows,
                "span": span,
                "spans": list(UPTIME_WINDOWS),
                "threshold_ms": threshold,
                "notifications": notification_list(workspace=workspace)[:RECENT_NOTIFICATIONS],
            }
        )
