"""The headers every page carries: a Content-Security-Policy the pages satisfy (checked in a
browser by test_browser_pages.py), a Permissions-Policy that turns unused browser features
off, and HSTS once SECURE_COOKIES says the hub is served over HTTPS."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.test import Client

from tests.simulated import ROOT

pytestmark = pytest.mark.django_db


def test_pages_carry_the_policy_headers(client):
    response = client.get("/login/")
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"  # no inline script, no eval, no CDN
    assert directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    assert "camera=()" in response["Permissions-Policy"]
    assert "microphone=()" in response["Permissions-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def hsts_seconds(**env: str) -> int:
    """SECURE_HSTS_SECONDS as a process started with ``env`` reads it."""
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "hub.settings", "DEBUG": "true", **env}
    code = "from django.conf import settings; print(settings.SECURE_HSTS_SECONDS)"
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=environment,
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    return int(done.stdout.split()[-1])


def test_hsts_is_on_with_secure_cookies_only(tmp_path):
    data = {"HUB_DATA_DIR": str(tmp_path)}
    assert hsts_seconds(SECURE_COOKIES="false", **data) == 0
    assert hsts_seconds(SECURE_COOKIES="true", **data) == 31_536_000
    assert hsts_seconds(SECURE_COOKIES="true", HUB_HSTS_SECONDS="600", **data) == 600


def test_an_https_page_carries_hsts_when_it_is_on(settings):
    settings.SECURE_HSTS_SECONDS = 31_536_000
    secure = Client().get("/login/", secure=True)
    assert secure["Strict-Transport-Security"] == "max-age=31536000"
    assert "Strict-Transport-Security" not in Client().get("/login/")  # plain HTTP: never
