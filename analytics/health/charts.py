"""Latency and uptime history as a plotly chart, rendered server-side to an HTML fragment.

Checks are grouped into at most ``MAX_BUCKETS`` time buckets, so 30 days of 5-minute checks
stay a light page. The fragment needs ``vendor/plotly/plotly-basic.min.js`` and ``js/charts.js``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import plotly.graph_objects as go

from analytics.chart_html import figure_html
from analytics.health.models import HealthCheck, HealthSource
from analytics.health.status import percentile

MAX_BUCKETS = 200
MIN_BUCKET = timedelta(minutes=5)
COLOURS = {"latency": "#4f46e5", "traffic": "#0891b2", "uptime": "#16a34a", "failed": "#dc2626"}


@dataclass
class _Bucket:
    latencies: list[float] = field(default_factory=list)
    traffic_p95: list[float] = field(default_factory=list)
    ok: int = 0
    checks: int = 0


def bucket_size(span: timedelta) -> timedelta:
    return max(MIN_BUCKET, span / MAX_BUCKETS)


def history_chart(
    points: Iterable[HealthCheck], *, since: datetime, until: datetime, threshold_ms: float
) -> str:
    """A chart of check latency, traffic p95 and uptime per bucket; an HTML ``<div>``."""
    size = bucket_size(until - since)
    buckets: dict[datetime, _Bucket] = {}
    for point in points:
        start = since + size * ((point.checked_at - since) // size)
        bucket = buckets.setdefault(start, _Bucket())
        if point.source == HealthSource.PASSIVE:
            if point.latency_ms is not None:
                bucket.traffic_p95.append(point.latency_ms)
            continue
        bucket.checks += 1
        bucket.ok += point.ok
        if point.ok and point.latency_ms is not None:
            bucket.latencies.append(point.latency_ms)
    times = sorted(buckets)
    figure = go.Figure()
    figure.add_trace(
        go.Bar(
            x=times,
            y=[_uptime_pct(buckets[t]) for t in times],
            name="Uptime %",
            yaxis="y2",
            marker={"color": COLOURS["uptime"]},
            opacity=0.18,
            hovertemplate="%{y:.0f} % of checks ok<extra></extra>",
        )
    )
    figure.add_trace(
        _line(times, [_median(buckets[t].latencies) for t in times], "Check latency", "latency")
    )
    figure.add_trace(
        _line(times, [_max(buckets[t].traffic_p95) for t in times], "Traffic p95", "traffic")
    )
    failed = [t for t in times if buckets[t].checks and buckets[t].ok < buckets[t].checks]
    figure.add_trace(
        go.Scatter(
            x=failed,
            y=[0] * len(failed),
            mode="markers",
            name="Failed checks",
            marker={"color": COLOURS["failed"], "symbol": "x", "size": 8},
            hovertemplate="checks failed<extra></extra>",
        )
    )
    latencies = [v for b in buckets.values() for v in (*b.latencies, *b.traffic_p95)]
    if latencies and max(latencies) >= threshold_ms / 2:  # else the line would flatten the data
        figure.add_hline(
            y=threshold_ms,
            line={"dash": "dot", "color": "#9ca3af", "width": 1},
            annotation_text="threshold",
            annotation_position="top left",
        )
    figure.update_layout(
        height=240,
        margin={"l": 48, "r": 48, "t": 16, "b": 32},
        template="plotly_white",
        legend={"orientation": "h", "y": -0.25},
        hovermode="x unified",
        xaxis={"range": [since, until]},
        yaxis={"title": {"text": "ms"}, "rangemode": "tozero"},
        yaxis2={
            "overlaying": "y",
            "side": "right",
            "range": [0, 105],
            "tickmode": "array",
            "tickvals": [0, 50, 100],
            "showgrid": False,
            "title": {"text": "uptime %"},
        },
    )
    return figure_html(figure)


def _line(times: list[datetime], values: list[float | None], name: str, colour: str) -> go.Scatter:
    return go.Scatter(
        x=times,
        y=values,
        name=name,
        mode="lines+markers",
        connectgaps=False,
        line={"color": COLOURS[colour], "width": 2},
        marker={"size": 4},
        hovertemplate="%{y:.0f} ms<extra>" + name + "</extra>",
    )


def _uptime_pct(bucket: _Bucket) -> float | None:
    return 100 * bucket.ok / bucket.checks if bucket.checks else None


def _median(values: list[float]) -> float | None:
    return percentile(values, 0.5)


def _max(values: list[float]) -> float | None:
    return max(values) if values else None
