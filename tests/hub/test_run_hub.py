"""`make run`'s command: sets up on first run, serves as production does (debug off, keys
made under var/, static files hashed, compressed and cached), and stops everything on Ctrl-C."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import httpx
import psutil
import pytest

from hub.bootstrap import bootstrap_admin_and_workspace
from workspaces.models import Membership, Role

pytestmark = pytest.mark.live_server

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, timeout: float = 60) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.status
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer within {timeout}s")


def start_hub(data_dir: Path, port: int, **settings: str) -> subprocess.Popen[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DATABASE_URL",
            "REDIS_URL",
            "DJANGO_SETTINGS_MODULE",
            "HUB_ADMIN_PASSWORD",
            "CELERY_TASK_ALWAYS_EAGER",
        }  # the test settings run tasks inline
    }
    env.update({"DEBUG": "false", "HUB_GENERATE_KEYS": "true", "HUB_DATA_DIR": str(data_dir),
                "PYTHONUNBUFFERED": "1"})  # as `make run` sets them  # fmt: skip
    env.update(settings)
    return subprocess.Popen(
        [sys.executable, "manage.py", "run_hub", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def stop(process: subprocess.Popen[str]) -> str:
    children = psutil.Process(process.pid).children(recursive=True)
    process.send_signal(signal.SIGINT)
    output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, output
    _gone, alive = psutil.wait_procs(children, timeout=10)
    assert not alive, f"left running: {alive}"
    return output


def test_first_run_sets_up_serves_and_stops_cleanly(tmp_path):
    port = free_port()
    hub = start_hub(tmp_path, port)
    try:
        # A first run migrates and compresses the static files (brotli and gzip, about 35 s on
        # two idle cores, measured with `manage.py run_hub` in an empty HUB_DATA_DIR): on a
        # machine busy with the rest of the suite that is more than a minute.
        assert wait_for(f"http://127.0.0.1:{port}/healthz", timeout=150) == 200
        assert wait_for(f"http://127.0.0.1:{port}/admin/login/") == 200
        children = psutil.Process(hub.pid).children(recursive=True)
        assert len(children) >= 2, "web and worker should both run"
        serves_as_production_does(f"http://127.0.0.1:{port}")
    finally:
        output = stop(hub)
    assert f"http://127.0.0.1:{port}/" in output
    assert "admin password (shown once):" in output
    assert (tmp_path / "hub.sqlite3").exists()

    assert (tmp_path / "secret_key").exists() and (tmp_path / "encryption_key").exists()

    assert "collected" in output

    second = start_hub(tmp_path, port)
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz")
    finally:
        output = stop(second)
    assert "admin password" not in output
    assert "collected" not in output  # nothing changed: no half-minute collection again


def serves_as_production_does(base: str) -> None:
    """Styled error pages, not Django's debug ones; static files with hashed names, brotli
    or gzip compressed, cached for a year (plotly's basic bundle: 4.8 MB unpacked before)."""
    missing = httpx.get(f"{base}/no/such/page")
    assert missing.status_code == 404
    assert "Page not found" in missing.text and "URLconf" not in missing.text
    login = httpx.get(f"{base}/login/").text
    [stylesheet] = re.findall(r'href="(/static/css/hub\.[0-9a-f]{12}\.css)"', login)
    asset = httpx.get(base + stylesheet, headers={"Accept-Encoding": "br, gzip"})
    assert asset.headers["content-encoding"] in ("br", "gzip")
    assert "immutable" in asset.headers["cache-control"]
    assert "max-age=315360000" in asset.headers["cache-control"]
    charts = httpx.get(f"{base}/static/vendor/plotly/plotly-basic.min.js",
                       headers={"Accept-Encoding": "br"})  # fmt: skip
    assert charts.headers["content-encoding"] == "br"
    assert int(charts.headers["content-length"]) < 400_000


@pytest.mark.django_db
def test_bootstrap_is_idempotent_and_uses_the_given_password():
    first = bootstrap_admin_and_workspace(username="admin", password="s3cret-pass-word")
    again = bootstrap_admin_and_workspace(username="admin", password=None)
    assert first.generated_password is None and again.generated_password is None
    assert first.workspace == again.workspace and first.workspace.name == "Default"
    membership = Membership.objects.get(workspace=first.workspace, user__username="admin")
    assert membership.role == Role.OWNER and membership.user.check_password("s3cret-pass-word")
    assert membership.user.is_superuser
