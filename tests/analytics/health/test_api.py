"""GET /api/workspaces/<slug>/providers/health/ and /providers/<id>/health/: every role reads,
nobody sees another workspace's providers."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from analytics.health.checks import run_health_checks
from tests import factories
from tests.analytics.health.conftest import CLOSED_PORT_URL, simulated
from tests.clients import ApiClient, make_key
from workspaces.models import ApiKeyScope

pytestmark = pytest.mark.django_db


def client_for(user) -> APIClient:
    client = ApiClient()
    client.force_login(user)
    return client


@pytest.mark.parametrize("role", ["owner", "admin", "member", "viewer"])
def test_every_role_reads_the_health_of_every_provider(role, workspace, sim_provider):
    simulated(workspace, CLOSED_PORT_URL, slug="gone")
    run_health_checks()
    run_health_checks()
    user = workspace.memberships.get(role="owner").user if role == "owner" else None
    user = user or factories.add_member(workspace, role)
    response = client_for(user).get("/api/workspaces/acme/providers/health/")
    assert response.status_code == 200, response.content
    by_slug = {row["slug"]: row for row in response.json()}
    sim, gone = by_slug["sim"], by_slug["gone"]
    assert sim["status"] == "healthy" and sim["score"] == 100.0 and sim["uptime"]["24h"] == 1.0
    assert sim["p50_ms"] > 0 and sim["p95_ms"] >= sim["p50_ms"] and sim["error_rate"] == 0.0
    assert set(sim["uptime"]) == {"24h", "7d", "30d"} and sim["last_check_ok"] is True
    assert gone["status"] == "down" and gone["reasons"] == ["checks_failed"]
    assert gone["uptime"]["24h"] == 0.0 and gone["last_check_detail"]


def test_one_providers_health_has_its_history(workspace, sim_provider):
    run_health_checks()
    run_health_checks()
    owner = workspace.memberships.get(role="owner").user
    url = f"/api/workspaces/acme/providers/{sim_provider.pk}/health/"
    body = client_for(owner).get(url).json()
    assert body["status"] == "healthy" and len(body["history"]) == 2
    assert body["history"][0]["checked_at"] <= body["history"][1]["checked_at"]
    assert {p["source"] for p in body["history"]} == {"active"}
    assert client_for(owner).get(url + "?hours=0").status_code == 400
    assert client_for(owner).get(url + "?hours=abc").json()["error"]["param"] == "hours"


def test_a_read_key_reads_health(workspace, sim_provider):
    owner = workspace.memberships.get(role="owner").user
    client = ApiClient()
    client.credentials(
        HTTP_AUTHORIZATION=f"Bearer {make_key(owner, workspace, [ApiKeyScope.READ])}"
    )
    assert client.get("/api/workspaces/acme/providers/health/").status_code == 200


def test_health_of_another_workspace_is_404(workspace, other_workspace):
    theirs = factories.make_provider(other_workspace, kind="openai", slug="theirs")
    client = client_for(workspace.memberships.get(role="owner").user)
    assert client.get("/api/workspaces/globex/providers/health/").status_code == 404
    assert client.get(f"/api/workspaces/acme/providers/{theirs.pk}/health/").status_code == 404
    assert client.get(f"/api/workspaces/globex/providers/{theirs.pk}/health/").status_code == 404
    assert client.get("/api/workspaces/acme/providers/health/").json() == []
