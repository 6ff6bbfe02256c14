"""Budgets page: spend this period from usage records, state badges, forms limited to the
workspace, and the strip on the workspace overview."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from routing.budget_spend import budget_spend
from routing.models import SpendBudget
from routing.reliability.periods import Period, period_bounds
from tests import factories
from tests.analytics.factories import make_usage
from tests.factories import make_api_key, make_catalog

pytestmark = pytest.mark.django_db


def url(name: str, workspace, *args) -> str:
    return reverse(name, args=[workspace.slug, *args])


def row_of(body: str, name: str) -> str:
    start = body.index(f'data-budget="{name}"')
    return body[start : body.index("</tr>", start)]


@pytest.fixture
def spending(workspace, other_workspace):
    """$1.25 spent this month on provider sim, $0.40 on another provider, $9 last month and
    $50 in another workspace (neither counts)."""
    sim = make_catalog(workspace)
    other = factories.make_provider(workspace, kind="simulated", name="Other", slug="other")
    start, _end = period_bounds(Period.MONTH, timezone.now())
    for cost in ("0.50", "0.75"):
        make_usage(workspace, provider=sim, provider_slug="sim", cost_usd=Decimal(cost))
    make_usage(workspace, provider=other, provider_slug="other", cost_usd=Decimal("0.40"))
    make_usage(workspace, cost_usd=Decimal("9"), at=start - timedelta(seconds=1))
    make_usage(other_workspace, cost_usd=Decimal("50"))
    return sim


@pytest.mark.parametrize("role", ["owner", "viewer"])
def test_budgets_page_shows_spend_against_the_limits(
    role, workspace, spending, member_of, signed_in
):
    SpendBudget.objects.create(workspace=workspace, name="Team", soft_limit_usd=1, hard_limit_usd=2)
    SpendBudget.objects.create(
        workspace=workspace, name="Sim only", scope="provider", provider=spending,
        hard_limit_usd=Decimal("1.25"),
    )  # fmt: skip
    response = signed_in(member_of(role)).get(url("budget-list", workspace))
    assert response.status_code == 200
    body = response.content.decode()
    team = row_of(body, "Team")
    assert "$1.65" in team and 'data-state="soft"' in team
    assert "165 % of soft $1.00 · 82 % of hard $2.00" in team
    assert "width: 82.5%" in team and "left: 50.0%" in team  # soft mark at half the hard
    _start, end = period_bounds(Period.MONTH, timezone.now())
    assert f"resets {end:%a} {end.day} {end:%b}, 00:00 UTC" in team
    sim_only = row_of(body, "Sim only")
    assert "$1.25" in sim_only and "100 % of hard $1.25" in sim_only
    assert 'data-state="hard"' in sim_only
    assert "Provider Sim" in sim_only
    assert (url("budget-create", workspace) in body) is (role == "owner")


def test_state_is_ok_below_the_soft_limit_and_the_period_is_the_budgets(workspace, spending):
    daily = SpendBudget.objects.create(
        workspace=workspace, name="Daily", period="day", soft_limit_usd=10
    )
    status = budget_spend(daily)
    assert status.spent == Decimal("1.65") and status.state == "ok"
    assert status.period_end - status.period_start == timedelta(days=1)
    assert status.soft_mark_percent is None and round(status.percent_used, 1) == 16.5


def test_the_overview_shows_a_strip_of_enabled_budgets(owner_client, workspace, spending):
    SpendBudget.objects.create(workspace=workspace, name="Team", hard_limit_usd=2)
    SpendBudget.objects.create(workspace=workspace, name="Paused", hard_limit_usd=1, enabled=False)
    body = owner_client.get(url("workspace-overview", workspace)).content.decode()
    assert 'data-budget="Team"' in body and "$1.65 of $2.00 this month" in body
    assert "Paused" not in body


def test_the_overview_has_no_strip_without_budgets(owner_client, workspace):
    body = owner_client.get(url("workspace-overview", workspace)).content.decode()
    assert "budget-strip" not in body


def test_viewer_is_refused_every_budget_form_and_post(workspace, member_of, signed_in):
    budget = SpendBudget.objects.create(workspace=workspace, name="Team", hard_limit_usd=2)
    client = signed_in(member_of("viewer"))
    for page in (
        url("budget-create", workspace),
        url("budget-edit", workspace, budget.pk),
        url("budget-delete", workspace, budget.pk),
    ):
        assert client.get(page).status_code == 403, page
        assert client.post(page, {"name": "x", "hard_limit_usd": "1"}).status_code == 403
    assert SpendBudget.objects.get().name == "Team"


def test_budget_create_edit_delete_through_the_form(owner_client, workspace):
    key = make_api_key(workspace, "batch")
    data = {
        "name": "Batch key",
        "scope": "api_key",
        "api_key": key.pk,
        "period": "week",
        "soft_limit_usd": "5",
        "hard_limit_usd": "7.5",
        "enabled": "on",
    }
    response = owner_client.post(url("budget-create", workspace), data, follow=True)
    assert response.redirect_chain[-1][0] == url("budget-list", workspace)
    budget = SpendBudget.objects.get()
    assert (budget.scope, budget.api_key, budget.period) == ("api_key", key, "week")
    assert budget.hard_limit_usd == Decimal("7.5") and "Key batch" in response.content.decode()

    edit = url("budget-edit", workspace, budget.pk)
    assert 'value="7.500000"' in owner_client.get(edit).content.decode()
    owner_client.post(edit, {**data, "scope": "workspace", "soft_limit_usd": ""})
    budget.refresh_from_db()
    assert budget.scope == "workspace" and budget.api_key is None  # only the scope's target
    assert budget.soft_limit_usd is None and budget.enabled

    owner_client.post(url("budget-delete", workspace, budget.pk))
    assert not SpendBudget.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Set a soft limit, a hard limit, or both."),
        ({"hard_limit_usd": "0"}, "Must be greater than 0"),
        ({"soft_limit_usd": "3", "hard_limit_usd": "2"}, "below the hard limit"),
        ({"scope": "provider", "hard_limit_usd": "2"}, "Choose the one provider."),
        ({"scope": "user", "hard_limit_usd": "2"}, "Choose the one user."),
    ],
)
def test_bad_budgets_are_shown_on_the_form(owner_client, workspace, data, message):
    response = owner_client.post(
        url("budget-create", workspace),
        {"name": "B", "scope": "workspace", "period": "month", **data},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not SpendBudget.objects.exists()


@pytest.mark.parametrize("scope", ["provider", "api_key", "user"])
def test_another_workspaces_provider_key_or_member_is_refused(
    owner_client, workspace, other_workspace, scope
):
    foreign = {
        "provider": lambda: factories.make_provider(other_workspace, kind="simulated").pk,
        "api_key": lambda: make_api_key(other_workspace).pk,
        "user": lambda: factories.add_member(other_workspace, "member").pk,
    }[scope]()
    response = owner_client.post(
        url("budget-create", workspace),
        {"name": "B", "scope": scope, scope: foreign, "period": "day", "hard_limit_usd": "1"},
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not SpendBudget.objects.exists()


def test_the_member_select_lists_this_workspaces_members_only(
    owner_client, workspace, other_workspace
):
    factories.add_member(workspace, "viewer", user=factories.make_user("ours"))
    factories.add_member(other_workspace, "member", user=factories.make_user("theirs"))
    body = owner_client.get(url("budget-create", workspace)).content.decode()
    assert ">ours</option>" in body and "theirs" not in body


def test_a_budget_of_a_fraction_of_a_cent_is_accepted(workspace, member_of, signed_in):
    client = signed_in(member_of("owner"))
    form = client.get(url("budget-create", workspace)).content.decode()
    assert 'step="any"' in form  # the browser lets $0.005 through too
    response = client.post(
        url("budget-create", workspace),
        {"name": "Tiny", "scope": "workspace", "period": "day", "hard_limit_usd": "0.005",
         "enabled": "on"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    assert SpendBudget.objects.get(name="Tiny").hard_limit_usd == Decimal("0.005")
