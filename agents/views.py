"""Agent pages under /w/<slug>/agents/: the list, an agent with its runs and a task box,
create, edit, delete, and a run's live timeline with cancel."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from agents import services
from agents.forms import AgentForm, RunStartForm
from agents.instructions import prompt_versions
from agents.models import Agent, CustomTool, McpServer, Run, Thread
from agents.selectors import run_tree, step_rows
from rag.models import Collection
from routing.selectors import alias_names, catalog_labels
from workspaces.roles import Permission
from workspaces.views.base import WorkspacePageView, form_add_service_errors

WRITE = {"GET": Permission.USE_MODELS, "POST": Permission.USE_MODELS}
RUNS_SHOWN = 50


class AgentPage(WorkspacePageView):
    """Members and up write and run agents; viewers read their runs."""

    nav = "agents"
    object_kwarg: ClassVar[str | None] = "agent_id"

    def scoped_queryset(self) -> QuerySet[Agent]:
        return Agent.objects.for_workspace(self.actor.workspace)

    def agent_form(self, *args: Any, exclude: Agent | None = None, **kwargs: Any) -> AgentForm:
        workspace = self.actor.workspace
        versions = prompt_versions()
        agents = self.scoped_queryset()
        return AgentForm(
            *args,
            versions=versions.filter(template__workspace=workspace).select_related("template"),
            collections=Collection.objects.for_workspace(workspace),
            agents=agents.exclude(pk=exclude.pk) if exclude else agents,
            custom_tools=CustomTool.objects.for_workspace(workspace),
            mcp_servers=McpServer.objects.for_workspace(workspace),
            known_models={*catalog_labels(workspace=workspace), *alias_names(workspace=workspace)},
            **kwargs,
        )


class AgentListView(AgentPage):
    object_kwarg = None
    template_name = "agents/agent_list.html"

    def get(self, request: HttpRequest, workspace_slug: str) -> HttpResponse:
        agents = self.scoped_queryset().annotate(run_count=Count("runs"))
        return self.render_page({"agents": agents})


class AgentCreateView(AgentPage):
    object_kwarg = None
    template_name = "agents/agent_form.html"
    permissions = WRITE

    def get(self, request: HttpRequest, workspace_slug: str) -> HttpResponse:
        return self.render_page({"form": self.agent_form()})

    def post(self, request: HttpRequest, workspace_slug: str) -> HttpResponse:
        form = self.agent_form(request.POST)
        if form.is_valid():
            try:
                agent = services.agent_create(actor=self.actor, fields=form.fields_value())
            except ValidationError as error:
                form_add_service_errors(form, error)
            else:
                messages.success(request, f"Agent {agent.name} created: give it a task.")
                return redirect("agent-detail", workspace_slug, agent.pk)
        return self.render_page({"form": form}, status=400)


class AgentEditView(AgentPage):
    template_name = "agents/agent_form.html"
    permissions = WRITE

    def get(self, request: HttpRequest, workspace_slug: str, agent_id: int) -> HttpResponse:
        form = self.agent_form(initial=AgentForm.initial_for(self.object), exclude=self.object)
        return self.render_page({"form": form, "agent": self.object})

    def post(self, request: HttpRequest, workspace_slug: str, agent_id: int) -> HttpResponse:
        form = self.agent_form(request.POST, exclude=self.object)
        if form.is_valid():
            try:
                services.agent_update(actor=self.actor, agent=self.object,
                                      fields=form.fields_value())  # fmt: skip
            except ValidationError as error:
                self.object.refresh_from_db()
                form_add_service_errors(form, error)
            else:
                messages.success(request, "Saved. Runs from now on use these settings.")
                return redirect("agent-detail", workspace_slug, agent_id)
        return self.render_page({"form": form, "agent": self.object}, status=400)


class AgentDeleteView(AgentPage):
    template_name = "agents/confirm_delete.html"
    permissions = WRITE

    def get(self, request: HttpRequest, workspace_slug: str, agent_id: int) -> HttpResponse:
        return self.render_page({"agent": self.object, "run_count": self.object.runs.count()})

    def post(self, request: HttpRequest, workspace_slug: str, agent_id: int) -> HttpResponse:
        try:
            services.agent_delete(actor=self.actor, agent=self.object)
        except ValidationError as error:
            messages.error(request, error.messages[0])
            return redirect("agent-detail", workspace_slug, agent_id)
        messages.success(request, f"Agent {self.object.name} deleted.")
        return redirect("agent-list", workspace_slug)


class AgentDetailView(AgentPage):
    template_name = "agents/agent_detail.html"

    def get(self, request: HttpRequest, workspace_slug: str, agent_id: int) -> HttpResponse:
        return self.render_page(self.detail_context())

    def detail_context(self, form: RunStartForm | None = None) -> dict[str, Any]:
        agent = self.object
        runs = Run.objects.for_workspace(self.actor.workspace).filter(agent=agent, parent=None)
        return {
            "agent": agent,
            "runs": runs.select_related("created_by", "thread")[:RUNS_SHOWN],
            "run_form": form or RunStartForm(threads=self.threads()),
            "collections": list(agent.collections.all()),
            "delegates": list(agent.delegates.all()),
        }

    def threads(self) -> list[tuple[int, str]]:
        threads = Thread.objects.for_workspace(self.actor.workspace).filter(agent=self.object)
        return [(t.pk, str(t)[:80]) for t in threads[:50]]


class RunStartView(AgentDetailView):
    permissions = {"POST": Permission.USE_MODELS}

    def post(self, request: HttpRequest, workspace_slug: str, agent_id: int) -> HttpResponse:
        form = RunStartForm(request.POST, threads=self.threads())
        if form.is_valid():
            data = form.cleaned_data
            thread = None
            if data["thread"] is not None:
                thread = Thread.objects.for_workspace(self.actor.workspace).get(pk=data["thread"])
            try:
                run = services.run_create(actor=self.actor, agent=self.object,
                                          text=data["input"], thread=thread,
                                          new_thread=data["new_thread"])  # fmt: skip
            except ValidationError as error:
                form_add_service_errors(form, error)
            else:
                services.run_queue(run)
                return redirect("agent-run-detail", workspace_slug, run.pk)
        return self.render_page(self.detail_context(form), status=400)


class RunPage(WorkspacePageView):
    nav = "agents"
    object_kwarg = "agent_run_id"

    def scoped_queryset(self) -> QuerySet[Run]:
        return Run.objects.for_workspace(self.actor.workspace).select_related("agent", "parent")


class RunDetailView(RunPage):
    template_name = "agents/run_detail.html"

    def get(self, request: HttpRequest, workspace_slug: str, agent_run_id: int) -> HttpResponse:
        run = self.object
        return self.render_page({
            "run": run, "agent": run.agent, "steps": step_rows(run),
            "children": run_tree(run),
        })  # fmt: skip


class RunCancelView(RunPage):
    permissions = {"POST": Permission.USE_MODELS}

    def post(self, request: HttpRequest, workspace_slug: str, agent_run_id: int) -> HttpResponse:
        if services.run_cancel(actor=self.actor, run=self.object):
            messages.success(request, "Cancelling: the call in flight stops within a second.")
        else:
            messages.info(request, "The run had already ended.")
        return redirect("agent-run-detail", workspace_slug, agent_run_id)
