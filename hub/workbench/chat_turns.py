"""What a chat request does to the database before the model is called: check the payload,
find the rows through the actor's scope, add the messages, build the pipeline's request.

Sync functions, called from the consumer through ``database_sync_to_async``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from hub.workbench import grounded, interruptions, selectors, services
from hub.workbench.models import Conversation, Message, MessageRole
from workspaces.access import Actor


@dataclass
class Turn:
    """The rows a request created, for the page, and the call to make."""

    conversation: dict[str, Any]
    messages: list[dict[str, Any]]
    answer_id: int
    body: dict[str, Any] | None  # None when the answer failed before any call (see grounded)
    starts_conversation: bool = False  # the first exchange of a chat made by this request


def id_from(payload: dict[str, Any], name: str) -> int:
    """The id named ``name``; ValidationError when it is missing or not an id."""
    value = payload.get(name)
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).isdigit():
        raise ValidationError(f"{name} must be an id.")
    return int(value)


def id_or_none(payload: dict[str, Any], name: str) -> int | None:
    return None if payload.get(name) in (None, "") else id_from(payload, name)


def turn_send(*, actor: Actor, payload: dict[str, Any]) -> Turn:
    """A user message (new, or an edit: a sibling under the same parent) and its answer."""
    content = services.text_clean(payload.get("content"), field="The message")
    starts = id_or_none(payload, "conversation_id") is None
    with transaction.atomic():
        conversation = _conversation_for(actor, payload)
        parent_id = id_or_none(payload, "parent_id")
        parent = (
            None
            if parent_id is None
            else selectors.message_get(conversation=conversation, message_id=parent_id)
        )
        created = services.turn_start(
            conversation=conversation, parent=parent, content=content, model=conversation.model
        )
    turn = _turn(actor, conversation, list(created))
    return dataclasses.replace(turn, starts_conversation=starts)


def turn_regenerate(*, actor: Actor, payload: dict[str, Any]) -> Turn:
    """Another answer to a user message, beside the earlier ones."""
    with transaction.atomic():
        conversation = _conversation_for(actor, payload, create=False)
        prompt = selectors.message_get(
            conversation=conversation, message_id=id_from(payload, "message_id")
        )
        answer = services.answer_start(
            conversation=conversation, prompt=prompt, model=conversation.model
        )
    return _turn(actor, conversation, [answer])


def answer_of(*, actor: Actor, message_id: int) -> Message:
    """An assistant message of one of the actor's conversations; DoesNotExist otherwise."""
    return Message.objects.get(
        pk=message_id,
        role=MessageRole.ASSISTANT,
        conversation__in=selectors.conversation_list(actor=actor),
    )


def answer_as_saved(*, actor: Actor, message_id: int, running: Collection[str]) -> Message:
    """The answer as saved, for a socket that cannot attach to its generation: interrupted
    first when a dead process left it streaming (``running``: keys alive in this process)."""
    answer = answer_of(actor=actor, message_id=message_id)
    if interruptions.messages_interrupt(Message.objects.filter(pk=answer.pk), running=running):
        answer.refresh_from_db()
    return answer


def branch_select(*, actor: Actor, payload: dict[str, Any]) -> int:
    """Make the branch through a message the one shown; the id of its leaf."""
    conversation = selectors.conversation_get(
        actor=actor, conversation_id=id_from(payload, "conversation_id")
    )
    message = selectors.message_get(
        conversation=conversation, message_id=id_from(payload, "message_id")
    )
    return services.conversation_select(conversation=conversation, message=message).pk


def _conversation_for(
    actor: Actor, payload: dict[str, Any], *, create: bool = True
) -> Conversation:
    """The conversation named (the actor's own only), or a new one; its model, system prompt,
    parameters and collections are updated to those the request carries."""
    model = services.model_clean(payload.get("model"))
    params = services.params_clean(payload.get("params"))
    conversation_id = (
        id_or_none(payload, "conversation_id") if create else id_from(payload, "conversation_id")
    )
    if conversation_id is None:
        system_prompt = services.text_clean(
            payload.get("system_prompt"), field="The system prompt", required=False
        )
        created = services.conversation_create(
            actor=actor, model=model, system_prompt=system_prompt, params=params
        )
        _collections_update(actor, created, payload)
        return created
    conversation = (
        selectors.conversation_list(actor=actor).select_for_update().get(pk=conversation_id)
    )
    system_prompt = conversation.system_prompt
    if "system_prompt" in payload:
        system_prompt = services.text_clean(
            payload.get("system_prompt"), field="The system prompt", required=False
        )
    services.conversation_settings_update(
        conversation=conversation, model=model, system_prompt=system_prompt, params=params
    )
    _collections_update(actor, conversation, payload)
    return conversation


def _collections_update(actor: Actor, conversation: Conversation, payload: dict[str, Any]) -> None:
    """A request that names ``collections`` (ids) sets the chat's; one that does not keeps them."""
    if "collections" in payload:
        conversation.collections.set(
            grounded.collections_clean(actor=actor, raw=payload["collections"])
        )


def _turn(actor: Actor, conversation: Conversation, created: list[Message]) -> Turn:
    """After the rows are committed: the pipeline's request, grounded in the chat's collections."""
    answer = created[-1]
    prompt = created[-2] if len(created) > 1 else answer.parent
    assert prompt is not None
    body = services.request_body(
        model=conversation.model,
        messages=services.chat_messages(conversation=conversation, until=prompt),
        params=conversation.params,
    )
    body_to_send = grounded.answer_grounded(
        actor=actor, answer=answer, collections=list(conversation.collections.all()), body=body
    )
    return Turn(
        conversation={
            "id": conversation.pk,
            "title": conversation.title,
            "total_cost_usd": f"{conversation.total_cost_usd:f}",
        },
        messages=[selectors.message_json(m) for m in created],
        answer_id=answer.pk,
        body=body_to_send,
    )
