"""Template filters of evaluation pages."""

from __future__ import annotations

from django import template

from hub.evals.statistics import Interval

register = template.Library()


@register.filter
def interval_bar(interval: Interval) -> dict[str, float]:
    """An interval on 0..1 as percentages for a bar: its rate, ends and width."""
    low, high = 100 * interval.low, 100 * interval.high
    return {
        "rate": round(100 * interval.estimate, 1),
        "low": round(low, 1),
        "high": round(high, 1),
        "width": round(max(high - low, 0.5), 1),
    }
