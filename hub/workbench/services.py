"""Writes and rules of the workbench: conversations and their message tree, playground runs
and votes. Callers pass rows they found through ``hub.workbench.selectors`` (so already
scoped to the actor); these functions check the rest (parents in the same tree, sizes)."""

from __future__ import annotations

import random
from collections.abc import Collection
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from hub.workbench.models import (
    ChatSettings,
    Conversation,
    GenerationStatus,
    Message,
    MessageRole,
    PlaygroundRun,
    PlaygroundSlot,
    Vote,
    VoteKind,
)
from hub.workbench.results import GenerationResult
from hub.workbench.selectors import message_path
from routing.pipeline.validation import PARAMETER_RANGES, parameter_problem
from workspaces.access import Actor
from workspaces.models import Workspace

MAX_CONTENT = 100_000
MIN_SLOTS, MAX_SLOTS = 2, 8
MAX_HISTORY = 200
TITLE_LENGTH = 60
WORKBENCH_PARAMS = ("temperature", "top_p", "max_tokens")  # what the pages let people set


def params_clean(raw: Any) -> dict[str, float | int]:
    """Sampling parameters the workbench sends upstream, checked against the same ranges as
    /v1 (routing.pipeline.validation); blank ones are left to the model."""
    if raw in (None, ""):
        return {}
    if not isinstance(raw, dict):
        raise ValidationError("Parameters must be an object.")
    cleaned: dict[str, float | int] = {}
    for name, value in raw.items():
        if name not in WORKBENCH_PARAMS:
            raise ValidationError(f"Unknown parameter {name!r}.")
        if value in (None, ""):
            continue
        kind = PARAMETER_RANGES[name][0]
        try:
            number = kind(value)
        except (TypeError, ValueError, OverflowError):
            number = value  # parameter_problem says what it should be
        if problem := parameter_problem(name, number):
            raise ValidationError(problem)
        cleaned[name] = number
    return cleaned


def text_clean(value: Any, *, field: str, required: bool = True) -> str:
    text = value if isinstance(value, str) else ""
    if required and not text.strip():
        raise ValidationError(f"{field} is empty.")
    if len(text) > MAX_CONTENT:
        raise ValidationError(f"{field} is longer than {MAX_CONTENT} characters.")
    return text


def model_clean(value: Any, *, required: bool = True) -> str:
    model = value.strip() if isinstance(value, str) else ""
    if (required and not model) or len(model) > 300:
        raise ValidationError("Pick a model.")
    return model


def request_body(*, model: str, messages: list[dict[str, str]], params: dict) -> dict[str, Any]:
    """The OpenAI-shaped request the pipeline takes."""
    return {"model": model, "messages": messages, **params}


# Conversations -------------------------------------------------------------------------------


def conversation_create(
    *, actor: Actor, model: str, system_prompt: str = "", params: dict | None = None
) -> Conversation:
    return Conversation.objects.create(
        workspace=actor.workspace,
        user_id=actor.user.pk,
        model=model,
        system_prompt=system_prompt,
        params=params or {},
    )


def conversation_settings_update(
    *, conversation: Conversation, model: str, system_prompt: str, params: dict
) -> None:
    conversation.model, conversation.system_prompt, conversation.params = (
        model,
        system_prompt,
        params,
    )
    conversation.save(update_fields=["model", "system_prompt", "params", "updated_at"])


def conversation_rename(*, conversation: Conversation, title: str) -> Conversation:
    title = title.strip()[:200]
    if not title:
        raise ValidationError({"title": "A title cannot be empty."})
    conversation.title = title
    conversation.save(update_fields=["title", "updated_at"])
    return conversation


def conversation_pin(*, conversation: Conversation, pinned: bool) -> Conversation:
    """Pinned chats head the list; pinning again moves a chat to the top of the pins."""
    conversation.pinned_at = timezone.now() if pinned else None
    conversation.save(update_fields=["pinned_at"])
    return conversation


def chat_settings_update(
    *, workspace: Workspace, title_model: str, known_models: Collection[str]
) -> ChatSettings:
    """``title_model`` must be one of ``known_models`` (the picker's), or blank for none."""
    title_model = model_clean(title_model, required=False)
    if title_model and title_model not in known_models:
        raise ValidationError(f"“{title_model}” is not a chat model or alias of this workspace.")
    settings, _ = ChatSettings.objects.update_or_create(
        workspace=workspace, defaults={"title_model": title_model}
    )
    return settings


