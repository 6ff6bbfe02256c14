"""REST for aliases, rules and budgets: roles, validation naming the field, isolation."""

from __future__ import annotations

import pytest

from routing.models import ModelAlias, SpendBudget
from tests import factories
from tests.clients import assert_openai_error

pytestmark = pytest.mark.django_db


def url(workspace, kind: str, pk: int | None = None) -> str:
    base = f"/api/workspaces/{workspace.slug}/{kind}/"
    return f"{base}{pk}/" if pk else base


def test_admin_manages_aliases_and_members_only_read(workspace, session_client, member_of):
    admin = session_client(member_of("admin"))
    body = {"name": "fast", "strategy": "latency", "candidates": [{"model": "sim/echo"}]}
    created = admin.post(url(workspace, "aliases"), body, content_type="application/json")
    assert created.status_code == 201 and created.json()["strategy"] == "latency"
    pk = created.json()["id"]
    changed = admin.patch(
        url(workspace, "aliases", pk), {"strategy": "cost"}, content_type="application/json"
    )
    assert changed.json()["strategy"] == "cost"
    member = session_client(member_of("member"))
    assert member.get(url(workspace, "aliases")).json()["results"][0]["name"] == "fast"
    refused = member.post(url(workspace, "aliases"), body, content_type="application/json")
    assert_openai_error(refused, 403)
    assert admin.delete(url(workspace, "aliases", pk)).status_code == 204
    assert not ModelAlias.objects.exists()


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"name": "a/b", "candidates": [{"model": "sim/echo"}]}, "name"),
        ({"name": "ok", "candidates": []}, "candidates"),
        ({"name": "ok", "candidates": [{"model": "no-slash"}]}, "candidates"),
        ({"name": "ok", "strategy": "fastest", "candidates": [{"model": "s/e"}]}, "strategy"),
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
