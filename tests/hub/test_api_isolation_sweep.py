"""REST sweep: every workspace URL under /api/, every method, pointed at another workspace.

Patterns are found through the URL resolver, so a new endpoint is swept without touching
this file. A pattern is swept when it names a workspace (the ``workspace_slug`` kwarg);
schema and docs views carry none and are left out by that rule. Object ids are filled
with rows of workspace B found through the view's ``queryset`` model.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.db.models import Model
from django.urls import URLPattern, URLResolver, get_resolver

from analytics.alerts.services import alert_raise
from rag.models import Collection, Document
from routing.models import ModelAlias, RoutingRule, SpendBudget
from tests import factories
from tests.clients import ALL_SCOPES, assert_openai_error, make_key
from tests.hub.prompts.factories import make_prompt
from tests.hub.routes import agent_in, suite_in
from workspaces import services
from workspaces.api.base import OBJECT_KWARG, WORKSPACE_KWARG
from workspaces.models import Workspace

pytestmark = pytest.mark.django_db

METHODS = ("get", "post", "put", "patch", "delete")
ROUTE_KWARG = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


def api_patterns() -> Iterator[tuple[str, URLPattern]]:
    """(route, pattern) for every URL pattern mounted under /api/."""

    def walk(resolvers: list, prefix: str) -> Iterator[tuple[str, URLPattern]]:
        for entry in resolvers:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, route)
            else:
                yield route, entry

    return (item for item in walk(get_resolver().url_patterns, "/") if item[0].startswith("/api/"))


def workspace_routes() -> list[tuple[str, URLPattern]]:
    return [
        (route, pattern)
        for route, pattern in api_patterns()
        if WORKSPACE_KWARG in {m["name"] for m in ROUTE_KWARG.finditer(route)}
    ]


def object_of(pattern: URLPattern, workspace: Workspace, *, parent: bool = False) -> Model:
    """A row of ``workspace`` for the view's object, or for the row it sits under
    (``parent_model``: the collection of a document route's ``pk``)."""
    view_class = pattern.callback.view_class  # type: ignore[attr-defined]  # set by View.as_view()
    model = (parent and view_class.parent_model) or view_class.queryset.model
    if model is Workspace:
        return workspace
    row = model._default_manager.filter(workspace=workspace).first()
    assert row is not None, f"the sweep fixture has no {model.__name__} in workspace B"
    return row


def url_for(route: str, pattern: URLPattern, *, slug_of: Workspace, objects_of: Workspace) -> str:
    def fill(match: re.Match) -> str:
        name = match["name"]
        if name == WORKSPACE_KWARG:
            return slug_of.slug
        if name == OBJECT_KWARG:
            return str(object_of(pattern, objects_of, parent=True).pk)
        if name == "document_id":
            return str(object_of(pattern, objects_of).pk)
        if name == "number":  # a prompt's version number; every prompt has version 1
            return "1"
        raise AssertionError(f"{route}: teach the sweep how to fill <{name}>")

    return ROUTE_KWARG.sub(fill, route)


@pytest.fixture
def workspace_b(other_workspace):
    """Workspace B with one row of every kind the API exposes."""
    owner_b = other_workspace.memberships.get(role="owner").user
    factories.add_member(other_workspace, "member")
    credential = factories.make_credential(other_workspace, name="B credential")
    factories.make_provider(other_workspace, credential=credential)
    actor_b = factories.owner_actor(other_workspace)
    services.invitation_create(actor=actor_b, email="b@example.com")
    make_key(owner_b, other_workspace, ALL_SCOPES)
    alert_raise(workspace=other_workspace, key="budget:1", state="80", title="B alert", text="")
    ModelAlias.objects.create(
        workspace=other_workspace, name="b-fast", candidates=[{"model": "x/y"}]
    )
    RoutingRule.objects.create(workspace=other_workspace, name="b-rule", alias="b-fast")
    SpendBudget.objects.create(workspace=other_workspace, name="B budget", hard_limit_usd=5)
    make_prompt(other_workspace, name="B prompt")
    suite_in(other_workspace)  # a suite with a prompt, a case and a finished run of one cell
    agent_in(other_workspace)  # an agent with a finished run of one step
    collection = Collection.objects.create(workspace=other_workspace, name="B collection")
    Document.objects.create(
        workspace=other_workspace, collection=collection, name="b.md", content_hash="0" * 64
    )
    return other_workspace


@pytest.fixture
def callers(workspace, session_client, key_client):
    """A session user who owns workspace A only, and an all-scope key of workspace A."""
    owner_a = workspace.memberships.get(role="owner").user
    return {
        "session": session_client(owner_a),
        "key": key_client(make_key(owner_a, workspace, ALL_SCOPES)),
    }


def sweep(client, routes, *, slug_of: Workspace, objects_of: Workspace, secret_words) -> int:
    calls = 0
    for route, pattern in routes:
        url = url_for(route, pattern, slug_of=slug_of, objects_of=objects_of)
        for method in METHODS:
            response = getattr(client, method)(url, {"name": "x"}, format="json")
            error = assert_openai_error(response, 404)
            body = response.content.decode()
            assert not any(word in body for word in secret_words), (method, url, error)
            calls += 1
    return calls


def test_sweep_finds_every_workspace_endpoint():
    routes = [route for route, _ in workspace_routes()]
    for expected in (
        "members/<int:pk>/",
        "invitations/",
        "keys/<int:pk>/",
        "providers/<int:pk>/",
        "credentials/<int:pk>/",
        "providers/<int:pk>/health/",
        "notifications/<int:pk>/read/",
        "alert-settings/",
        "prompts/<int:pk>/versions/<int:number>/production/",
        "prompts/import/",
        "collections/<int:pk>/search/",
        "collections/<int:pk>/documents/<int:document_id>/retry/",
        "eval-suites/<int:pk>/runs/",
        "eval-runs/<int:pk>/cells/",
        "agents/<int:pk>/runs/",
        "agent-runs/<int:pk>/cancel/",
    ):
        assert any(route.endswith(expected) for route in routes), expected


@pytest.mark.parametrize("caller", ["session", "key"])
def test_every_endpoint_of_another_workspace_is_404_for_every_method(caller, callers, workspace_b):
    calls = sweep(
        callers[caller],
        workspace_routes(),
        slug_of=workspace_b,
        objects_of=workspace_b,
        secret_words=[
            workspace_b.name,
            "B credential",
            "b@example.com",
            "B prompt",
            "B collection",
        ],
    )
    assert calls == len(workspace_routes()) * len(METHODS)


@pytest.mark.parametrize("caller", ["session", "key"])
def test_ids_of_another_workspace_under_my_own_slug_are_404(
    caller, callers, workspace, workspace_b
):
    object_routes = [
        (route, pattern)
        for route, pattern in workspace_routes()
        if f"<int:{OBJECT_KWARG}>" in route
    ]
    assert object_routes
    sweep(
        callers[caller],
        object_routes,
        slug_of=workspace,
        objects_of=workspace_b,
        secret_words=[
            workspace_b.name,
            "B credential",
            "b@example.com",
            "B prompt",
            "B collection",
        ],
    )