def conversation_delete(*, conversation: Conversation) -> None:
    with transaction.atomic():
        Conversation.objects.filter(pk=conversation.pk).update(active_leaf=None)
        conversation.delete()


def chat_messages(*, conversation: Conversation, until: Message) -> list[dict[str, str]]:
    """What the model sees: the system prompt, then the branch down to ``until``; failed
    answers and empty turns are left out, cancelled ones keep what was said."""
    messages = []
    if conversation.system_prompt.strip():
        messages.append({"role": "system", "content": conversation.system_prompt})
    for message in message_path(until):
        if message.content and message.status != GenerationStatus.ERROR:
            messages.append({"role": message.role, "content": message.content})
    return messages


@transaction.atomic
def turn_start(
    *, conversation: Conversation, parent: Message | None, content: str, model: str
) -> tuple[Message, Message]:
    """A new user message under ``parent`` (None: a new root; a sibling of an existing
    message is how an edit branches) and the assistant message that will stream into it."""
    if parent is not None and (
        parent.conversation_id != conversation.pk or parent.role != MessageRole.ASSISTANT
    ):
        raise ValidationError("A message follows an answer of the same conversation.")
    user_message = Message.objects.create(
        conversation=conversation, parent=parent, role=MessageRole.USER, content=content
    )
    if conversation.title == Conversation._meta.get_field("title").default:
        conversation.title = title_from_words(content)
        conversation.save(update_fields=["title", "updated_at"])
    return user_message, answer_start(conversation=conversation, prompt=user_message, model=model)


def answer_start(*, conversation: Conversation, prompt: Message, model: str) -> Message:
    """An empty assistant message under ``prompt``, made the active branch; regenerating
    makes another one beside the earlier answers."""
    if prompt.conversation_id != conversation.pk or prompt.role != MessageRole.USER:
        raise ValidationError("Only an answer to a message of this conversation can be generated.")
    answer = Message.objects.create(
        conversation=conversation,
        parent=prompt,
        role=MessageRole.ASSISTANT,
        model=model,
        status=GenerationStatus.STREAMING,
    )
    conversation.active_leaf = answer
    conversation.save(update_fields=["active_leaf", "updated_at"])
    return answer


def conversation_select(*, conversation: Conversation, message: Message) -> Message:
    """Show the branch through ``message``: down to its newest leaf, which becomes active."""
    if message.conversation_id != conversation.pk:
        raise ValidationError("That message belongs to another conversation.")
    children: dict[int, list[Message]] = {}
    for node in conversation.messages.all():
        if node.parent_id is not None:
            children.setdefault(node.parent_id, []).append(node)
    leaf = message
    while children.get(leaf.pk):
        leaf = max(children[leaf.pk], key=lambda m: m.pk)
    conversation.active_leaf = leaf
    conversation.save(update_fields=["active_leaf"])
    return leaf


@transaction.atomic
def conversation_fork(
    *, actor: Actor, conversation: Conversation, message: Message
) -> Conversation:
    """A new conversation holding copies of the branch down to ``message``."""
    if message.conversation_id != conversation.pk:
        raise ValidationError("That message belongs to another conversation.")
    fork = conversation_create(
        actor=actor,
        model=conversation.model,
        system_prompt=conversation.system_prompt,
        params=conversation.params,
    )
    fork.title = f"{conversation.title} (fork)"[:200]
    parent: Message | None = None
    for original in message_path(message):
        parent = _message_copy(original, conversation=fork, parent=parent)
    fork.active_leaf = parent
    fork.total_cost_usd = sum((m.cost_usd for m in fork.messages.all()), Decimal(0))
    fork.save(update_fields=["title", "active_leaf", "total_cost_usd"])
    return fork


def _message_copy(
    original: Message, *, conversation: Conversation, parent: Message | None
) -> Message:
    fields = {
        f.name: getattr(original, f.name)
        for f in Message._meta.concrete_fields
        if f.name not in ("id", "conversation", "parent", "created_at")
    }
    if fields["status"] == GenerationStatus.STREAMING:
        fields["status"] = GenerationStatus.CANCELLED  # the copy does not keep streaming
    return Message.objects.create(conversation=conversation, parent=parent, **fields)


def title_from_words(content: str) -> str:
    """A chat's first title, before (or without) a model's: its first words."""
    line = " ".join(content.split())
    return (line[: TITLE_LENGTH - 1] + "…") if len(line) > TITLE_LENGTH else (line or "New chat")


