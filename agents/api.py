"""/api/workspaces/<slug>/agents/… and agent-runs/…: agents and their runs for scripts.

Viewers read; members write agents and start and cancel runs (an API key needs the
``inference`` scope for that, as for any model call). A run starts queued for a worker
(202), or works while the request waits (``wait``), or streams its events as server-sent
events (``stream``; closing the stream cancels the run). Thin over ``agents.services``.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

from asgiref.sync import async_to_sync
from django.db.models import QuerySet
from django.http import Http404, StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from agents import services
from agents.events import event_json
from agents.models import Agent, Run, RunStatus, Thread
from agents.runner import Context, execute
from agents.serializers import (
    AgentRunDetailSerializer,
    AgentRunSerializer,
    AgentRunStartSerializer,
    AgentSerializer,
    AgentWriteSerializer,
)
from workspaces.api.base import WorkspaceScopedListView, WorkspaceScopedView
from workspaces.roles import Permission

WRITE = Permission.USE_MODELS


class _AgentView(WorkspaceScopedView[Agent]):
    queryset = Agent.objects.none()
    serializer_class = AgentSerializer
    required_permissions = {"GET": Permission.VIEW, "POST": WRITE, "PATCH": WRITE, "DELETE": WRITE}

    def scoped_queryset(self) -> QuerySet[Agent]:
        return Agent.objects.for_workspace(self.actor.workspace).prefetch_related(
            "collections", "delegates", "custom_tools", "mcp_servers"
        )


class AgentListView(WorkspaceScopedListView[Agent], _AgentView):
    @extend_schema(request=AgentWriteSerializer, responses={201: AgentSerializer})
    def post(self, request: Request, workspace_slug: str) -> Response:
        fields = services.AgentFields(**self.parsed(AgentWriteSerializer))
        agent = services.agent_create(actor=self.actor, fields=fields)
        return self.render(self.scoped_queryset().get(pk=agent.pk), status=201)


def _fields_of(agent: Agent) -> dict[str, Any]:
    current = {name: getattr(agent, name) for name in services.AGENT_FIELDS}
    return {
        **current,
        "instructions_version_id": agent.instructions_version_id,
        "collection_ids": [c.pk for c in agent.collections.all()],
        "delegate_ids": [d.pk for d in agent.delegates.all()],
        "custom_tool_ids": [t.pk for t in agent.custom_tools.all()],
        "mcp_server_ids": [m.pk for m in agent.mcp_servers.all()],
        "hands_off_to_id": agent.hands_off_to_id,
    }


class AgentDetailView(_AgentView):
    def get(self, request: Request, workspace_slug: str, pk: int) -> Response:
        return self.render(self.url_object)

    @extend_schema(request=AgentWriteSerializer, responses=AgentSerializer)
    def patch(self, request: Request, workspace_slug: str, pk: int) -> Response:
        agent = self.url_object
        changes = self.parsed(AgentWriteSerializer, partial=True)
        fields = services.AgentFields(**{**_fields_of(agent), **changes})
        services.agent_update(actor=self.actor, agent=agent, fields=fields)
        return self.render(self.scoped_queryset().get(pk=pk))

    @extend_schema(responses={204: None})
    def delete(self, request: Request, workspace_slug: str, pk: int) -> Response:
        services.agent_delete(actor=self.actor, agent=self.url_object)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AgentRunListView(WorkspaceScopedListView[Run], WorkspaceScopedView[Run]):
    """Runs of one agent (``pk`` is the agent's id), newest first; POST starts one."""

    queryset = Run.objects.none()
    serializer_class = AgentRunSerializer
    required_permissions = {"GET": Permission.VIEW, "POST": WRITE}
    lookup_url_kwarg = "run"  # no route names one: the list and start only
    parent_model = Agent
    agent: Agent

    def resolve_parent(self, **kwargs: Any) -> None:
        agent = Agent.objects.for_workspace(self.actor.workspace).filter(pk=kwargs["pk"]).first()
        if agent is None:
            raise Http404("No such agent.")
        self.agent = agent

    def scoped_queryset(self) -> QuerySet[Run]:
        return Run.objects.for_workspace(self.actor.workspace).filter(agent=self.agent)

    def get(self, request: Request, workspace_slug: str, pk: int) -> Response:  # type: ignore[override]
        return self.list(request)

    @extend_schema(
        request=AgentRunStartSerializer,
        responses={202: AgentRunSerializer, 200: AgentRunDetailSerializer},
    )
    def post(self, request: Request, workspace_slug: str, pk: int) -> Any:
        fields = self.parsed(AgentRunStartSerializer)
        thread = None
        if fields["thread"] is not None:
            thread = (
                Thread.objects.for_workspace(self.actor.workspace)
                .filter(pk=fields["thread"], agent=self.agent)
                .first()
            )
            if thread is None:
                raise Http404("No such thread of this agent.")
        run = services.run_create(actor=self.actor, agent=self.agent, text=fields["input"],
                                  thread=thread, new_thread=fields["new_thread"])  # fmt: skip
        context = Context(actor=self.actor, run=run, agent=self.agent)
        if fields["stream"]:
            response = StreamingHttpResponse(_sse(context), content_type="text/event-stream")
            response["Cache-Control"] = "no-cache"
            response["x-hub-agent-run"] = str(run.pk)
            return response
        if fields["wait"]:
            async_to_sync(_work)(context)
            run.refresh_from_db()
            return self.render(run, serializer_class=AgentRunDetailSerializer)
        services.run_queue(run)
        run.refresh_from_db()
        return self.render(run, status=status.HTTP_202_ACCEPTED)


async def _work(context: Context) -> None:
    events = execute(context)
    try:
        async for _ in events:
            pass
    finally:
        await events.aclose()


async def _sse(context: Context) -> AsyncIterator[bytes]:
    """``event: <kind>`` lines with the event as JSON: delta, model_step, tool_step, ended."""
    events = execute(context)
    try:
        yield _sse_line("run", {"id": context.run.pk, "agent": context.agent.name})
        async for event in events:
            yield _sse_line(event.kind, event_json(event))
    finally:
        await events.aclose()
        # A client gone before the run started leaves it queued: nobody would work it.
        await Run.objects.filter(pk=context.run.pk, status=RunStatus.QUEUED).aupdate(
            status=RunStatus.CANCELLED, error="Cancelled.", finished_at=timezone.now()
        )


def _sse_line(kind: str, data: dict[str, Any]) -> bytes:
    return f"event: {kind}\ndata: {json.dumps(data)}\n\n".encode()


class _RunView(WorkspaceScopedView[Run]):
    queryset = Run.objects.none()
    serializer_class = AgentRunDetailSerializer
    required_permissions = {"GET": Permission.VIEW, "POST": WRITE}

    def scoped_queryset(self) -> QuerySet[Run]:
        return Run.objects.for_workspace(self.actor.workspace).prefetch_related("trace")


class RunDetailView(_RunView):
    def get(self, request: Request, workspace_slug: str, pk: int) -> Response:
        """The run with its steps: models that answered, tool calls and results, costs."""
        return self.render(self.url_object)


class RunCancelView(_RunView):
    serializer_class = AgentRunSerializer

    @extend_schema(request=None, responses=AgentRunSerializer)
    def post(self, request: Request, workspace_slug: str, pk: int) -> Response:
        """Stop the run; the call in flight is cancelled within half a second."""
        run = self.url_object
        services.run_cancel(actor=self.actor, run=run)
        run.refresh_from_db()
        return self.render(run)
