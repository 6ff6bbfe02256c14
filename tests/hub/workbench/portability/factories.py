"""Workbench conversations for tests: a branch of turns, optionally with a second branch."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hub.workbench.models import Conversation, Message
from workspaces.models import Workspace

ANSWER_TIMINGS = {
    "provider_slug": "sim", "upstream_model": "echo", "latency_ms": 410, "ttft_ms": 95,
    "tokens_per_second": 42.5, "route_reason": "first healthy candidate", "request_id": "req_1",
}  # fmt: skip


def make_conversation(
    workspace: Workspace,
    user: Any = None,
    *,
    turns: list[tuple[str, str]] | None = None,
    title: str = "Tides",
    model: str = "sim/echo",
    **fields: Any,
) -> Conversation:
    """``turns`` as (role, text) pairs form one branch, which becomes the active one."""
    if user is None:
        user = workspace.memberships.get(role="owner").user
    conversation = Conversation.objects.create(
        workspace=workspace, user=user, title=title, model=model, **fields
    )
    parent = None
    if turns is None:
        turns = [("user", "Why are there tides?"), ("assistant", "The moon.")]
    for role, text in turns:
        parent = Message.objects.create(
            conversation=conversation,
            parent=parent,
            role=role,
            content=text,
            model=model if role == "assistant" else "",
            cost_usd=Decimal("0.00012") if role == "assistant" else 0,
            input_tokens=12 if role == "assistant" else 0,
            output_tokens=3 if role == "assistant" else 0,
            **(ANSWER_TIMINGS if role == "assistant" else {}),
        )
    conversation.active_leaf = parent
    conversation.save(update_fields=["active_leaf"])
    return conversation


def add_branch(
    conversation: Conversation, *, under: Message | None, turns: list[tuple[str, str]]
) -> Message:
    """Another branch below ``under`` (None: a new root); the active branch stays as it was."""
    parent = under
    for role, text in turns:
        parent = Message.objects.create(
            conversation=conversation, parent=parent, role=role, content=text
        )
    assert parent is not None
    return parent
