"""The usage page: filters, totals, two charts and the recent calls of a workspace.

Thin over analytics.selectors, like the REST usage list; the CSV link points at that list
with the same filters, and session sign-in is enough to download it.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from analytics import selectors
from analytics.charts import calls_per_hour_chart, cost_per_day_chart
from analytics.forms import UsageFilterForm
from workspaces.views.base import WorkspacePageView

PAGE_SIZE = 50


class UsagePageView(WorkspacePageView):
    """Anyone in the workspace may look. With no query the last seven UTC days are shown."""

    nav = "usage"
    template_name = "analytics/usage.html"

    def get(self, request: HttpRequest, workspace_slug: str) -> HttpResponse:
        workspace = self.actor.workspace
        form = UsageFilterForm(request.GET, workspace=workspace)
        records = selectors.usage_list(workspace=workspace, filters=form.filters())
        summary = selectors.usage_summary(records)
        has_rows = summary["requests"] > 0
        page = Paginator(records.select_related("api_key"), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        csv_url = reverse("api-usage-csv", args=[workspace.slug])
        if params := form.api_params():
            csv_url = f"{csv_url}?{urlencode(params)}"
        return self.render_page(
            {
                "form": form,
                "summary": summary,
                "page": page,
                "csv_url": csv_url,
                "cost_chart": cost_per_day_chart(selectors.cost_by_day_and_provider(records))
                if has_rows
                else "",
                "calls_chart": calls_per_hour_chart(selectors.calls_by_hour_and_status(records))
                if has_rows
                else "",
            }
        )
