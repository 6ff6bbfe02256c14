"""The health page and the alerts pages, rendered by the server; plotly.js from the hub itself."""

from __future__ import annotations

import re

import pytest
from asgiref.sync import async_to_sync
from django.test import Client

from analytics.alerts.models import AlertSettings, Notification
from analytics.alerts.services import alert_raise
from analytics.health.checks import run_health_checks
from tests import factories
from tests.analytics.health.conftest import CLOSED_PORT_URL, simulated

pytestmark = pytest.mark.django_db

HEALTH_URL = "/w/acme/health/"
ALERTS_URL = "/w/acme/notifications/"
SETTINGS_URL = "/w/acme/notifications/settings/"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def as_role(workspace, role: str) -> Client:
    if role == "owner":
        return signed_in(workspace.memberships.get(role="owner").user)
    return signed_in(factories.add_member(workspace, role))


@pytest.mark.parametrize("role", ["owner", "viewer"])
def test_health_page_shows_status_score_latency_uptime_and_a_chart_each(
    role, workspace, sim_provider
):
    simulated(workspace, CLOSED_PORT_URL, slug="gone")
    run_health_checks()
    run_health_checks()
    response = as_role(workspace, role).get(HEALTH_URL)
    assert response.status_code == 200
    html = response.content.decode()
    sim_row = re.search(r'<tr data-provider="sim">.*?</tr>', html, re.S).group(0)
    gone_row = re.search(r'<tr data-provider="gone">.*?</tr>', html, re.S).group(0)
    assert 'data-status="healthy"' in sim_row and "100.0" in sim_row and "100 %" in sim_row
    assert " ms" in sim_row
    assert 'data-status="down"' in gone_row and "0 %" in gone_row
    assert html.count('class="plotly-graph-div chart" data-figure=') == 2
    assert '<script src="/static/vendor/plotly/plotly-basic.min.js"></script>' in html
    assert '<script src="/static/js/charts.js" defer></script>' in html
    assert "Plotly.newPlot" not in html  # no inline script: the page's CSP forbids it
    hosts = set(re.findall(r"""(?:src|href)=["'](?:https?:)?//([\w.-]+)""", html))
    assert hosts <= {"testserver"}, hosts  # no CDN


def test_plotly_js_is_served_by_the_hub(workspace):
    response = as_role(workspace, "viewer").get("/static/vendor/plotly/plotly-basic.min.js")
    assert response.status_code == 200

    async def body() -> bytes:  # servestatic streams asynchronously
        return b"".join([chunk async for chunk in response.streaming_content])

    assert b"plotly.js" in async_to_sync(body)()[:2000]


@pytest.mark.parametrize("span", ["24h", "7d", "30d", "nonsense"])
def test_every_span_renders(workspace, sim_provider, span):
    run_health_checks()
    response = as_role(workspace, "owner").get(f"{HEALTH_URL}?span={span}")
    assert response.status_code == 200 and b"data-figure=" in response.content


def test_empty_workspace_says_so(workspace):
    assert b"No provider yet" in as_role(workspace, "owner").get(HEALTH_URL).content


def test_pages_of_another_workspace_are_404(workspace, other_workspace):
    client = as_role(workspace, "owner")
    for url in (
        "/w/globex/health/",
        "/w/globex/notifications/",
        "/w/globex/notifications/settings/",
    ):
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404


def test_alerts_page_lists_and_marks_read(workspace):
    alert_raise(
        workspace=workspace, key="provider:1:status", state="down", title="Sim is down", text="x"
    )
    client = as_role(workspace, "viewer")
    html = client.get(ALERTS_URL).content.decode()
    assert "Sim is down" in html and "New" in html and "change where they go" not in html
    assert client.post(ALERTS_URL).status_code == 302
    assert Notification.objects.get().read_at is not None
    assert "change where they go" in as_role(workspace, "admin").get(ALERTS_URL).content.decode()


@pytest.mark.parametrize(("role", "status"), [("admin", 200), ("member", 403), ("viewer", 403)])
def test_only_owners_and_admins_open_alert_settings(workspace, role, status):
    assert as_role(workspace, role).get(SETTINGS_URL).status_code == status


def test_alert_settings_form_saves_and_keeps_the_webhook_write_only(workspace):
    client = as_role(workspace, "admin")
    form = {
        "email_enabled": "on", "webhook_url": "https://hooks.example.com/services/T0/B0/SECRETPATH",
        "latency_threshold_ms": "2500", "error_rate_threshold": "0.25", "cooldown_minutes": "10",
    }  # fmt: skip
    assert client.post(SETTINGS_URL, form).status_code == 302
    saved = AlertSettings.objects.get(workspace=workspace)
    assert saved.latency_threshold_ms == 2500 and saved.error_rate_threshold == 0.25
    html = client.get(SETTINGS_URL).content.decode()
    assert "SECRETPATH" not in html and "https://hooks.example.com/…" in html
    assert client.post(SETTINGS_URL, {**form, "webhook_url": ""}).status_code == 302
    assert AlertSettings.objects.get(workspace=workspace).webhook_url.endswith("SECRETPATH")
    client.post(SETTINGS_URL, {**form, "webhook_url": "", "remove_webhook": "on"})
    assert AlertSettings.objects.get(workspace=workspace).webhook_url == ""


def test_alert_settings_form_refuses_a_loopback_webhook(workspace):
    client = as_role(workspace, "admin")
    response = client.post(
        SETTINGS_URL,
        {"webhook_url": "http://127.0.0.1:8080/", "latency_threshold_ms": "1000",
         "error_rate_threshold": "0.1", "cooldown_minutes": "30"},
    )  # fmt: skip
    assert response.status_code == 400
    assert b"Only site administrators" in response.content
