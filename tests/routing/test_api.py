"""REST for aliases, rules and budgets: roles, validation naming the field, isolation."""

from __future__ import annotations

import pytest

from routing.models import ModelAlias, SpendBudget
from tests import factories
from tests.clients import assert_openai_error

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def catalog(workspace):
    """The workspace serves sim/echo and sim/slow, and has an alias "fast"."""
    factories.make_catalog(workspace)
    ModelAlias.objects.create(workspace=workspace, name="fast", candidates=[{"model": "sim/echo"}])


def url(workspace, kind: str, pk: int | None = None) -> str:
    base = f"/api/workspaces/{workspace.slug}/{kind}/"
    return f"{base}{pk}/" if pk else base


def test_admin_manages_aliases_and_members_only_read(workspace, session_client, member_of):
    admin = session_client(member_of("admin"))
    body = {"name": "quick", "strategy": "latency", "candidates": [{"model": "sim/echo"}]}
    created = admin.post(url(workspace, "aliases"), body, content_type="application/json")
    assert created.status_code == 201 and created.json()["strategy"] == "latency"
    pk = created.json()["id"]
    changed = admin.patch(
        url(workspace, "aliases", pk), {"strategy": "cost"}, content_type="application/json"
    )
    assert changed.json()["strategy"] == "cost"
    member = session_client(member_of("member"))
    names = [a["name"] for a in member.get(url(workspace, "aliases")).json()["results"]]
    assert "quick" in names
    refused = member.post(url(workspace, "aliases"), body, content_type="application/json")
    assert_openai_error(refused, 403)
    assert admin.delete(url(workspace, "aliases", pk)).status_code == 204
    assert not ModelAlias.objects.filter(name="quick").exists()


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"name": "a/b", "candidates": [{"model": "sim/echo"}]}, "name"),
        ({"name": "ok", "candidates": []}, "candidates"),
        ({"name": "ok", "candidates": [{"model": "no-slash"}]}, "candidates"),
        ({"name": "ok", "strategy": "fastest", "candidates": [{"model": "s/e"}]}, "strategy"),
        ({"name": "ok", "candidates": [{"model": "sim/not-served"}]}, "candidates"),
        ({"name": "ok", "candidates": [{"model": "off/gone"}]}, "candidates"),  # disabled
    ],
)
def test_bad_aliases_are_400_naming_the_field(workspace, session_client, owner, body, param):
    response = session_client(owner).post(
        url(workspace, "aliases"), body, content_type="application/json"
    )
    assert_openai_error(response, 400, param=param)


def test_a_rule_needs_exactly_one_target(workspace, session_client, owner):
    client = session_client(owner)
    both = {"name": "r", "alias": "fast", "candidates": [{"model": "a/b"}]}
    assert_openai_error(
        client.post(url(workspace, "rules"), both, content_type="application/json"), 400
    )
    ok = client.post(
        url(workspace, "rules"), {"name": "r", "alias": "fast", "tasks": ["code"]},
        content_type="application/json",
    )  # fmt: skip
    assert ok.status_code == 201 and ok.json()["tasks"] == ["code"]


def test_aliases_and_rules_refuse_another_workspaces_models_and_aliases(
    workspace, other_workspace, session_client, owner
):
    """Naming what only another workspace has is a 400 naming the field, as on the pages:
    calling through such an alias or rule could only fail with no_candidate."""
    factories.make_provider(other_workspace, kind="simulated", slug="theirs")
    ModelAlias.objects.create(
        workspace=other_workspace, name="their-alias", candidates=[{"model": "theirs/x"}]
    )
    client = session_client(owner)
    alias = {"name": "borrowed", "candidates": [{"model": "theirs/x"}]}
    refused = client.post(url(workspace, "aliases"), alias, content_type="application/json")
    assert "theirs/x" in assert_openai_error(refused, 400, param="candidates")["message"]
    for body, param in (
        ({"name": "r1", "alias": "their-alias"}, "alias"),
        ({"name": "r2", "candidates": [{"model": "theirs/x"}]}, "candidates"),
    ):
        refused = client.post(url(workspace, "rules"), body, content_type="application/json")
        assert_openai_error(refused, 400, param=param)
    assert not ModelAlias.objects.filter(workspace=workspace, name="borrowed").exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("needs", [["tools"]]), ("needs", "tools"), ("tasks", [1]), ("budget_states", [{}])],
)
def test_rule_lists_of_the_wrong_type_are_400_not_500(
    workspace, session_client, owner, field, value
):
    body = {"name": "r", "alias": "fast", field: value}
    response = session_client(owner).post(
        url(workspace, "rules"), body, content_type="application/json"
    )
    assert_openai_error(response, 400, param=field)


def test_budgets_refuse_another_workspaces_provider(
    workspace, other_workspace, session_client, owner
):
    theirs = factories.make_provider(other_workspace, kind="openai", slug="theirs")
    body = {"name": "B", "scope": "provider", "provider": theirs.pk, "hard_limit_usd": "5"}
    response = session_client(owner).post(
        url(workspace, "budgets"), body, content_type="application/json"
    )
    assert_openai_error(response, 400, param="provider")
    assert not SpendBudget.objects.exists()
    mine = factories.make_provider(workspace, kind="openai", slug="mine")
    body["provider"] = mine.pk
    created = session_client(owner).post(
        url(workspace, "budgets"), body, content_type="application/json"
    )
    assert created.status_code == 201 and created.json()["provider"] == mine.pk


def test_a_budget_needs_a_limit(workspace, session_client, owner):
    response = session_client(owner).post(
        url(workspace, "budgets"), {"name": "B"}, content_type="application/json"
    )
    assert_openai_error(response, 400)


def test_changing_a_rule_keeps_its_keys_unless_given(workspace, session_client, owner):
    from tests.clients import make_key
    from workspaces.models import ApiKey

    make_key(owner, workspace, ["inference"])
    key_id = ApiKey.objects.get(workspace=workspace).pk
    client = session_client(owner)
    created = client.post(
        url(workspace, "rules"), {"name": "r", "alias": "fast", "api_keys": [key_id]},
        content_type="application/json",
    ).json()  # fmt: skip
    changed = client.patch(
        url(workspace, "rules", created["id"]), {"position": 5}, content_type="application/json"
    )
    assert changed.json()["api_keys"] == [key_id] and changed.json()["position"] == 5
    foreign = client.patch(
        url(workspace, "rules", created["id"]), {"api_keys": [key_id + 999]},
        content_type="application/json",
    )  # fmt: skip
    assert_openai_error(foreign, 400, param="api_keys")


@pytest.mark.parametrize("kind", ["aliases", "rules", "budgets"])
def test_page_numbers_too_large_for_the_database_are_bounded(
    workspace, session_client, owner, kind
):
    client = session_client(owner)
    huge = "255424274258038486116486610944"
    listed = client.get(url(workspace, kind), {"limit": huge})
    assert listed.status_code == 200 and len(listed.json()["results"]) <= 500
    beyond = client.get(url(workspace, kind), {"offset": huge, "limit": huge})
    assert beyond.status_code == 200 and beyond.json()["results"] == []


def test_a_body_nested_past_what_json_can_parse_is_a_400(workspace, session_client, owner):
    response = session_client(owner).post(
        url(workspace, "aliases"), b"[" * 100_000, content_type="application/json"
    )
    assert "nested too deeply" in assert_openai_error(response, 400)["message"]
