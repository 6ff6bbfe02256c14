"""Workbench rows for tests, made through the services as the consumer makes them."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.db.models import F
from django.utils import timezone

from hub.workbench import services
from hub.workbench.models import (
    Conversation,
    GenerationStatus,
    Message,
    PlaygroundRun,
    PlaygroundSlot,
)
from tests import factories
from workspaces.models import Workspace

MODEL = "sim/echo"


def conversation_make(
    workspace: Workspace, user=None, *, turns: tuple[str, ...] = ("hello",)
) -> Conversation:
    """A conversation whose answers say "You said: <turn>", each costing $0.0001."""
    user = user or workspace.memberships.get(role="owner").user
    actor = factories.actor_for(user, workspace)
    conversation = services.conversation_create(actor=actor, model=MODEL)
    parent = None
    for turn in turns:
        _prompt, parent = services.turn_start(
            conversation=conversation, parent=parent, content=turn, model=MODEL
        )
        answer_finish(parent, f"You said: {turn}")
    conversation.refresh_from_db()
    return conversation


def answer_finish(answer, text: str, cost: str = "0.0001") -> None:
    answer.content, answer.status = text, GenerationStatus.COMPLETE
    answer.provider_slug, answer.upstream_model = "sim", "echo"
    answer.input_tokens, answer.output_tokens, answer.cost_usd = 5, len(text.split()), Decimal(cost)
    answer.save()
    Conversation.objects.filter(pk=answer.conversation_id).update(
        total_cost_usd=F("total_cost_usd") + Decimal(cost)
    )


def playground_run_make(
    workspace: Workspace, user=None, *, blind: bool = False, slots: int = 2
) -> PlaygroundRun:
    user = user or workspace.memberships.get(role="owner").user
    run = services.playground_run_create(
        actor=factories.actor_for(user, workspace),
        prompt="Compare me",
        system_prompt="Be brief.",
        history=[{"role": "user", "content": "earlier"}, {"role": "assistant", "content": "ok"}],
        blind=blind,
        slots=[(MODEL, {"temperature": 0.1 * n}) for n in range(slots)],
    )
    for slot in run.slots.all():
        slot.output, slot.status = f"Answer {slot.label}", GenerationStatus.COMPLETE
        slot.metrics = {"provider_slug": "sim", "upstream_model": "echo", "cost_usd": "0.0002",
                        "output_tokens": 2, "input_tokens": 9}  # fmt: skip
        slot.save()
    return run


def workbench_fill(workspace: Workspace) -> None:
    """One conversation and one playground run of the owner (for the page sweep)."""
    conversation_make(workspace, turns=(f"{workspace.name} secret chat",))
    playground_run_make(workspace)


def seconds_ago(seconds: float | None):
    return None if seconds is None else timezone.now() - timedelta(seconds=seconds)


def streaming_answer(
    conversation: Conversation, text: str, *, heartbeat_age: float | None, question: str = ""
) -> Message:
    """An answer left streaming with ``text`` saved so far, its heartbeat that many seconds old
    (None: never beat, as rows from before heartbeats): to ``question`` asked after the active
    answer, or without one another answer to the last question."""
    if question:
        _prompt, answer = services.turn_start(
            conversation=conversation, parent=conversation.active_leaf, content=question,
            model=MODEL,
        )  # fmt: skip
    else:
        prompt = conversation.messages.filter(role="user").order_by("-id").first()
        assert prompt is not None, "without a question there is no answer to leave streaming"
        answer = services.answer_start(conversation=conversation, prompt=prompt, model=MODEL)
    Message.objects.filter(pk=answer.pk).update(
        content=text, heartbeat_at=seconds_ago(heartbeat_age)
    )
    answer.refresh_from_db()
    return answer


def slot_streaming(slot: PlaygroundSlot, text: str, *, heartbeat_age: float | None) -> None:
    """Turn a slot back into one still streaming with ``text`` saved so far."""
    PlaygroundSlot.objects.filter(pk=slot.pk).update(
        output=text, status=GenerationStatus.STREAMING, error="",
        heartbeat_at=seconds_ago(heartbeat_age),
    )  # fmt: skip
