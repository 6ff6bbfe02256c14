"""The Overview: today's numbers with their last days, recent errors and a checklist that
ticks itself off as the workspace is set up."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from tests import factories
from tests.analytics.factories import make_usage

pytestmark = pytest.mark.django_db


def overview(client, workspace) -> str:
    response = client.get(reverse("workspace-overview", args=[workspace.slug]))
    assert response.status_code == 200
    return response.content.decode()


def steps_done(body: str) -> list[str]:
    return [part.split('"', 1)[0] for part in body.split('data-step-done="')[1:]]


def test_new_workspace_shows_no_numbers_and_every_step_to_do(owner_client, workspace):
    body = overview(owner_client, workspace)
    assert steps_done(body) == ["false"] * 4
    assert ">0 of 4<" in body
    assert reverse("provider-create", args=[workspace.slug]) in body
    assert "No errors" in body


def test_checklist_ticks_itself_off_as_the_workspace_is_set_up(owner_client, workspace):
    factories.make_provider(workspace)
    factories.make_api_key(workspace)
    assert steps_done(overview(owner_client, workspace)) == ["true", "true", "false", "false"]
    make_usage(workspace)
    factories.add_member(workspace, "member")
    body = overview(owner_client, workspace)
    assert steps_done(body) == ["true"] * 4
    assert ">4 of 4<" in body


def test_today_numbers_and_recent_errors_are_the_workspaces_own(
    owner_client, workspace, other_workspace
):
    make_usage(workspace, latency_ms=100, cost_usd=Decimal("1.5"))
    make_usage(workspace, latency_ms=300, cost_usd=Decimal("0.5"))
    make_usage(workspace, latency_ms=900, status="error", http_status=502, error_class="BadGateway")
    make_usage(workspace, latency_ms=200, model="sim/echo-large")
    make_usage(other_workspace, status="error", http_status=500, error_class="LeakedError")
    body = overview(owner_client, workspace)
    assert "$2.00" in body  # 1.5 + 0.5 + three default rows of $0.00002 rounds to cents
    assert '<div class="stat-value">4</div>' in body
    assert '<div class="stat-value">25 %</div>' in body
    assert '<div class="stat-value">250 ms</div>' in body  # median of 100, 200, 300, 900
    assert "BadGateway" in body and "LeakedError" not in body
    assert body.count('<svg class="sparkline"') == 4


def test_viewer_sees_the_checklist_without_steps_they_cannot_take(member_of, signed_in, workspace):
    client = signed_in(member_of("viewer"))
    body = overview(client, workspace)
    assert reverse("provider-create", args=[workspace.slug]) not in body
    assert reverse("workbench-chat", args=[workspace.slug]) in body


def test_another_workspaces_overview_is_not_found(owner_client, other_workspace):
    response = owner_client.get(reverse("workspace-overview", args=[other_workspace.slug]))
    assert response.status_code == 404
