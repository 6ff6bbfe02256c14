"""The usage charts' hour axis: whole-hour ticks, never more than a dozen."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from analytics.charts import hour_ticks

NOON = datetime(2026, 12, 2, 12, tzinfo=UTC)


def test_one_hour_of_calls_gets_one_tick_an_hour_and_room_either_side():
    ticks = hour_ticks([NOON])
    assert ticks["dtick"] == 3_600_000 and ticks["tick0"] == NOON
    assert ticks["range"] == [NOON - timedelta(minutes=30), NOON + timedelta(minutes=30)]


def test_a_week_of_hours_is_labelled_every_fourteen_hours():
    week = [NOON + timedelta(hours=n) for n in range(168)]
    assert hour_ticks(week)["dtick"] == 14 * 3_600_000  # 168 / 12


def test_no_calls_no_ticks():
    assert hour_ticks([]) == {}
