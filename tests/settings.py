"""Test settings: the real settings with test-friendly defaults for what the environment leaves unset.

DATABASE_URL and REDIS_URL pass through, so CI runs the suite on PostgreSQL and Redis.
"""

import os
from pathlib import Path

_TEST_DATA = Path(__file__).resolve().parent.parent / "var" / "test"
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("HUB_DATA_DIR", str(_TEST_DATA))
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
os.environ.setdefault("EMAIL_URL", "consolemail://")

from hub.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher"
]  # speed only; never in production
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
