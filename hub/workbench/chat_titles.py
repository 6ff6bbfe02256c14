"""A new chat's title, written by a model after the first answer when the workspace chose one
(``ChatSettings.title_model``); otherwise, or when that call fails, the chat keeps the first
words of its first message (``services.title_from_words``).

The call goes through the pipeline like any other, so it is routed, limited, budgeted and
recorded (source chat), and its cost is added to the conversation's total.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from channels.db import database_sync_to_async
from django.db import transaction
from django.db.models import F

from analytics.models import UsageSource
from hub.workbench import selectors
from hub.workbench.models import Conversation, GenerationStatus, MessageRole
from hub.workbench.services import title_from_words
from routing.pipeline import chat
from routing.pipeline.call_log import CallLog
from routing.pipeline.errors import ApiError
from workspaces.access import Actor

logger = logging.getLogger(__name__)

TITLE_TIMEOUT_S = 20.0
EXCHANGE_CHARS = 2000  # of the question and of the answer, enough to name a chat
TITLE_MAX_CHARS = 80
QUOTES_AND_MARKUP = "\"'\u201c\u201d\u2018\u2019*# "  # straight and curly quotes, bold, headings
INSTRUCTION = (
    "Write a title of at most six words for the chat that starts with the exchange below. "
    "Reply with the title alone: no quotes, no full stop at the end."
)


@dataclass(frozen=True)
class TitleRequest:
    conversation_id: int
    words_title: str  # the title it has now; a rename in the meantime wins
    body: dict[str, Any]


async def conversation_title_write(*, actor: Actor, conversation_id: int) -> dict[str, Any] | None:
    """The ``title`` event for the page once a model has named the chat, or None (no title
    model, not the first answer, renamed by the user, or the call failed)."""
    request = await database_sync_to_async(title_request)(
        actor=actor, conversation_id=conversation_id
    )
    if request is None:
        return None
    logs: list[CallLog] = []
    try:
        completion = await asyncio.wait_for(
            chat(actor=actor, body=request.body, source=UsageSource.CHAT, on_log=logs.append),
            TITLE_TIMEOUT_S,
        )
    except (ApiError, TimeoutError) as failure:
        logger.info("chat %s keeps its first words as title: %s", conversation_id, failure)
        return None
    title = title_clean(_text_of(completion))
    if not title:
        return None
    cost = logs[0].cost_usd if logs else Decimal(0)
    total = await database_sync_to_async(title_save)(request=request, title=title, cost=cost)
    if total is None:
        return None
    return {
        "type": "title",
        "conversation_id": conversation_id,
        "title": title,
        "total_cost_usd": f"{total:f}",
    }


def title_request(*, actor: Actor, conversation_id: int) -> TitleRequest | None:
    """The call that names the chat, when it is due: a title model is set, the chat has one
    finished answer and still carries the first words of its first message."""
    title_model = selectors.chat_settings_for(workspace=actor.workspace).title_model
    if not title_model:
        return None
    conversation = selectors.conversation_get(actor=actor, conversation_id=conversation_id)
    turns = list(conversation.messages.order_by("id")[:3])
    if (
        len(turns) != 2
        or turns[0].role != MessageRole.USER
        or turns[1].status != GenerationStatus.COMPLETE
        or conversation.title != title_from_words(turns[0].content)
    ):
        return None
    exchange = (
        f"User: {turns[0].content[:EXCHANGE_CHARS]}\n\n"
        f"Assistant: {turns[1].content[:EXCHANGE_CHARS]}"
    )
    body = {
        "model": title_model,
        "messages": [
            {"role": "system", "content": INSTRUCTION},
            {"role": "user", "content": exchange},
        ],
        "max_tokens": 24,
        "temperature": 0.2,
    }
    return TitleRequest(conversation.pk, conversation.title, body)


def title_save(*, request: TitleRequest, title: str, cost: Decimal) -> Decimal | None:
    """Saves the title unless the user renamed the chat meanwhile; the chat's new total."""
    with transaction.atomic():
        updated = Conversation.objects.filter(
            pk=request.conversation_id, title=request.words_title
        ).update(title=title, total_cost_usd=F("total_cost_usd") + cost)
        if not updated:
            return None
        return Conversation.objects.values_list("total_cost_usd", flat=True).get(
            pk=request.conversation_id
        )


def title_clean(text: str) -> str:
    """The model's first line, without quotes, a "Title:" lead or a final full stop."""
    line = next((part.strip() for part in text.splitlines() if part.strip()), "")
    if line.lower().startswith("title:"):
        line = line[len("title:") :].strip()
    line = line.strip(QUOTES_AND_MARKUP).rstrip(".").strip()
    return line[:TITLE_MAX_CHARS]


def _text_of(completion: dict[str, Any]) -> str:
    choices = completion.get("choices") or [{}]
    return str((choices[0].get("message") or {}).get("content") or "")
