"""The usage page's charts, built server-side with plotly into HTML fragments.

Each fragment needs ``vendor/plotly/plotly-basic.min.js`` and ``js/charts.js``;
the rows come from analytics.selectors, already grouped by the database.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta

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
HOUR_S = 3600
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
    figure.update_layout(
        xaxis=hour_ticks([hour for counts in by_status.values() for hour in counts])
    )
    return figure_html(figure)


def hour_ticks(hours: list[datetime], most: int = 12) -> dict[str, object]:
    """Ticks on whole hours, at most ``most`` of them, and half an hour of room either side:
    plotly alone labels one bar with a tick every few minutes, all reading the same hour."""
    if not hours:
        return {}
    first, last = min(hours), max(hours)
    span_hours = int((last - first).total_seconds() // HOUR_S) + 1
    step = max(1, math.ceil(span_hours / most))
    return {
        "tickformat": "%b %-d %H:00",
        "tick0": first,
        "dtick": step * HOUR_S * 1000,
        "range": [first - timedelta(minutes=30), last + timedelta(minutes=30)],
    }


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
