"""Responses kept for ``previous_response_id``, ``GET`` and ``DELETE /v1/responses/{id}``.

Every read is scoped to the caller's workspace: another workspace's id is simply not found.
A response is kept HUB_RESPONSES_RETENTION_DAYS (0 keeps none) and purged by beat after.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import DatabaseError
from django.db.models import QuerySet
from django.utils import timezone

from providers.adapters.base import JSON
from routing.models import StoredResponse
from routing.pipeline.errors import ApiError, database_unavailable, invalid
from routing.pipeline.shapes.responses import ResponsesCall
from routing.pipeline.shapes.responses_request import items_to_messages
from workspaces.access import Actor

logger = logging.getLogger(__name__)


def storing_enabled() -> bool:
    return settings.HUB_RESPONSES_RETENTION_DAYS > 0


async def conversation_before(actor: Actor, response_id: str | None) -> list[JSON]:
    """The chat messages a follow-up continues: the earlier inputs and answers."""
    if response_id is None:
        return []
    try:
        stored = await _live(actor).filter(pk=response_id).values_list(
            "conversation", flat=True
        ).afirst()  # fmt: skip
    except DatabaseError:
        raise database_unavailable() from None
    if stored is None:
        raise invalid(
            f"Previous response with id {response_id!r} not found.",
            param="previous_response_id", code="previous_response_not_found",
        )  # fmt: skip
    return list(stored)


async def keep(actor: Actor, call: ResponsesCall, history: list[JSON], response: JSON) -> None:
    """Store a completed response; a database away loses the store, never the answer."""
    if not call.stored:
        return
    conversation = [
        *history, *call.request.input_messages, *items_to_messages(response["output"], "output")
    ]  # fmt: skip
    try:
        await StoredResponse.objects.acreate(
            id=call.id,
            workspace_id=actor.workspace.pk,
            api_key_id=actor.api_key_id,
            expires_at=timezone.now() + timedelta(days=settings.HUB_RESPONSES_RETENTION_DAYS),
            conversation=conversation,
            input_items=call.request.input_items,
            response=response,
        )
    except DatabaseError:
        logger.warning("response %s answered but not stored: the database is away", call.id)


async def response_get(actor: Actor, response_id: str) -> JSON:
    return await _field(actor, response_id, "response")


async def input_items_get(actor: Actor, response_id: str) -> list[JSON]:
    return await _field(actor, response_id, "input_items")


async def response_delete(actor: Actor, response_id: str) -> None:
    try:
        deleted, _ = await _live(actor).filter(pk=response_id).adelete()
    except DatabaseError:
        raise database_unavailable() from None
    if not deleted:
        raise _not_found(response_id)


def stored_responses_purge() -> int:
    """Delete responses past their retention; the number deleted."""
    deleted, _ = StoredResponse.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted


async def _field(actor: Actor, response_id: str, name: str) -> Any:
    try:
        value = await _live(actor).filter(pk=response_id).values_list(name, flat=True).afirst()
    except DatabaseError:
        raise database_unavailable() from None
    if value is None:
        raise _not_found(response_id)
    return value


def _live(actor: Actor) -> QuerySet[StoredResponse]:
    return StoredResponse.objects.for_workspace(actor.workspace).filter(
        expires_at__gt=timezone.now()
    )


def _not_found(response_id: str) -> ApiError:
    return ApiError(
        f"No response with id {response_id!r} in this workspace (or it has expired).",
        status=404, code="response_not_found",
    )  # fmt: skip
