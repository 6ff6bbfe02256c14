"""Writes usage records off the hot path: a bounded buffer drained in batches by one thread.

Requests only enqueue. A full buffer blocks the caller briefly (back-pressure) instead of
dropping. A batch that fails to write (database down, table locked) is kept on disk
(analytics.usage_spool) and retried, so nothing recorded is lost while the process lives,
nor when it stops or dies during an outage: ``shutdown()`` (the web worker's lifespan, the
Celery worker's shutdown, exit) writes what it can and spools the rest, and the next process
to start writes what was spooled. A SIGKILL loses only rows queued since the last batch
(one ``interval``, 0.25 s) that were not yet spooled.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import logging
import queue
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError, IntegrityError, close_old_connections, connection

from analytics.models import UsageRecord
from analytics.usage_insert import usage_rows_insert
from analytics.usage_spool import UsageSpool
from providers.services import credentials_mark_used

logger = logging.getLogger(__name__)

Row = dict[str, Any]
MAX_RETRY_DELAY_S = 5.0  # a database back from an outage gets its records within this


class _FlushMarker:
    """Put in the queue by ``flush()``; set once everything queued before it is written."""

    def __init__(self, *, close_connection: bool = False) -> None:
        self.done = threading.Event()
        self.close_connection = close_connection


class UsageRecorder:
    def __init__(
        self,
        *,
        capacity: int = 10_000,
        batch_size: int = 500,
        interval: float = 0.25,
        retry_delay: float = 0.5,
        writer: Callable[[list[Row]], None] | None = None,
        spool: UsageSpool | None = None,
    ) -> None:
        self._queue: queue.Queue[Row | _FlushMarker] = queue.Queue(maxsize=capacity)
        self._batch_size = batch_size
        self._interval = interval
        self._retry_delay = retry_delay
        self._write = writer or rows_write
        self._spool = spool
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._stopping = False
        self._writing: list[Row] = []  # the batch being written, until it is in or spooled
        self._retry_now = threading.Event()  # a flush cuts a retry's wait short

    def start(self) -> None:
        """Start the writer now; it first writes what stopped processes left in the spool."""
        self._ensure_thread()

    def shutdown(self, timeout: float = 5.0) -> int:
        """Write what is queued within ``timeout``; spool what could not be written: the queue,
        and the batch being written if it is not spooled yet (a write stuck on a lock). Rows
        written after all are harmless to write again. Returns how many rows were spooled."""
        if self.flush(timeout, close_connection=True):
            return 0
        self._stopping = True
        with self._lock:
            left, self._writing = list(self._writing), []  # a write stuck on a lock, say
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if not isinstance(item, _FlushMarker):
                left.append(item)
        if self._spool is not None:
            if left:
                self._spool.keep(left)
            self._spool.close()  # whoever starts next may write them at once
        logger.warning("usage writer stopped with %d rows left for the next start", len(left))
        return len(left)

    def record(self, row: Row, *, timeout: float | None = None) -> None:
        """Enqueue from sync code; blocks while the buffer is full (``timeout`` None: until room)."""
        self._ensure_thread()
        self._queue.put(row, timeout=timeout)

    async def arecord(self, row: Row) -> None:
        """Enqueue from async code: instant unless the buffer is full, then wait off the loop."""
        self._ensure_thread()
        try:
            self._queue.put_nowait(row)
        except queue.Full:
            await asyncio.to_thread(self._queue.put, row)

    def record_nowait(self, row: Row) -> None:
        """Enqueue without blocking the caller; when full, a helper thread waits for room."""
        self._ensure_thread()
        try:
            self._queue.put_nowait(row)
        except queue.Full:
            threading.Thread(target=self._queue.put, args=(row,), daemon=True).start()

    def flush(self, timeout: float = 10.0, *, close_connection: bool = False) -> bool:
        """Wait until everything recorded so far is written; False if that took over ``timeout``.
        ``close_connection`` also closes the writer's database connection (at shutdown)."""
        if self._thread is None:
            return True
        marker = _FlushMarker(close_connection=close_connection)
        try:
            self._queue.put(marker, timeout=timeout)
        except queue.Full:
            return False
        self._retry_now.set()
        return marker.done.wait(timeout)

    @property
    def pending(self) -> int:
        return self._queue.qsize()

    def _ensure_thread(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="usage-recorder", daemon=True
                )
                self._thread.start()

    def _run(self) -> None:
        if self._spool is not None:
            for path, rows in self._spool.adopt():
                logger.info("writing %d usage rows a stopped process spooled", len(rows))
                self._write_until_done(rows, spooled=path)
        while True:
            rows, markers = self._next_batch()
            if rows:
                self._write_until_done(rows)
            for marker in markers:
                if marker.close_connection:
                    _reset_connection()
                marker.done.set()

    def _next_batch(self) -> tuple[list[Row], list[_FlushMarker]]:
        """Up to ``batch_size`` rows: waits for the first, then takes what arrives within the interval."""
        rows: list[Row] = []
        markers: list[_FlushMarker] = []
        item = self._queue.get()
        deadline = time.monotonic() + self._interval
        while True:
            if isinstance(item, _FlushMarker):
                markers.append(item)
                return rows, markers  # write now: someone is waiting
            rows.append(item)
            if len(rows) >= self._batch_size:
                return rows, markers
            remaining = deadline - time.monotonic()
            try:
                item = (
                    self._queue.get(timeout=max(remaining, 0))
                    if remaining > 0
                    else self._queue.get_nowait()
                )
            except queue.Empty:
                return rows, markers

    def _write_until_done(self, rows: list[Row], *, spooled: Path | None = None) -> None:
        delay = self._retry_delay
        with self._lock:
            self._writing = [] if spooled is not None else rows
        while True:
            try:
                self._write(rows)
            except Exception as error:  # the batch is kept whatever went wrong
                logger.warning("usage batch of %d not written yet, retrying: %s", len(rows), error)
                with self._lock:
                    if spooled is None and self._writing:
                        spooled = self._spool_safely(rows)
                        self._writing = [] if spooled is not None else rows
                _reset_connection()
                self._retry_now.wait(delay)
                self._retry_now.clear()
                delay = min(delay * 2, MAX_RETRY_DELAY_S)
                continue
            with self._lock:
                self._writing = []
            if spooled is not None and self._spool is not None:
                self._spool.release(spooled)
            return

    def _spool_safely(self, rows: list[Row]) -> Path | None:
        try:
            return self._spool.keep(rows) if self._spool is not None else None
        except OSError:
            logger.exception("usage batch of %d could not be spooled to disk", len(rows))
            return None


def _reset_connection() -> None:
    with contextlib.suppress(DatabaseError):
        connection.close()


def rows_write(rows: list[Row]) -> None:
    """Insert the batch (analytics.usage_insert); rows that break a constraint (their workspace
    was deleted meanwhile) are written one by one so one bad row cannot hold the rest back.
    Then the credentials that served successful calls are stamped as used."""
    close_old_connections()
    try:
        usage_rows_insert(rows)
    except IntegrityError:
        for row in rows:
            try:
                UsageRecord.objects.bulk_create([UsageRecord(**row)], ignore_conflicts=True)
            except IntegrityError:
                logger.error(
                    "usage record %s dropped: it names a deleted row", row.get("request_id")
                )
    served = {
        row["provider_id"]
        for row in rows
        if row.get("provider_id") and row.get("status") == "success"
    }
    try:  # the rows are written: a failure here must not make the writer write them again
        credentials_mark_used(provider_ids=served)
    except DatabaseError:
        logger.warning("credentials of providers %s not stamped as used", sorted(served))


usage_recorder = UsageRecorder(spool=UsageSpool(Path(settings.DATA_DIR) / "usage-spool"))
atexit.register(usage_recorder.shutdown)
