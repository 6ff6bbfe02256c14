"""The health page (every provider's status, score, latency, uptime and history chart), and
one provider's health as a small fragment the providers list loads into each row."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from analytics.alerts.selectors import notification_list
from analytics.health import selectors
from analytics.health.charts import history_chart
from analytics.health.status import UPTIME_WINDOWS
from providers.models import Provider
from providers.selectors import provider_list
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


class ProviderHealthCellView(WorkspacePageView):
    """One provider's status badge and p50 latency: an htmx fragment for the providers list
    (providers sit on a lower floor and cannot read health themselves). Any member may look;
    a provider of another workspace is a 404."""

    nav = "providers"
    object_kwarg = "provider_id"
    template_name = "health/_cell.html"
    fragment = True

    def scoped_queryset(self) -> QuerySet[Provider]:
        return provider_list(workspace=self.actor.workspace)

    def get(self, request: HttpRequest, workspace_slug: str, provider_id: int) -> HttpResponse:
        return self.render_page({"health": selectors.provider_health(provider=self.object)})
