"""Reads for the workbench, always scoped to the actor's workspace and to the actor's own rows:
another member's conversation is as unknown as another workspace's."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from hub.workbench.models import (
    ChatSettings,
    Conversation,
    Message,
    PlaygroundRun,
    PlaygroundSlot,
    VoteKind,
)
from hub.workbench.results import NAMING_FIELDS, GenerationResult
from workspaces.access import Actor
from workspaces.models import Workspace


def conversation_list(*, actor: Actor, search: str = "") -> QuerySet[Conversation]:
    """The actor's conversations, newest first; ``search`` matches titles and message text."""
    conversations = Conversation.objects.for_workspace(actor.workspace).filter(
        user_id=actor.user.pk
    )
    search = search.strip()
    if search:
        matching = Message.objects.filter(content__icontains=search).values("conversation_id")
        conversations = conversations.filter(Q(title__icontains=search) | Q(pk__in=matching))
    return conversations


def chat_settings_for(*, workspace: Workspace) -> ChatSettings:
    """The workspace's chat settings; unsaved defaults when it has none."""
    return ChatSettings.objects.filter(workspace=workspace).first() or ChatSettings(
        workspace=workspace
    )


def conversation_get(*, actor: Actor, conversation_id: int) -> Conversation:
    """Raises Conversation.DoesNotExist for ids of other users or workspaces."""
    return conversation_list(actor=actor).get(pk=conversation_id)


def message_get(*, conversation: Conversation, message_id: int) -> Message:
    """A message of this conversation only; raises Message.DoesNotExist otherwise."""
    return conversation.messages.get(pk=message_id)


def message_path(message: Message) -> list[Message]:
    """The messages from the root of the tree down to ``message``, in order."""
    by_id = {m.pk: m for m in Message.objects.filter(conversation_id=message.conversation_id)}
    path: list[Message] = []
    node: Message | None = by_id.get(message.pk, message)
    while node is not None:
        path.append(node)
        node = by_id.get(node.parent_id) if node.parent_id else None
    return path[::-1]


def message_json(message: Message) -> dict[str, Any]:
    return {
        "id": message.pk,
        "parent_id": message.parent_id,
        "role": message.role,
        "content": message.content,
        "status": message.status,
        "error": message.error,
        "model": message.model,
        "sources": message.sources,
        **GenerationResult.of_message(message).to_json(),
    }


def conversation_json(conversation: Conversation) -> dict[str, Any]:
    """The whole tree for the page's script, which lays out branches and sibling switchers."""
    return {
        "id": conversation.pk,
        "title": conversation.title,
        "model": conversation.model,
        "system_prompt": conversation.system_prompt,
        "params": conversation.params,
        "active_leaf_id": conversation.active_leaf_id,
        "total_cost_usd": f"{conversation.total_cost_usd:f}",
        "collections": [c.pk for c in conversation.collections.all()],
        "messages": [message_json(m) for m in conversation.messages.all()],
    }


def playground_run_list(*, actor: Actor) -> QuerySet[PlaygroundRun]:
    return PlaygroundRun.objects.for_workspace(actor.workspace).filter(user_id=actor.user.pk)


@dataclass(frozen=True)
class RunSummary:
    """A line of the comparison history: the run, its models and how the vote went."""

    run: PlaygroundRun
    models: list[str]  # empty for a blind run not voted on yet: the names stay hidden
    outcome: str  # "winner", "tie", "both_bad" or "" (no vote)
    winners: list[str]


def playground_run_history(*, actor: Actor, limit: int = 20) -> list[RunSummary]:
    runs = playground_run_list(actor=actor).prefetch_related("slots", "vote__winners")[:limit]
    history = []
    for run in runs:
        vote = getattr(run, "vote", None)
        models = [slot.model for slot in run.slots.all()] if run.revealed else []
        if vote is None:
            history.append(RunSummary(run, models, "", []))
            continue
        winners = [slot.model for slot in vote.winners.all()]
        outcome = vote.kind if vote.kind in (VoteKind.TIE, VoteKind.BOTH_BAD) else "winner"
        history.append(RunSummary(run, models, outcome, winners))
    return history


def playground_run_get(*, actor: Actor, run_id: int) -> PlaygroundRun:
    """Raises PlaygroundRun.DoesNotExist for ids of other users or workspaces."""
    return playground_run_list(actor=actor).get(pk=run_id)


def slot_get(*, actor: Actor, slot_id: int) -> PlaygroundSlot:
    """Raises PlaygroundSlot.DoesNotExist for slots of other users' or workspaces' runs."""
    return PlaygroundSlot.objects.select_related("run").get(
        pk=slot_id, run__workspace=actor.workspace, run__user_id=actor.user.pk
    )


def slot_json(slot: PlaygroundSlot, *, revealed: bool) -> dict[str, Any]:
    """A blind run's slot says nothing about its model until the run is revealed."""
    data: dict[str, Any] = {
        "id": slot.pk,
        "position": slot.position,
        "label": slot.label,
        "params": slot.params,
        "output": slot.output,
        "status": slot.status,
        "error": slot.error,
        "metrics": {k: v for k, v in slot.metrics.items() if revealed or k not in NAMING_FIELDS},
    }
    if revealed:
        data["model"] = slot.model
    return data


def playground_run_json(run: PlaygroundRun) -> dict[str, Any]:
    revealed = run.revealed
    vote = getattr(run, "vote", None)
    return {
        "id": run.pk,
        "prompt": run.prompt,
        "system_prompt": run.system_prompt,
        "history": run.history,
        "blind": run.blind,
        "revealed": revealed,
        "collections": [c.pk for c in run.collections.all()],
        "sources": run.sources,
        "vote": None
        if vote is None
        else {"kind": vote.kind, "winners": [s.pk for s in vote.winners.all()]},
        "slots": [slot_json(slot, revealed=revealed) for slot in run.slots.all()],
    }


def conversation_history(conversation: Conversation) -> tuple[list[dict[str, str]], str]:
    """The active branch as (earlier turns, last user prompt) for comparing it in the
    playground; the prompt is empty when the branch ends with an answer."""
    if conversation.active_leaf is None:
        return [], ""
    turns = [
        {"role": m.role, "content": m.content}
        for m in message_path(conversation.active_leaf)
        if m.content
    ]
    if turns and turns[-1]["role"] == "user":
        return turns[:-1], turns[-1]["content"]
    return turns, ""
