"""Usage rows kept on disk while they cannot be written, so a stop or a crash during a
database outage loses none of them.

A batch the writer fails to insert is written to a spool file (fsynced) before it is retried,
and the file is deleted once the batch is in the database. At shutdown, what is still queued
goes to a spool file too. Each process holds an ``flock`` on a lock file of its own while it
lives; at start, a process adopts the spool files of processes whose lock is free (they
stopped or died) and writes them. Inserts are idempotent (``request_id`` is unique), so a
file written but not yet deleted when its process died is harmless to write again.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import uuid
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.dateparse import parse_datetime

logger = logging.getLogger(__name__)

Row = dict[str, Any]
DECIMAL_FIELDS = ("cost_usd",)
DATETIME_FIELDS = ("created_at",)


class UsageSpool:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.instance = uuid.uuid4().hex[:12]
        self._lock: IO[str] | None = None

    def keep(self, rows: list[Row]) -> Path:
        """Write ``rows`` durably; the file to ``release`` once they are in the database."""
        self._hold_lock()
        path = self.directory / f"{self.instance}-{uuid.uuid4().hex[:12]}.jsonl"
        partial = path.with_suffix(".partial")
        with partial.open("w", encoding="utf-8") as file:
            for row in rows:
                file.write(json.dumps(row, cls=DjangoJSONEncoder) + "\n")
            file.flush()
            os.fsync(file.fileno())
        partial.rename(path)
        return path

    def release(self, path: Path) -> None:
        path.unlink(missing_ok=True)

    def adopt(self) -> list[tuple[Path, list[Row]]]:
        """The spool files of processes that are gone, now this process's, with their rows."""
        if not self.directory.is_dir():
            return []
        self._hold_lock()
        adopted = []
        for path in sorted(self.directory.glob("*.jsonl")):
            owner = path.name.split("-", 1)[0]
            if owner == self.instance or self._alive(owner):
                continue
            mine = path.with_name(f"{self.instance}-{path.name.split('-', 1)[-1]}")
            try:
                path.rename(mine)  # atomic: of two processes starting together, one wins
            except FileNotFoundError:
                continue
            rows = _rows_read(mine)
            if rows:
                adopted.append((mine, rows))
            else:
                mine.unlink(missing_ok=True)
        for lock in self.directory.glob("*.lock"):
            if lock.stem != self.instance and not self._alive(lock.stem):
                lock.unlink(missing_ok=True)
        return adopted

    def close(self) -> None:
        """Let go of this process's lock: another process may adopt its files from now on."""
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    def _hold_lock(self) -> None:
        if self._lock is not None:
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        self._lock = (self.directory / f"{self.instance}.lock").open("w")
        fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _alive(self, instance: str) -> bool:
        """Whether the process that made ``instance``'s files still holds its lock."""
        lock = self.directory / f"{instance}.lock"
        if not lock.exists():
            return False
        with lock.open("a") as file:
            try:
                fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(file, fcntl.LOCK_UN)
            return False


def _rows_read(path: Path) -> list[Row]:
    """The rows of a spool file; a last line cut short by a crash is left out."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            row = json.loads(line)
        except ValueError:
            logger.warning("usage spool %s: an unreadable line was skipped", path.name)
            continue
        for name in DECIMAL_FIELDS:
            if row.get(name) is not None:
                row[name] = Decimal(row[name])
        for name in DATETIME_FIELDS:
            if isinstance(row.get(name), str):
                row[name] = parse_datetime(row[name]) or datetime.fromisoformat(row[name])
        rows.append(row)
    return rows
