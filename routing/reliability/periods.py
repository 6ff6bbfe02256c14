"""Calendar-aligned UTC periods for quotas and budgets: a day, a ISO week (Monday) or a month.

Counters are keyed by the period's start, so a new period starts from zero without a reset job,
and old counters expire a little after their period ends.
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime, timedelta


class Period(enum.StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


def period_bounds(period: Period, at: datetime) -> tuple[datetime, datetime]:
    """The UTC [start, end) of the period holding ``at``."""
    at = at.astimezone(UTC)
    day = at.replace(hour=0, minute=0, second=0, microsecond=0)
    if period is Period.DAY:
        return day, day + timedelta(days=1)
    if period is Period.WEEK:
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=7)
    start = day.replace(day=1)
    end = (
        start.replace(year=start.year + 1, month=1)
        if start.month == 12
        else start.replace(month=start.month + 1)
    )
    return start, end


def period_label(period: Period, at: datetime) -> str:
    """A short, sortable name for the period holding ``at``, used in counter keys."""
    start, _ = period_bounds(period, at)
    return f"{period.value[0]}{start:%Y%m%d}"


def seconds_until_period_end(period: Period, at: datetime) -> float:
    return (period_bounds(period, at)[1] - at.astimezone(UTC)).total_seconds()


def period_adjective(period: Period) -> str:
    """How a period is said before a noun: a *daily* budget."""
    return {Period.DAY: "daily", Period.WEEK: "weekly", Period.MONTH: "monthly"}[period]
