"""The hub's own conversation file: the whole message tree with what answered and what it
cost, so an export imports back (here or in another hub) as the same conversation.

``{"format": "provider-hub.conversations", "version": 1, "exported_at": ...,
  "conversations": [{"id", "title", "model", "system_prompt", "params", "created_at",
  "updated_at", "current_message", "messages": [{"id", "parent", "role", "content",
  "model", "status", "created_at", and what answered and what it cost as
  hub.workbench.results.GenerationResult writes it: "provider_slug", "upstream_model",
  "input_tokens", "output_tokens", "cost_usd", "latency_ms", "ttft_ms", "tokens_per_second",
  "route_reason", "request_id", "answered_by"}]}]}``

A conversation's ``id`` is ``<source>:<id there>``: ``hub:…`` for one started here,
``chatgpt:…`` / ``claude:…`` for one imported, so re-importing it anywhere is recognised.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from hub.workbench.models import (
    Conversation,
    GenerationStatus,
    ImportedConversation,
    ImportSource,
    Message,
)
from hub.workbench.portability.parsed import (
    MAX_CONTENT,
    MAX_MESSAGES,
    ConversationSkipped,
    ParsedConversation,
    ParsedMessage,
    parents_first,
    text_or_empty,
    time_from_iso,
)
from hub.workbench.results import GenerationResult

FORMAT = "provider-hub.conversations"
FORMAT_VERSION = 1
RESTORED_STATUSES = {GenerationStatus.COMPLETE, GenerationStatus.ERROR, GenerationStatus.CANCELLED}


def looks_like(data: Any) -> bool:
    return isinstance(data, dict) and data.get("format") == FORMAT


def conversation_key(conversation: Conversation) -> str:
    """Stable across exports: the import origin if it has one, else its id and birth time."""
    try:
        origin = conversation.import_origin
    except ImportedConversation.DoesNotExist:
        stamp = int(conversation.created_at.timestamp() * 1_000_000)
        return f"hub:{conversation.pk}-{stamp}"
    return f"{origin.source}:{origin.external_id}"


def conversations_export(conversations: list[Conversation]) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "exported_at": timezone.now().isoformat(),
        "conversations": [_conversation_json(c) for c in conversations],
    }


def _conversation_json(conversation: Conversation) -> dict[str, Any]:
    return {
        "id": conversation_key(conversation),
        "title": conversation.title,
        "model": conversation.model,
        "system_prompt": conversation.system_prompt,
        "params": conversation.params,
        "created_at": conversation.created_at.isoformat(),
        "updated_at": conversation.updated_at.isoformat(),
        "current_message": conversation.active_leaf_id,
        "messages": [_message_json(m) for m in conversation.messages.order_by("id")],
    }


def _message_json(message: Message) -> dict[str, Any]:
    return {
        "id": message.pk,
        "parent": message.parent_id,
        "role": message.role,
        "content": message.content,
        "model": message.model,
        "status": message.status,
        "created_at": message.created_at.isoformat(),
        **GenerationResult.of_message(message).to_json(),
    }


def conversation_parse(item: Any) -> ParsedConversation:
    if not isinstance(item, dict) or not isinstance(item.get("messages"), list):
        raise ConversationSkipped("it has no “messages” list")
    raw_messages: list[Any] = item["messages"]
    if len(raw_messages) > MAX_MESSAGES:
        raise ConversationSkipped(f"more than {MAX_MESSAGES} messages")
    messages: dict[str, ParsedMessage] = {}
    for raw in raw_messages:
        message = _message_parse(raw)
        if message is not None:
            messages.setdefault(message.key, message)  # a repeated id: the first one counts
    source, external_id = _origin_of(item.get("id"))
    if not external_id:
        raise ConversationSkipped("it has no “id”")
    params = item.get("params")
    return ParsedConversation(
        source=source,
        external_id=external_id,
        title=text_or_empty(item.get("title")).strip() or "Imported chat",
        messages=parents_first(list(messages.values())),
        current_key=_key(item.get("current_message")),
        model=text_or_empty(item.get("model"))[:300],
        system_prompt=text_or_empty(item.get("system_prompt"))[:MAX_CONTENT],
        params=params if isinstance(params, dict) else {},
        created_at=time_from_iso(item.get("created_at")),
        updated_at=time_from_iso(item.get("updated_at")),
    )


def _key(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    return str(value)


def _origin_of(value: Any) -> tuple[str, str]:
    text = text_or_empty(value).strip()[:250]
    source, _, rest = text.partition(":")
    if source in ImportSource.values and rest:
        return source, rest[:200]
    return ImportSource.HUB, text[:200]


def _message_parse(raw: Any) -> ParsedMessage | None:
    if not isinstance(raw, dict):
        return None
    key, role = _key(raw.get("id")), raw.get("role")
    content = text_or_empty(raw.get("content"))
    if key is None or role not in ("user", "assistant") or not content.strip():
        return None
    status = raw.get("status")
    return ParsedMessage(
        key=key,
        parent_key=_key(raw.get("parent")),
        role=role,
        content=content[:MAX_CONTENT],
        model=text_or_empty(raw.get("model"))[:300],
        created_at=time_from_iso(raw.get("created_at")),
        extra={
            **GenerationResult.from_json(raw).message_fields(),
            "status": status if status in RESTORED_STATUSES else GenerationStatus.COMPLETE,
        },
    )
