"""The workspace pages, found through the URL resolver, and how to fill in their kwargs.

A new page under /w/<slug>/ is picked up without touching this file; a page whose URL
takes a kwarg not listed in OBJECT_KWARGS fails the sweep until the kwarg is taught here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from django.db.models import Model
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from agents.models import Agent, CustomTool, McpServer, Step, StepKind
from agents.models import Run as AgentRun
from agents.models import RunStatus as AgentRunStatus
from hub.evals.models import Case, Cell, CellStatus, Run, RunStatus, Suite, SuitePrompt
from hub.prompts.models import PromptTemplate, PromptVersion
from hub.workbench.models import Conversation, PlaygroundRun
from providers.models import Credential, Provider
from rag.models import Collection, Document
from routing.models import ModelAlias, RoutingRule, SpendBudget
from tests.hub.prompts.factories import make_prompt
from workspaces.models import ApiKey, Invitation, Membership, Workspace
from workspaces.views.base import WORKSPACE_KWARG


def prompt_in(workspace: Workspace) -> PromptTemplate:
    """The workspace's newest prompt, made (with two versions) when it has none yet."""
    newest = PromptTemplate.objects.filter(workspace=workspace).order_by("-pk").first()
    return newest or make_prompt(workspace, versions=2)


def prompt_version_in(workspace: Workspace) -> PromptVersion:
    """A version of ``prompt_in(workspace)``, so prompt_id and version_id go together."""
    return prompt_in(workspace).versions.order_by("-number")[0]


def collection_in(workspace: Workspace) -> Collection:
    """The workspace's newest collection, made with one document when it has none yet."""
    newest = Collection.objects.filter(workspace=workspace).order_by("-pk").first()
    if newest is None:
        newest = Collection.objects.create(workspace=workspace, name=f"{workspace.name} docs")
        Document.objects.create(
            workspace=workspace, collection=newest, name="notes.md", content_hash="0" * 64
        )
    return newest


def document_in(workspace: Workspace) -> Document:
    """A document of ``collection_in(workspace)``, so collection_id and document_id go together."""
    return collection_in(workspace).documents.order_by("-pk")[0]


def suite_in(workspace: Workspace) -> Suite:
    """The workspace's newest evaluation suite, made with a prompt, a case and a finished run
    of one cell when it has none yet."""
    newest = Suite.objects.filter(workspace=workspace).order_by("-pk").first()
    if newest is not None:
        return newest
    suite = Suite.objects.create(workspace=workspace, name=f"{workspace.name} suite",
                                 model_names=["x/y"])  # fmt: skip
    prompt = SuitePrompt.objects.create(workspace=workspace, suite=suite, label="p", body="Hi")
    case = Case.objects.create(workspace=workspace, suite=suite, key="k")
    run = Run.objects.create(workspace=workspace, suite=suite, number=1, model_names=["x/y"],
                             status=RunStatus.DONE, cells_total=1)  # fmt: skip
    Cell.objects.create(workspace=workspace, run=run, prompt=prompt, prompt_label="p", case=case,
                        case_key="k", model_name="x/y", status=CellStatus.DONE, passed=True,
                        score=1.0, output=f"{workspace.name} secret answer", cache_key="0" * 64)  # fmt: skip
    return suite


def suite_prompt_in(workspace: Workspace) -> SuitePrompt:
    return suite_in(workspace).prompts.order_by("-pk")[0]


def run_in(workspace: Workspace) -> Run:
    return suite_in(workspace).runs.order_by("-pk")[0]