# Playground ----------------------------------------------------------------------------------


def history_clean(raw: Any) -> list[dict[str, str]]:
    if raw in (None, ""):
        return []
    if not isinstance(raw, list) or len(raw) > MAX_HISTORY:
        raise ValidationError(f"History must be a list of at most {MAX_HISTORY} messages.")
    history = []
    for turn in raw:
        if not isinstance(turn, dict) or turn.get("role") not in ("user", "assistant"):
            raise ValidationError("Each history message needs a role: user or assistant.")
        history.append(
            {
                "role": turn["role"],
                "content": text_clean(
                    turn.get("content"), field="A history message", required=False
                ),
            }
        )
    return history


@transaction.atomic
def playground_run_create(
    *,
    actor: Actor,
    prompt: str,
    system_prompt: str,
    history: list[dict[str, str]],
    blind: bool,
    slots: list[tuple[str, dict]],
) -> PlaygroundRun:
    """A run with one slot per (model, params). A blind run shuffles them, so nobody knows
    which slot holds which model until the vote reveals it."""
    if not MIN_SLOTS <= len(slots) <= MAX_SLOTS:
        raise ValidationError(f"Compare between {MIN_SLOTS} and {MAX_SLOTS} models.")
    run = PlaygroundRun.objects.create(
        workspace=actor.workspace,
        user_id=actor.user.pk,
        prompt=prompt,
        system_prompt=system_prompt,
        history=history,
        blind=blind,
    )
    if blind:
        slots = random.sample(slots, k=len(slots))
    PlaygroundSlot.objects.bulk_create(
        PlaygroundSlot(run=run, position=n, model=model, params=params)
        for n, (model, params) in enumerate(slots)
    )
    return run


def playground_messages(run: PlaygroundRun) -> list[dict[str, str]]:
    messages = (
        [{"role": "system", "content": run.system_prompt}] if run.system_prompt.strip() else []
    )
    return [*messages, *run.history, {"role": "user", "content": run.prompt}]


@transaction.atomic
def vote_cast(*, run: PlaygroundRun, kind: str, winners: list[int]) -> Vote:
    """Record the verdict: ``winners`` are slot ids of this run (one for best and A/B)."""
    if hasattr(run, "vote"):
        raise ValidationError("This run already has a vote.")
    if kind not in VoteKind.values:
        raise ValidationError("Unknown kind of vote.")
    slots = list(run.slots.filter(pk__in=winners))
    if len(slots) != len(set(winners)):
        raise ValidationError("A winner is not a slot of this run.")
    if kind in (VoteKind.BEST, VoteKind.AB) and len(slots) != 1:
        raise ValidationError("Pick exactly one winner.")
    if kind == VoteKind.AB and run.slots.count() != 2:
        raise ValidationError("An A/B vote needs exactly two slots.")
    if kind == VoteKind.BOTH_BAD and slots:
        raise ValidationError("An all-bad vote has no winner.")
    vote = Vote.objects.create(run=run, kind=kind)
    vote.winners.set(slots)
    return vote


@transaction.atomic
def conversation_from_slot(*, actor: Actor, slot: PlaygroundSlot) -> Conversation:
    """Continue in chat: a conversation with the run's history, its prompt and this answer
    (once the answer is finished, and a blind run revealed)."""
    run = slot.run
    if slot.status == GenerationStatus.STREAMING:
        raise ValidationError("That answer is still being generated.")
    if not run.revealed:
        raise ValidationError("Vote first: continuing would reveal a blind run's model.")
    conversation = conversation_create(
        actor=actor, model=slot.model, system_prompt=run.system_prompt, params=slot.params
    )
    conversation.title = title_from_words(run.prompt)
    parent: Message | None = None
    for turn in [*run.history, {"role": "user", "content": run.prompt}]:
        parent = Message.objects.create(
            conversation=conversation, parent=parent, role=turn["role"], content=turn["content"]
        )
    answer = Message.objects.create(
        conversation=conversation,
        parent=parent,
        role=MessageRole.ASSISTANT,
        content=slot.output,
        model=slot.model,
        status=slot.status,
        error=slot.error,
        **GenerationResult.from_json(slot.metrics).message_fields(),
    )
    conversation.active_leaf = answer
    conversation.total_cost_usd = answer.cost_usd
    conversation.save(update_fields=["title", "active_leaf", "total_cost_usd"])
    return conversation
