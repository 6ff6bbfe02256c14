"""What a run reads before its first step, in one trip to the database: the claim (a queued
run becomes running, at most once), what the agent may use, its instructions and the
thread's earlier turns. One thread hop instead of seven matters on the embedded SQLite,
where every read waits its turn behind the writers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from asgiref.sync import sync_to_async
from django.db import transaction
from django.utils import timezone

from agents.instructions import instructions_text
from agents.models import Agent, Run, RunStatus
from agents.toolbox import Equipment

JSON = dict[str, Any]


@dataclass
class Prepared:
    equipment: Equipment
    instructions: str
    history: list[JSON]


@sync_to_async
def run_prepare(run: Run, agent: Agent, *, may_delegate: bool) -> Prepared | None:
    """None when the run was not queued (another worker has it, or it was cancelled)."""
    mine = run.workspace_id
    with transaction.atomic():
        now = timezone.now()
        claimed = Run.objects.filter(pk=run.pk, status=RunStatus.QUEUED).update(
            status=RunStatus.RUNNING, started_at=now, heartbeat_at=now
        )
        if not claimed:
            return None
        equipment = Equipment(
            collections=list(agent.collections.filter(workspace_id=mine)),
            delegates=list(agent.delegates.filter(workspace_id=mine)) if may_delegate else [],
            custom_tools=list(agent.custom_tools.filter(workspace_id=mine)),
            mcp_servers=list(agent.mcp_servers.filter(workspace_id=mine)),
        )
        history: list[JSON] = []
        if run.thread_id is not None:
            earlier = Run.objects.filter(thread_id=run.thread_id, workspace_id=mine, pk__lt=run.pk)
            history = [m for past in earlier.order_by("id") for m in past.messages]
        return Prepared(equipment, instructions_text(agent), history)
