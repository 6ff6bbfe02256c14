"""The usage page's charts, built server-side with plotly into HTML fragments.

Each fragment needs ``vendor/plotly/plotly-basic.min.js`` and ``js/charts.js``;
the rows come from analytics.selectors, already grouped by the database.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime

import plotly.graph_objects as go

from analytics.chart_html import figure_html
from analytics.models import UsageStatus
from analytics.selectors import DayCost, HourCalls

PROVIDER_COLOURS = (
    "#4f46e5", "#0891b2", "#16a34a", "#d97706", "#db2777", "#7c3aed", "#0d9488", "#64748b",
)  # fmt: skip
STATUS_COLOURS = {
    UsageStatus.SUCCESS: "#16a34a",
    UsageStatus.ERROR: "#dc2626",
    UsageStatus.CANCELLED: "#9ca3af",
}
NO_PROVIDER = "(none)"  # calls refused before any provider was tried


def cost_per_day_chart(rows: Iterable[DayCost]) -> str:
    """Stacked bars of cost per UTC day, one colour per provider."""
    by_provider: dict[str, dict[date, float]] = defaultdict(dict)
    for row in rows:
        by_provider[row["provider_slug"] or NO_PROVIDER][row["day"]] = float(row["cost"] or 0)
    figure = go.Figure()
    for index, (provider, costs) in enumerate(sorted(by_provider.items())):
        days = sorted(costs)
        figure.add_trace(
            go.Bar(
                x=days,
                y=[costs[day] for day in days],
                name=provider,
                marker={"color": PROVIDER_COLOURS[index % len(PROVIDER_COLOURS)]},
                hovertemplate="$%{y:.6f}<extra>" + provider + "</extra>",
            )
        )
    _layout(figure, y_title="USD", x_format="%b %-d")
    figure.update_layout(xaxis={"dtick": 86_400_000})
    return figure_html(figure)


def calls_per_hour_chart(rows: Iterable[HourCalls]) -> str:
    """Stacked bars of calls per UTC hour, by status."""
    by_status: dict[str, dict[datetime, int]] = defaultdict(dict)
    for row in rows:
        by_status[row["status"]][row["hour"]] = row["calls"]
    figure = go.Figure()
    for status in UsageStatus:
        counts = by_status.get(status.value)
        if not counts:
            continue
        hours = sorted(counts)
        figure.add_trace(
            go.Bar(
                x=hours,
                y=[counts[hour] for hour in hours],
                name=status.label,
                marker={"color": STATUS_COLOURS[status]},
                hovertemplate="%{y} calls<extra>" + status.label + "</extra>",
            )
        )
    _layout(figure, y_title="calls", x_format="%b %-d %H:00")
    # Hour labels even when every call falls in one hour (plotly would label sub-second
    # ticks around a single bar); at most a dozen, so a week stays readable.
    figure.update_layout(xaxis={"tickformat": "%b %-d %H:00", "nticks": 12})
    return figure_html(figure)


def _layout(figure: go.Figure, *, y_title: str, x_format: str) -> None:
    figure.update_layout(
        barmode="stack",
        height=260,
        margin={"l": 56, "r": 16, "t": 16, "b": 32},
        template="plotly_white",
        legend={"orientation": "h", "y": -0.2},
        hovermode="x unified",
        xaxis={"hoverformat": x_format},
        yaxis={"title": {"text": y_title}, "rangemode": "tozero"},
    )
