"""The health fragment the providers list loads into each row: status and p50, any member,
this workspace's providers only."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from analytics.health.checks import run_health_checks
from tests import factories
from tests.analytics.factories import make_usage
from tests.analytics.health.conftest import CLOSED_PORT_URL, simulated

pytestmark = pytest.mark.django_db


def cell_url(workspace, provider) -> str:
    return reverse("provider-health-cell", args=[workspace.slug, provider.pk])


@pytest.mark.parametrize("role", ["owner", "member", "viewer"])
def test_every_member_sees_the_status_and_the_p50(role, workspace, member_of, signed_in):
    provider = factories.make_provider(workspace, kind="simulated", name="Sim", slug="sim")
    for latency in (80, 90, 101, 250, 300):  # five real calls: enough to count
        make_usage(workspace, provider=provider, latency_ms=latency)
    response = signed_in(member_of(role)).get(cell_url(workspace, provider))
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert re.search(r'data-status="\w+"', html)
    assert (
        '<span class="health-p50" title="Median latency over the last 24 hours">101 ms</span>'
        in html
    )
    assert f'href="/w/{workspace.slug}/health/#health-{provider.pk}"' in html


def test_checked_providers_show_healthy_and_down(workspace, sim_provider, owner_client):
    gone = simulated(workspace, CLOSED_PORT_URL, slug="gone")
    run_health_checks()
    run_health_checks()
    healthy = owner_client.get(cell_url(workspace, sim_provider)).content.decode()
    assert 'data-status="healthy"' in healthy and re.search(r">\d+ ms<", healthy)
    down = owner_client.get(cell_url(workspace, gone)).content.decode()
    assert 'data-status="down"' in down and " ms<" not in down


def test_an_unchecked_provider_is_unknown(workspace, owner_client):
    provider = factories.make_provider(workspace, kind="simulated", name="New")
    html = owner_client.get(cell_url(workspace, provider)).content.decode()
    assert 'data-status="unknown"' in html and "health-p50" not in html


def test_a_provider_of_another_workspace_is_404(
    workspace, other_workspace, owner_client, signed_in
):
    theirs = factories.make_provider(other_workspace, kind="simulated", name="Theirs")
    mine = factories.make_provider(workspace, kind="simulated", name="Mine")
    assert owner_client.get(cell_url(workspace, theirs)).status_code == 404
    assert owner_client.get(cell_url(other_workspace, theirs)).status_code == 404
    outsider = signed_in(other_workspace.memberships.get(role="owner").user)
    assert outsider.get(cell_url(workspace, mine)).status_code == 404


def test_signed_out_visitors_are_sent_to_log_in(workspace, client):
    provider = factories.make_provider(workspace, kind="simulated", name="Sim")
    response = client.get(cell_url(workspace, provider))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_providers_list_loads_a_cell_per_provider_with_a_link_without_javascript(
    workspace, owner_client
):
    first = factories.make_provider(workspace, kind="simulated", name="One")
    second = factories.make_provider(workspace, kind="simulated", name="Two")
    html = owner_client.get(reverse("provider-list", args=[workspace.slug])).content.decode()
    assert html.count("<th>Status</th>") == 1
    for provider in (first, second):
        cell = re.search(rf'<td[^>]*hx-get="{cell_url(workspace, provider)}"[^>]*>.*?</td>', html)
        assert cell is not None, provider
        assert 'hx-trigger="load"' in cell.group(0) and 'class="nowrap health-cell"' in cell.group(
            0
        )
        assert f'href="/w/{workspace.slug}/health/#health-{provider.pk}"' in cell.group(0)
