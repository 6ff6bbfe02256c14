"""Writes of agents and runs. Callers check the actor's role for pages; these check it too,
scope every reference to ``actor.workspace`` and refuse with a ValidationError naming the
field what a run would later trip over."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from agents.instructions import prompt_versions
from agents.models import FINISHED, Agent, CustomTool, McpServer, Run, RunStatus, Thread
from agents.tasks import run_enqueue
from agents.toolbox import TOOL_CHOICES
from rag.models import Collection
from routing.pipeline.agent_hook import PREFIX as AGENT_PREFIX
from routing.selectors import alias_names, catalog_labels
from workspaces.access import Actor
from workspaces.roles import Permission

MAX_MODELS = 8
MAX_HOSTS = 50
MAX_INPUT_CHARS = 100_000
HOST = re.compile(
    r"^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$"
)
TOOLS = {name for name, _ in TOOL_CHOICES}
AGENT_FIELDS = (
    "name", "description", "instructions", "model_names", "first_token_timeout_s", "retries",
    "temperature", "tool_names", "allowed_hosts", "max_steps", "max_tokens", "max_usd",
    "max_seconds", "repeat_limit",
)  # fmt: skip


@dataclass
class AgentFields:
    name: str
    model_names: list[str]
    description: str = ""
    instructions: str = ""
    instructions_version_id: int | None = None
    first_token_timeout_s: float = 10.0
    retries: int = 3
    temperature: float | None = None
    tool_names: list[str] = field(default_factory=list)
    allowed_hosts: list[str] = field(default_factory=list)
    collection_ids: list[int] = field(default_factory=list)
    delegate_ids: list[int] = field(default_factory=list)
    custom_tool_ids: list[int] = field(default_factory=list)
    mcp_server_ids: list[int] = field(default_factory=list)
    hands_off_to_id: int | None = None
    max_steps: int = 10
    max_tokens: int | None = None
    max_usd: Decimal | None = None
    max_seconds: int = 300
    repeat_limit: int = 3


def _strings(value: Any, what: str, name: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValidationError({name: f"A list of {what}."})
    return list(dict.fromkeys(v.strip() for v in value))


def _clean(fields: AgentFields) -> AgentFields:
    name = slugify(fields.name or "")[:64] if isinstance(fields.name, str) else ""
    if not name:
        raise ValidationError({"name": "A name of letters, digits and hyphens."})
    models = _strings(fields.model_names, "model names or aliases", "model_names")
    if not 1 <= len(models) <= MAX_MODELS:
        raise ValidationError({"model_names": f"From 1 to {MAX_MODELS} models, in order."})
    if any(name.startswith(AGENT_PREFIX) for name in models):  # would recurse past the limits
        raise ValidationError({"model_names": "Models or aliases; to use another agent, let "
                               "this one ask it (may ask)."})  # fmt: skip
    tools = _strings(fields.tool_names, "tool names", "tool_names")
    unknown = sorted(set(tools) - TOOLS)
    if unknown:
        raise ValidationError({"tool_names": f"Unknown tool {unknown[0]}; known: "
                               f"{', '.join(sorted(TOOLS))}."})  # fmt: skip
    hosts = [h.lower().rstrip(".") for h in _strings(fields.allowed_hosts, "host names",
                                                      "allowed_hosts")]  # fmt: skip
    bad = next((h for h in hosts if not HOST.match(h)), None)
    if bad is not None or len(hosts) > MAX_HOSTS:
        raise ValidationError({"allowed_hosts": f"Host names such as api.example.com or "
                               f"*.example.com, at most {MAX_HOSTS} ({bad!r} is not one)."})  # fmt: skip
    if "http_request" in tools and not hosts:
        raise ValidationError({"allowed_hosts": "The HTTP tool needs at least one allowed host."})
    try:
        max_usd = None if fields.max_usd in (None, "") else Decimal(str(fields.max_usd))
    except InvalidOperation:
        raise ValidationError({"max_usd": "A dollar amount."}) from None
    if max_usd is not None and (not max_usd.is_finite() or max_usd <= 0):
        raise ValidationError({"max_usd": "A dollar amount above zero."})
    return AgentFields(
        **{**fields.__dict__, "name": name, "model_names": models, "tool_names": tools,
           "allowed_hosts": hosts, "max_usd": max_usd,
           "description": (fields.description or "").strip(),
           "instructions": (fields.instructions or "").strip()},
    )  # fmt: skip


def _version_check(actor: Actor, version_id: int | None) -> None:
    if version_id is None:
        return
    versions = prompt_versions()
    if not versions.filter(pk=version_id, template__workspace=actor.workspace).exists():
        raise ValidationError({"instructions_version": "No such prompt version here."})


def _write(actor: Actor, agent: Agent, fields: AgentFields) -> Agent:
    if not actor.can(Permission.USE_MODELS):
        raise PermissionDenied("Your role in this workspace may not change agents.")
    clean = _clean(fields)
    known = {*catalog_labels(workspace=actor.workspace), *alias_names(workspace=actor.workspace)}
    unknown = [name for name in clean.model_names if name not in known]
    if unknown:
        raise ValidationError({"model_names": f"No model or alias {', '.join(unknown)} in this "
                               "workspace's catalog."})  # fmt: skip
    _version_check(actor, clean.instructions_version_id)
    collections = list(Collection.objects.for_workspace(actor.workspace)
                       .filter(pk__in=clean.collection_ids))  # fmt: skip
    if len(collections) != len(set(clean.collection_ids)):
        raise ValidationError({"collections": "No such collection here."})
    delegates = list(Agent.objects.for_workspace(actor.workspace).filter(pk__in=clean.delegate_ids))
    if len(delegates) != len(set(clean.delegate_ids)) or any(d.pk == agent.pk for d in delegates):
        raise ValidationError({"delegates": "Agents of this workspace, other than this one."})
    custom = _mine(actor, CustomTool, clean.custom_tool_ids, "custom_tools")
    servers = _mine(actor, McpServer, clean.mcp_server_ids, "mcp_servers")
    if clean.hands_off_to_id is not None and (
        clean.hands_off_to_id == agent.pk
        or not Agent.objects.for_workspace(actor.workspace)
        .filter(pk=clean.hands_off_to_id)
        .exists()
    ):
        raise ValidationError({"hands_off_to": "Another agent of this workspace."})
    for name in AGENT_FIELDS:
        setattr(agent, name, getattr(clean, name))
    agent.instructions_version_id = clean.instructions_version_id
    agent.hands_off_to_id = clean.hands_off_to_id
    try:
        agent.full_clean(exclude=["workspace", "created_by", "model_names", "tool_names",
                                  "allowed_hosts", "instructions_version"])  # fmt: skip
    except ValidationError as error:
        raise ValidationError(error.message_dict) from None
    try:
        with transaction.atomic():
            agent.save()
            agent.collections.set(collections)
            agent.delegates.set(delegates)
            agent.custom_tools.set(custom)
            agent.mcp_servers.set(servers)
    except IntegrityError:
        raise ValidationError({"name": f"An agent named {clean.name!r} already exists."}) from None
    return agent


def _mine(actor: Actor, model: type[Any], ids: list[int], name: str) -> list[Any]:
    rows = list(model.objects.for_workspace(actor.workspace).filter(pk__in=ids))
    if len(rows) != len(set(ids)):
        raise ValidationError({name: "Only this workspace's own."})
    return rows


def agent_create(*, actor: Actor, fields: AgentFields) -> Agent:
    return _write(actor, Agent(workspace=actor.workspace, created_by=actor.user), fields)


def agent_update(*, actor: Actor, agent: Agent, fields: AgentFields) -> Agent:
    _own(actor, agent)
    return _write(actor, agent, fields)


def agent_delete(*, actor: Actor, agent: Agent) -> None:
    _own(actor, agent)
    if not actor.can(Permission.USE_MODELS):
        raise PermissionDenied("Your role in this workspace may not delete agents.")
    if agent.runs.exclude(status__in=FINISHED).exists():
        raise ValidationError("A run of this agent is in progress; cancel it first.")
    agent.delete()


def _own(actor: Actor, agent: Agent) -> None:
    if agent.workspace_id != actor.workspace.pk:
        raise ValidationError({"agent": "No such agent in this workspace."})


def run_create(
    *, actor: Actor, agent: Agent, text: str, thread: Thread | None = None, new_thread: bool = False
) -> Run:
    """A queued run (the caller executes it, or ``run_queue`` sends it to a worker)."""
    _own(actor, agent)
    if not actor.can(Permission.USE_MODELS):
        raise PermissionDenied("Your role in this workspace may not run agents.")
    text = text.strip() if isinstance(text, str) else ""
    if not text or len(text) > MAX_INPUT_CHARS:
        raise ValidationError({"input": f"A task of 1 to {MAX_INPUT_CHARS:,} characters."})
    if thread is not None and (thread.workspace_id != actor.workspace.pk or
                               thread.agent_id != agent.pk):  # fmt: skip
        raise ValidationError({"thread": "No such thread for this agent."})
    if thread is None and new_thread:
        thread = Thread.objects.create(workspace=actor.workspace, agent=agent,
                                       title=text[:200], created_by=actor.user)  # fmt: skip
    return Run.objects.create(workspace=actor.workspace, agent=agent, thread=thread, input=text,
                              created_by=actor.user, api_key_id=actor.api_key_id)  # fmt: skip


def run_queue(run: Run) -> None:
    transaction.on_commit(lambda: run_enqueue(run.pk))


def run_cancel(*, actor: Actor, run: Run) -> bool:
    """Ask the run to stop; its worker cancels the call in flight within half a second.
    A queued run is closed at once. False when it had already ended."""
    if run.workspace_id != actor.workspace.pk:
        raise ValidationError({"run": "No such run in this workspace."})
    if not actor.can(Permission.USE_MODELS):
        raise PermissionDenied("Your role in this workspace may not stop runs.")
    if Run.objects.filter(pk=run.pk, status=RunStatus.QUEUED).update(
        status=RunStatus.CANCELLED, error="Cancelled.", finished_at=timezone.now()
    ):
        return True
    return bool(Run.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(
        cancel_requested=True))  # fmt: skip