def agent_in(workspace: Workspace) -> Agent:
    """The workspace's newest agent, made with a finished run of two steps when it has none."""
    newest = Agent.objects.filter(workspace=workspace).order_by("-pk").first()
    if newest is not None:
        return newest
    agent = Agent.objects.create(workspace=workspace, name="b-agent", model_names=["x/y"],
                                 description=f"{workspace.name} agent")  # fmt: skip
    run = AgentRun.objects.create(workspace=workspace, agent=agent, input="Hi",
                                  status=AgentRunStatus.COMPLETED,
                                  output=f"{workspace.name} secret answer")  # fmt: skip
    Step.objects.create(workspace=workspace, run=run, number=1, kind=StepKind.MODEL,
                        model="x/y", content=f"{workspace.name} secret answer")  # fmt: skip
    CustomTool.objects.create(workspace=workspace, name="b_tool", description="B tool",
                              url="https://b.example/tool", secret_encrypted="x")  # fmt: skip
    McpServer.objects.create(workspace=workspace, name="b-mcp", url="https://b.example/mcp")
    return agent


def agent_run_in(workspace: Workspace) -> AgentRun:
    return agent_in(workspace).runs.order_by("-pk")[0]


ROUTE_KWARG = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
API_PREFIXES = ("/api/", "/v1/", "/admin/")

# A model (its newest row in the workspace) or a factory returning a row of the workspace.
OBJECT_KWARGS: dict[str, type[Model] | Callable[[Workspace], Model]] = {
    "provider_id": Provider,
    "credential_id": Credential,
    "key_id": ApiKey,
    "membership_id": Membership,
    "invitation_id": Invitation,
    "prompt_id": prompt_in,
    "version_id": prompt_version_in,
    "conversation_id": Conversation,
    "playground_run_id": PlaygroundRun,
    "alias_id": ModelAlias,
    "rule_id": RoutingRule,
    "budget_id": SpendBudget,
    "collection_id": collection_in,
    "document_id": document_in,
    "suite_id": suite_in,
    "suite_prompt_id": suite_prompt_in,
    "run_id": run_in,
    "agent_id": agent_in,
    "agent_run_id": agent_run_in,
    "tool_id": lambda workspace: (
        agent_in(workspace) and CustomTool.objects.filter(workspace=workspace).latest("pk")
    ),
    "server_id": lambda workspace: (
        agent_in(workspace) and McpServer.objects.filter(workspace=workspace).latest("pk")
    ),
}


def all_routes() -> Iterator[tuple[str, URLPattern]]:
    def walk(entries: list, prefix: str) -> Iterator[tuple[str, URLPattern]]:
        for entry in entries:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, route)
            else:
                yield route, entry

    return walk(get_resolver().url_patterns, "/")


def is_fragment(url: str) -> bool:
    """Whether ``url`` answers a piece of another page (its view says ``fragment = True``)."""
    view_class = getattr(resolve(url).func, "view_class", None)
    return bool(getattr(view_class, "fragment", False))


def kwargs_of(route: str) -> list[str]:
    return [match["name"] for match in ROUTE_KWARG.finditer(route)]


def workspace_page_routes() -> list[str]:
    """Every browser page inside a workspace (the REST API has its own sweep)."""
    return [
        route
        for route, _pattern in all_routes()
        if not route.startswith(API_PREFIXES) and WORKSPACE_KWARG in kwargs_of(route)
    ]


def object_routes() -> list[str]:
    return [route for route in workspace_page_routes() if len(kwargs_of(route)) > 1]


def row_of(model: type[Model] | Callable[[Workspace], Model], workspace: Workspace) -> Model:
    if not isinstance(model, type):
        return model(workspace)
    assert issubclass(model, Model)  # the factories are functions, never classes
    row = model._default_manager.filter(workspace=workspace).order_by("-pk").first()
    assert row is not None, f"the fixture has no {model.__name__} in {workspace}"
    return row


def url_for(route: str, *, slug_of: Workspace, objects_of: Workspace) -> str:
    def fill(match: re.Match) -> str:
        name = match["name"]
        if name == WORKSPACE_KWARG:
            return slug_of.slug
        if name in OBJECT_KWARGS:
            return str(row_of(OBJECT_KWARGS[name], objects_of).pk)
        raise AssertionError(f"{route}: teach tests/hub/routes.py how to fill <{name}>")

    return ROUTE_KWARG.sub(fill, route)
