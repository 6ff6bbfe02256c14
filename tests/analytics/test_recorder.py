"""The usage recorder: batches off the hot path, back-pressure, and no loss while the DB is away."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection

from analytics.models import UsageRecord
from analytics.recorder import UsageRecorder, rows_write
from analytics.usage_spool import UsageSpool
from tests.analytics.factories import usage_row

pytestmark = pytest.mark.django_db(transaction=True)


def test_records_are_written_in_batches_and_flush_waits_for_them(workspace):
    batches: list[int] = []
    from analytics.recorder import rows_write

    def counting_writer(rows):
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

    def slow_writer(rows):
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

    def slow_writer(rows):
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


def test_a_written_row_reads_back_as_the_orm_stores_it(workspace):
    """The fast insert must store what bulk_create would: decimals, aware datetimes, JSON,
    choices, nulls, text beyond ASCII, and field defaults for keys a row leaves out."""
    from datetime import UTC, datetime
    from decimal import Decimal

    from analytics.models import UsageSource, UsageStatus
    from analytics.recorder import rows_write

    row = usage_row(
        workspace,
        source=UsageSource.PLAYGROUND,
        status=UsageStatus.CANCELLED,
        cost_usd=Decimal("0.00001234"),
        created_at=datetime(2026, 11, 25, 12, 30, 15, 123456, tzinfo=UTC),
        attempts=[{"attempt": 1, "provider": "sim", "error_class": None, "duration_ms": 1.25}],
        tokens_estimated=True,
        ttft_ms=None,
        route_reason="café ✓ — rule “cheap”",
    )
    sparse = usage_row(workspace)  # no attempts, route, stream...: the model's defaults
    rows_write([{**row, "request_id": "req_fast"}, {**sparse, "request_id": "req_fast_sparse"}])
    UsageRecord.objects.bulk_create(
        [
            UsageRecord(**{**row, "request_id": "req_orm"}),
            UsageRecord(**{**sparse, "request_id": "req_orm_sparse"}),
        ]
    )
    columns = [f.attname for f in UsageRecord._meta.concrete_fields if f.attname != "id"]

    def stored(request_id: str) -> dict:
        values = UsageRecord.objects.values(*columns).get(request_id=request_id)
        values.pop("request_id")
        return values

    assert stored("req_fast") == stored("req_orm")
    assert stored("req_fast_sparse") == stored("req_orm_sparse")
    fast = stored("req_fast")
    assert fast["cost_usd"] == Decimal("0.00001234")
    assert fast["created_at"] == row["created_at"]
    assert fast["attempts"] == row["attempts"] and fast["source"] == "playground"
    assert stored("req_fast_sparse")["attempts"] == []


def test_a_stop_during_an_outage_spools_the_records_and_the_next_start_writes_them(
    workspace, tmp_path
):
    """What a stopping process cannot write (the table is away) goes to disk, queued rows and
    the batch being retried alike; the next process to start writes them, once."""
    spool_dir = tmp_path / "spool"
    stopping = UsageRecorder(
        batch_size=5, interval=0.05, retry_delay=0.05, spool=UsageSpool(spool_dir)
    )
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE analytics_usagerecord RENAME TO analytics_usagerecord_away")
    try:
        for n in range(12):
            stopping.record(usage_row(workspace, request_id=f"req_spooled_{n}"))
        time.sleep(0.3)  # the first batch has failed, and is retried
        assert stopping.shutdown(timeout=0.3) > 0
    finally:
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE analytics_usagerecord_away RENAME TO analytics_usagerecord")
    assert list(spool_dir.glob("*.jsonl"))
    assert not UsageRecord.objects.filter(request_id__startswith="req_spooled_").exists()

    starting = UsageRecorder(spool=UsageSpool(spool_dir))
    starting.start()
    assert starting.flush(timeout=10)
    written = UsageRecord.objects.filter(request_id__startswith="req_spooled_")
    assert sorted(written.values_list("request_id", flat=True)) == sorted(
        f"req_spooled_{n}" for n in range(12)
    )
    assert written.first().cost_usd == usage_row(workspace)["cost_usd"]
    assert not list(spool_dir.glob("*.jsonl"))


def test_the_spool_of_a_process_still_running_is_left_to_it(workspace, tmp_path):
    mine, other = UsageSpool(tmp_path), UsageSpool(tmp_path)
    mine.keep([usage_row(workspace)])
    assert other.adopt() == []


def test_a_batch_written_twice_is_stored_once(workspace):
    rows = [usage_row(workspace, request_id=f"req_twice_{n}") for n in range(3)]
    rows_write(rows)
    rows_write(rows)
    assert UsageRecord.objects.filter(request_id__startswith="req_twice_").count() == 3
