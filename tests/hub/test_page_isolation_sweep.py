"""Page sweep: every workspace page that names an object, filled with another workspace's ids.

Routes come from the URL resolver (tests/hub/routes.py), so a new page is swept without
touching this file, and a page with a kwarg the sweep cannot fill fails it.
"""

from __future__ import annotations

import pytest

from routing.models import ModelAlias, RoutingRule, SpendBudget
from tests import factories
from tests.hub.routes import (
    OBJECT_KWARGS,
    is_fragment,
    kwargs_of,
    object_routes,
    url_for,
    workspace_page_routes,
)
from tests.hub.workbench.rows import workbench_fill
from workspaces import services
from workspaces.models import ApiKeyScope
from workspaces.views.base import WORKSPACE_KWARG

pytestmark = pytest.mark.django_db


def fill_workspace(workspace):
    """One row of every kind a page can name, in ``workspace``."""
    owner = workspace.memberships.get(role="owner").user
    factories.add_member(workspace, "member")
    credential = factories.make_credential(workspace, name=f"{workspace.name} credential")
    factories.make_provider(workspace, credential=credential)
    actor = factories.owner_actor(workspace)
    services.invitation_create(actor=actor, email=f"{workspace.slug}@example.com")
    services.api_key_create(
        actor=factories.actor_for(owner, workspace), name="sweep key", scopes=[ApiKeyScope.READ]
    )
    workbench_fill(workspace)
    ModelAlias.objects.create(
        workspace=workspace, name=f"{workspace.slug}-fast", candidates=[{"model": "x/y"}]
    )
    RoutingRule.objects.create(
        workspace=workspace, name="sweep rule", alias=f"{workspace.slug}-fast"
    )
    SpendBudget.objects.create(workspace=workspace, name="sweep budget", hard_limit_usd=5)
    return workspace


@pytest.fixture
def workspace_b(other_workspace):
    return fill_workspace(other_workspace)


@pytest.fixture
def workspace_a(workspace):
    return fill_workspace(workspace)


def test_sweep_finds_every_page_that_names_an_object():
    routes = object_routes()
    for expected in (
        "providers/<int:provider_id>/",
        "providers/<int:provider_id>/edit/",
        "providers/<int:provider_id>/delete/",
        "credentials/<int:credential_id>/edit/",
        "credentials/<int:credential_id>/delete/",
        "keys/<int:key_id>/revoke/",
        "members/<int:membership_id>/role/",
        "members/<int:membership_id>/remove/",
        "invitations/<int:invitation_id>/revoke/",
        "prompts/<int:prompt_id>/",
        "prompts/<int:prompt_id>/use/",
        "prompts/<int:prompt_id>/versions/<int:version_id>/label/",
        "chat/<int:conversation_id>/export/json/",
        "chat/<int:conversation_id>/export/code/",
        "chat/<int:conversation_id>/",
        "chat/<int:conversation_id>/rename/",
        "chat/<int:conversation_id>/delete/",
        "chat/<int:conversation_id>/fork/",
        "playground/<int:playground_run_id>/",
        "playground/<int:playground_run_id>/continue/",
        "routing/aliases/<int:alias_id>/edit/",
        "routing/aliases/<int:alias_id>/delete/",
        "routing/rules/<int:rule_id>/edit/",
        "routing/rules/<int:rule_id>/delete/",
        "budgets/<int:budget_id>/edit/",
        "budgets/<int:budget_id>/delete/",
    ):
        assert any(route.endswith(expected) for route in routes), expected


def test_every_kwarg_of_every_workspace_page_is_known():
    for route in workspace_page_routes():
        unknown = set(kwargs_of(route)) - {WORKSPACE_KWARG, *OBJECT_KWARGS}
        assert not unknown, f"{route}: teach tests/hub/routes.py how to fill {unknown}"


@pytest.mark.parametrize("role", ["owner", "viewer"])
def test_ids_of_another_workspace_are_404_for_get_and_post(
    role, workspace_a, workspace_b, member_of, signed_in
):
    """Objects are found through the member's workspace before any permission check, so a
    viewer learns no more than an owner: 404, never 403."""
    client = signed_in(member_of(role))
    swept = 0
    for route in object_routes():
        url = url_for(route, slug_of=workspace_a, objects_of=workspace_b)
        for method in (client.get, client.post):
            response = method(url, {"name": "x", "role": "viewer", "confirm": "x"})
            assert response.status_code == 404, (method.__name__, url, response.status_code)
            assert workspace_b.name not in response.content.decode()
            swept += 1
    assert swept == 2 * len(object_routes())
    assert workspace_b.providers.count() == 1 and workspace_b.credentials.count() == 1
    assert workspace_b.api_keys.filter(revoked_at__isnull=True).count() == 1
    assert workspace_b.memberships.count() == 2
    assert workspace_b.conversations.count() == 1
    assert workspace_b.playground_runs.count() == 1
    assert workspace_b.aliases.count() == 1 and workspace_b.rules.count() == 1
    assert workspace_b.budgets.count() == 1


def test_every_page_of_a_workspace_i_do_not_belong_to_is_404(workspace_a, workspace_b, signed_in):
    client = signed_in(workspace_a.memberships.get(role="owner").user)
    for route in workspace_page_routes():
        url = url_for(route, slug_of=workspace_b, objects_of=workspace_b)
        for method in (client.get, client.post):
            response = method(url, {"name": "x"})
            assert response.status_code == 404, (method.__name__, url)
            assert workspace_b.name not in response.content.decode()
    assert workspace_b.name == "Globex"


def test_every_page_renders_for_an_owner_with_its_own_ids(workspace_a, signed_in):
    """The sweep's 404s are not vacuous: the same URLs with the workspace's own ids answer."""
    client = signed_in(workspace_a.memberships.get(role="owner").user)
    rendered = 0
    for route in workspace_page_routes():
        url = url_for(route, slug_of=workspace_a, objects_of=workspace_a)
        response = client.get(url)
        # POST-only actions (revoke, remove, change role) answer GET with 405.
        assert response.status_code in (200, 405), (url, response.status_code)
        # Downloads (exports) answer 200 too, with a file instead of a page; fragments (htmx
        # pieces of another page, which say so on their view) answer a piece of HTML.
        if response.status_code == 200 and not response.has_header("Content-Disposition"):
            if is_fragment(url):
                assert response.content.strip().startswith(b"<"), url
                assert b"<html" not in response.content, url
                continue
            assert b'href="/static/css/hub.css"' in response.content, url
            rendered += 1
    assert rendered >= 12
