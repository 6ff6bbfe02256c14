"""The usage recorder: batches off the hot path, back-pressure, and no loss while the DB is away."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection

from analytics.models import UsageRecord
from analytics.recorder import UsageRecorder
from tests.analytics.factories import usage_row

pytestmark = pytest.mark.django_db(transaction=True)


def test_records_are_written_in_batches_and_flush_waits_for_them(workspace):
    batches: list[int] = []
    from analytics.recorder import rows_write

    def counting_writer(rows):  # type: ignore[no-untyped-def]
        batches.append(len(rows))
        rows_write(rows)

    recorder = UsageRecorder(batch_size=50, interval=0.2, writer=counting_writer)
    for _ in range(120):
        recorder.record(usage_row(workspace))
    assert recorder.flush(timeout=10)
    assert UsageRecord.objects.filter(workspace=workspace).count() == 120
    assert max(batches) <= 50 and len(batches) < 120  # batched, not one insert per row


def test_records_survive_the_database_being_unavailable(workspace):
    """The table disappears (renamed) while records arrive; once it is back, all are written."""
    recorder = UsageRecorder(batch_size=10, interval=0.05, retry_delay=0.05)
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE analytics_usagerecord RENAME TO analytics_usagerecord_away")
    try:
        for _ in range(25):
            recorder.record(usage_row(workspace, request_id=f"req_outage_{_}"))
        assert not recorder.flush(timeout=0.5), "nothing can be written while the table is away"
    finally:
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE analytics_usagerecord_away RENAME TO analytics_usagerecord")
    assert recorder.flush(timeout=15)
    written = UsageRecord.objects.filter(request_id__startswith="req_outage_")
    assert written.count() == 25
    assert set(written.values_list("request_id", flat=True)) == {
        f"req_outage_{i}" for i in range(25)
    }


def test_a_full_buffer_blocks_the_caller_instead_of_dropping(workspace):
    release = threading.Event()
    written: list[int] = []

    def slow_writer(rows):  # type: ignore[no-untyped-def]
        release.wait(5)
        written.append(len(rows))

    recorder = UsageRecorder(capacity=3, batch_size=1, interval=0, writer=slow_writer)
    recorder.record(usage_row(workspace))  # taken by the writer, which now waits
    time.sleep(0.1)
    for _ in range(3):
        recorder.record(usage_row(workspace))  # fills the buffer
    started = time.monotonic()
    threading.Timer(0.3, release.set).start()
    recorder.record(usage_row(workspace))  # must wait for room, not vanish
    assert time.monotonic() - started >= 0.25
    assert recorder.flush(timeout=5)
    assert sum(written) == 5


async def test_record_nowait_never_blocks_the_event_loop_when_full(workspace):
    release = threading.Event()
    written: list[int] = []

    def slow_writer(rows):  # type: ignore[no-untyped-def]
        release.wait(5)
        written.append(len(rows))

    recorder = UsageRecorder(capacity=1, batch_size=1, interval=0, writer=slow_writer)
    for _ in range(4):
        started = time.monotonic()
        recorder.record_nowait(usage_row(workspace))
        assert time.monotonic() - started < 0.05
    release.set()
    deadline = time.monotonic() + 5
    while sum(written) < 4 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert sum(written) == 4
