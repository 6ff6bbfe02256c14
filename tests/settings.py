"""Test settings: the real settings with test-friendly defaults for what the environment leaves unset.

DATABASE_URL and REDIS_URL pass through, so CI runs the suite on PostgreSQL and Redis.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

# HUB_TEST_DATA lets two runs of the suite on one checkout keep their databases apart.
_TEST_DATA = Path(
    os.environ.get("HUB_TEST_DATA") or Path(__file__).resolve().parent.parent / "var" / "test"
)


def _redis_of_this_worker(url: str, worker: str) -> str:
    """pytest-xdist workers (gw0, gw1, …) each get their own Redis database, next to the
    configured one: their test databases reuse the same ids, and the cache fixture flushes
    its database, so sharing one would mix their counters and wipe each other's keys."""
    if not url or not worker.startswith("gw"):
        return url
    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{base + int(worker[2:])}"))


if os.environ.get("REDIS_URL"):
    os.environ["REDIS_URL"] = _redis_of_this_worker(
        os.environ["REDIS_URL"], os.environ.get("PYTEST_XDIST_WORKER", "")
    )
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("HUB_DATA_DIR", str(_TEST_DATA))
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
os.environ.setdefault("EMAIL_URL", "consolemail://")
os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the bundled embedding model; nothing downloads

from hub.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher"
]  # speed only; never in production
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A test database in a file, like the embedded default's (WAL, a busy timeout), instead of
    # SQLite's shared in-memory one, whose table locks fail a live hub's concurrent requests
    # at once rather than wait. pytest-xdist gives each worker a file of its own.
    DATABASES["default"]["TEST"] = {"NAME": str(_TEST_DATA / "test.sqlite3")}  # noqa: F405
