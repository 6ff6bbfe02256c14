"""The Overview's daily totals and its sparklines, checked against hand-counted values."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from analytics.templatetags.sparklines import HEIGHT, PAD, WIDTH, sparkline, sparkline_runs
from analytics.trends import daily_totals, recent_errors
from tests.analytics.factories import make_usage

TODAY = date(2026, 12, 2)


def at(day: int, hour: int = 12) -> datetime:
    return datetime(2026, 12, day, hour, tzinfo=UTC)


@pytest.mark.django_db
def test_daily_totals_count_each_utc_day_and_fill_empty_days(workspace, other_workspace):
    make_usage(workspace, at=at(2, 0), latency_ms=100, cost_usd=Decimal("0.25"))
    make_usage(workspace, at=at(2, 23), latency_ms=300, cost_usd=Decimal("0.5"))
    make_usage(workspace, at=at(2, 9), latency_ms=1000, status="error", http_status=502)
    make_usage(workspace, at=at(1), latency_ms=40)
    make_usage(workspace, at=datetime(2026, 11, 25, 23, 59, tzinfo=UTC))  # 8 days ago: out
    make_usage(other_workspace, at=at(2), latency_ms=5, cost_usd=Decimal(9))

    days = daily_totals(workspace=workspace, days=7, today=TODAY)

    assert [day.day for day in days] == [date(2026, 11, 26 + n) for n in range(5)] + [
        date(2026, 12, 1),
        TODAY,
    ]
    today, yesterday = days[-1], days[-2]
    assert (today.calls, today.errors, today.cost_usd) == (3, 1, Decimal("0.75002"))
    assert today.p50_latency_ms == 300  # of 100, 300, 1000
    assert today.error_rate == pytest.approx(1 / 3)
    assert (yesterday.calls, yesterday.p50_latency_ms) == (1, 40)
    assert all(day.calls == 0 and day.p50_latency_ms is None for day in days[:5])
    assert days[0].error_rate is None


@pytest.mark.django_db
def test_recent_errors_are_the_workspaces_own_newest_first(workspace, other_workspace):
    older = make_usage(workspace, at=at(1), status="error", http_status=500)
    newer = make_usage(workspace, at=at(2), status="error", http_status=429)
    make_usage(workspace, at=at(2, 13))
    make_usage(other_workspace, at=at(2, 14), status="error", http_status=500)
    assert recent_errors(workspace=workspace) == [newer, older]


def test_sparkline_spans_the_box_and_breaks_at_missing_values():
    runs = sparkline_runs([0, 10, None, 5])
    step = (WIDTH - 2 * PAD) / 3
    assert runs == [
        [(PAD, HEIGHT - PAD), (round(PAD + step, 1), PAD)],
        [(round(PAD + 3 * step, 1), HEIGHT / 2)],
    ]
    assert sparkline_runs([None, None]) == []
    flat = sparkline_runs([3, 3])  # no range: drawn at the top, not divided by zero
    assert [y for _, y in flat[0]] == [PAD, PAD]


def test_sparkline_svg_is_labelled_and_escapes_its_label():
    svg = sparkline([1, 2], '<b>"calls"</b>')
    assert 'role="img"' in svg and "&lt;b&gt;&quot;calls&quot;&lt;/b&gt;" in svg
    assert svg.count("<polyline") == 1
