"""Start-up with a wrong or missing setting stops with one line naming the variable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VALID_KEY = "x" * 50
FERNET_KEY = "9OZ6bw1m0ZQYLeG6d_Un_o4wCcIMJq4jSdB4sD8Ufz0="


def run_check(tmp_path: Path, **overrides: str) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        {
            "HUB_DATA_DIR": str(tmp_path),
            "DEBUG": "false",
            "SECRET_KEY": VALID_KEY,
            "HUB_ENCRYPTION_KEYS": FERNET_KEY,
            "DJANGO_SETTINGS_MODULE": "hub.settings",
        }
    )
    env.update(overrides)
    env = {k: v for k, v in env.items() if v is not None}
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_valid_production_settings_pass_the_check(tmp_path):
    result = run_check(tmp_path)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("overrides", "variable"),
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY"),
        ({"HUB_ENCRYPTION_KEYS": ""}, "HUB_ENCRYPTION_KEYS"),
        ({"HUB_ENCRYPTION_KEYS": f"{FERNET_KEY},not-a-key"}, "HUB_ENCRYPTION_KEYS"),
        ({"DEBUG": "maybe"}, "DEBUG"),
        ({"DATABASE_URL": "nosuchdb://x/y"}, "DATABASE_URL"),
        ({"REDIS_URL": "localhost:6379"}, "REDIS_URL"),
        ({"QDRANT_URL": "qdrant:6333"}, "QDRANT_URL"),
        ({"EMAIL_URL": "pigeon://coop"}, "EMAIL_URL"),
        ({"HUB_LOGIN_FAILURE_LIMIT": "five"}, "HUB_LOGIN_FAILURE_LIMIT"),
        ({"HUB_API_KEY_FAILURES_PER_MINUTE": "-1"}, "HUB_API_KEY_FAILURES_PER_MINUTE"),
        ({"HUB_HSTS_SECONDS": "a year"}, "HUB_HSTS_SECONDS"),
        ({"HUB_RESPONSES_RETENTION_DAYS": "forever"}, "HUB_RESPONSES_RETENTION_DAYS"),
        ({"HUB_GENERATE_KEYS": "perhaps"}, "HUB_GENERATE_KEYS"),
    ],
)
def test_bad_setting_stops_start_up_with_one_line_naming_it(tmp_path, overrides, variable):
    result = run_check(tmp_path, **overrides)
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"Configuration error: {variable}:")
    assert "Traceback" not in result.stderr


def test_development_mode_generates_and_keeps_its_keys(tmp_path):
    first = run_check(tmp_path, DEBUG="true", SECRET_KEY="", HUB_ENCRYPTION_KEYS="")
    assert first.returncode == 0, first.stderr
    secret_key = (tmp_path / "secret_key").read_text()
    encryption_key = (tmp_path / "encryption_key").read_text()
    assert len(secret_key) >= 50
    assert oct((tmp_path / "secret_key").stat().st_mode)[-3:] == "600"
    run_check(tmp_path, DEBUG="true", SECRET_KEY="", HUB_ENCRYPTION_KEYS="")
    assert (tmp_path / "secret_key").read_text() == secret_key
    assert (tmp_path / "encryption_key").read_text() == encryption_key


def test_make_runs_production_mode_generates_its_keys_too(tmp_path):
    """`make run` runs with DEBUG off and HUB_GENERATE_KEYS on: keys are made under var/."""
    done = run_check(
        tmp_path, DEBUG="false", HUB_GENERATE_KEYS="true", SECRET_KEY="", HUB_ENCRYPTION_KEYS=""
    )
    assert done.returncode == 0, done.stderr
    assert len((tmp_path / "secret_key").read_text()) >= 50
    refused = run_check(tmp_path, DEBUG="false", SECRET_KEY="", HUB_ENCRYPTION_KEYS="")
    assert refused.stderr.strip() == (
        "Configuration error: SECRET_KEY: required (or set HUB_GENERATE_KEYS=true)"
    )
