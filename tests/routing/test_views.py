"""Routing pages: aliases and rules through friendly forms, with roles and workspace-only
choices."""

from __future__ import annotations

from datetime import time
from decimal import Decimal

import pytest
from django.urls import reverse

from providers.models import ProviderModel
from routing.models import ModelAlias, RoutingRule
from tests.factories import make_api_key, make_catalog

pytestmark = pytest.mark.django_db


def url(name: str, workspace, *args) -> str:
    return reverse(name, args=[workspace.slug, *args])


@pytest.fixture
def configured(workspace):
    """An alias and a rule with every kind of condition."""
    make_catalog(workspace)
    key = make_api_key(workspace, "nightly batch")
    alias = ModelAlias.objects.create(
        workspace=workspace,
        name="fast",
        strategy="latency",
        candidates=[{"model": "sim/echo", "weight": 2, "quality": 0.8}, {"model": "sim/slow"}],
    )
    rule = RoutingRule.objects.create(
        workspace=workspace,
        name="long-docs",
        position=10,
        tasks=["summarise", "translate"],
        min_prompt_tokens=8000,
        needs=["tools"],
        budget_states=["soft", "hard"],
        start_time=time(22),
        end_time=time(6),
        candidates=[{"model": "sim/slow"}],
        strategy="cost",
    )
    rule.api_keys.set([key])
    return alias, rule


@pytest.mark.parametrize("role", ["owner", "viewer"])
def test_overview_lists_aliases_and_rules_in_words(
    role, configured, workspace, member_of, signed_in
):
    response = signed_in(member_of(role)).get(url("routing-overview", workspace))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-alias="fast"' in body and "sim/echo" in body
    assert 'title="weight 2, quality 0.8"' in body
    assert 'data-rule="long-docs"' in body
    for phrase in (
        "task is summarise or translate",
        "prompt has at least 8,000 tokens",
        "needs tools",
        "called with key nightly batch",
        "budget is soft or hard",
        "between 22:00 and 06:00 UTC",
    ):
        assert phrase in body, phrase
    managing = url("alias-create", workspace) in body
    assert managing is (role == "owner")


def test_viewer_is_refused_every_form_and_every_post(configured, workspace, member_of, signed_in):
    alias, rule = configured
    client = signed_in(member_of("viewer"))
    pages = [
        url("alias-create", workspace),
        url("alias-edit", workspace, alias.pk),
        url("alias-delete", workspace, alias.pk),
        url("rule-create", workspace),
        url("rule-edit", workspace, rule.pk),
        url("rule-delete", workspace, rule.pk),
    ]
    for page in pages:
        assert client.get(page).status_code == 403, page
        assert client.post(page, {"name": "x", "candidates": "sim/echo"}).status_code == 403
    assert ModelAlias.objects.count() == 1 and RoutingRule.objects.count() == 1


def test_alias_create_edit_delete_through_the_form(owner_client, workspace):
    make_catalog(workspace)
    form = owner_client.get(url("alias-create", workspace)).content.decode()
    assert "sim/echo" in form and "off/gone" not in form  # the catalog beside the form
    response = owner_client.post(
        url("alias-create", workspace),
        {
            "name": "cheap",
            "strategy": "cost",
            "candidates": "sim/echo 3 0.5\n\n# a comment\nsim/slow\n",
            "enabled": "on",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == url("routing-overview", workspace)
    alias = ModelAlias.objects.get(name="cheap")
    assert alias.candidates == [
        {"model": "sim/echo", "weight": 3, "quality": 0.5},
        {"model": "sim/slow"},
    ]
    assert "“cheap” created" in response.content.decode()

    edit = owner_client.get(url("alias-edit", workspace, alias.pk)).content.decode()
    assert "sim/echo 3 0.5\nsim/slow</textarea>" in edit
    owner_client.post(
        url("alias-edit", workspace, alias.pk),
        {"name": "cheap", "strategy": "ordered", "candidates": "sim/slow"},
    )
    alias.refresh_from_db()
    assert alias.strategy == "ordered" and not alias.enabled
    assert alias.candidates == [{"model": "sim/slow"}]

    assert owner_client.get(url("alias-delete", workspace, alias.pk)).status_code == 200
    owner_client.post(url("alias-delete", workspace, alias.pk))
    assert not ModelAlias.objects.exists()


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("gpt-4o", "is not provider/model"),
        ("sim/echo heavy", "weight “heavy” must be a number ≥ 0"),
        ("sim/echo 1 2", "quality “2” must be between 0 and 1"),
        ("sim/echo 1 0.5 extra", "too many values"),
        ("sim/echo\nsim/echo", "Line 2: sim/echo is listed twice"),
        ("sim/nope", "Not in this workspace&#x27;s catalog of enabled models: sim/nope"),
        ("off/gone", "catalog of enabled models: off/gone"),
        ("", "This field is required"),
    ],
)
def test_a_bad_candidate_line_is_shown_on_the_form(owner_client, workspace, line, message):
    make_catalog(workspace)
    response = owner_client.post(
        url("alias-create", workspace), {"name": "x", "strategy": "ordered", "candidates": line}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body, body[body.find("error") : body.find("error") + 300]
    assert "has-error" in body and not ModelAlias.objects.exists()


def test_a_taken_alias_name_is_an_error_on_the_name(owner_client, workspace, configured):
    response = owner_client.post(
        url("alias-create", workspace),
        {"name": "fast", "strategy": "ordered", "candidates": "sim/echo"},
    )
    assert response.status_code == 400
    assert "That name is already used in this workspace." in response.content.decode()


def test_rule_create_with_conditions_and_a_key(owner_client, workspace, configured):
    key = make_api_key(workspace, "ci")
    response = owner_client.post(
        url("rule-create", workspace),
        {
            "name": "vision",
            "position": "5",
            "enabled": "on",
            "tasks": " describe , ocr,",
            "max_prompt_tokens": "4000",
            "needs": ["vision", "json"],
            "api_keys": [key.pk],
            "budget_states": ["ok"],
            "start_time": "08:00",
            "end_time": "18:30",
            "alias": "fast",
            "candidates": "",
            "strategy": "quality",
        },
    )
    assert response.status_code == 302
    rule = RoutingRule.objects.get(name="vision")
    assert rule.tasks == ["describe", "ocr"] and rule.needs == ["vision", "json"]
    assert list(rule.api_keys.all()) == [key] and rule.budget_states == ["ok"]
    assert (rule.start_time, rule.end_time) == (time(8), time(18, 30))
    assert rule.alias == "fast" and rule.candidates == [] and rule.strategy == "quality"
    body = owner_client.get(url("routing-overview", workspace)).content.decode()
    assert body.index('data-rule="vision"') < body.index('data-rule="long-docs"')  # by position
    assert "needs vision and json" in body and "prompt has at most 4,000 tokens" in body


def test_a_rule_with_both_an_alias_and_candidates_is_refused(owner_client, workspace, configured):
    response = owner_client.post(
        url("rule-create", workspace),
        {"name": "both", "position": "1", "alias": "fast", "candidates": "sim/echo"},
    )
    assert response.status_code == 400
    assert "to an alias or to candidates: pick one" in response.content.decode()
    neither = owner_client.post(url("rule-create", workspace), {"name": "none", "position": "1"})
    assert neither.status_code == 400 and "pick one" in neither.content.decode()
    assert RoutingRule.objects.count() == 1


def test_a_rule_refuses_another_workspaces_key(
    owner_client, workspace, other_workspace, configured
):
    foreign = make_api_key(other_workspace, "theirs")
    response = owner_client.post(
        url("rule-create", workspace),
        {"name": "sneaky", "position": "1", "alias": "fast", "api_keys": [foreign.pk]},
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert "theirs" not in owner_client.get(url("rule-create", workspace)).content.decode()
    assert not RoutingRule.objects.filter(name="sneaky").exists()


def test_a_rule_window_needs_both_ends_and_bounds_in_order(owner_client, workspace, configured):
    data = {"name": "r", "position": "1", "alias": "fast"}
    half = owner_client.post(url("rule-create", workspace), {**data, "start_time": "08:00"})
    assert half.status_code == 400 and "Set both start and end time" in half.content.decode()
    crossed = owner_client.post(
        url("rule-create", workspace),
        {**data, "min_prompt_tokens": "500", "max_prompt_tokens": "100"},
    )
    assert crossed.status_code == 400 and "at least the lower bound" in crossed.content.decode()


def test_rule_edit_keeps_its_fields_and_delete_removes_it(owner_client, workspace, configured):
    _alias, rule = configured
    page = owner_client.get(url("rule-edit", workspace, rule.pk)).content.decode()
    assert 'value="summarise, translate"' in page and "sim/slow</textarea>" in page
    owner_client.post(
        url("rule-edit", workspace, rule.pk),
        {"name": "long-docs", "position": "20", "alias": "fast", "candidates": ""},
    )
    rule.refresh_from_db()
    assert rule.position == 20 and rule.alias == "fast" and rule.candidates == []
    assert rule.tasks == [] and not rule.enabled and not rule.api_keys.exists()
    owner_client.post(url("rule-delete", workspace, rule.pk))
    assert not RoutingRule.objects.exists()


def test_the_alias_form_shows_the_catalog_for_the_candidate_picker(owner_client, workspace):
    sim = make_catalog(workspace)
    ProviderModel.objects.filter(provider=sim, name="echo").update(
        context_window=128_000,
        input_price_per_mtok=Decimal("2"),
        output_price_per_mtok=Decimal("8"),
    )
    for page in (url("alias-create", workspace), url("rule-create", workspace)):
        body = owner_client.get(page).content.decode()
        assert "/static/js/routing/candidate_picker.js" in body
        assert "data-candidate-picker" in body and 'data-candidate-catalog="id_candidates"' in body
        echo = body[body.index('<li data-model="sim/echo">') :]
        echo = echo[: echo.index("</li>")]
        assert "Sim · 128k context · $2.00 in, $8.00 out / M tokens" in echo
        assert '<li data-model="sim/slow">' in body and "off/gone" not in body


def test_candidates_picked_in_an_order_are_saved_in_that_order(owner_client, workspace):
    """What the picker posts: the existing candidates field, one chosen model a line."""
    make_catalog(workspace)
    response = owner_client.post(
        url("alias-create", workspace),
        {"name": "picked", "strategy": "ordered", "candidates": "sim/slow\r\nsim/echo"},
    )
    assert response.status_code == 302
    assert ModelAlias.objects.get(name="picked").candidates == [
        {"model": "sim/slow"},
        {"model": "sim/echo"},
    ]
    rule = owner_client.post(
        url("rule-create", workspace),
        {"name": "picked", "position": "1", "candidates": "sim/echo\nsim/slow 2"},
    )
    assert rule.status_code == 302
    assert RoutingRule.objects.get(name="picked").candidates == [
        {"model": "sim/echo"},
        {"model": "sim/slow", "weight": 2},
    ]
    refused = owner_client.post(
        url("alias-create", workspace),
        {"name": "bad", "strategy": "ordered", "candidates": "sim/echo\noff/gone"},
    )
    assert refused.status_code == 400 and not ModelAlias.objects.filter(name="bad").exists()
