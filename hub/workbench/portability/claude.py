"""Claude's ``conversations.json``: a list of ``{uuid, name, chat_messages: [{uuid, sender,
text | content: [{type: "text", text}], created_at}]}``.

Messages follow each other in the list; when they carry ``parent_message_uuid`` (newer
exports, where edits branch) that parent is used instead. Only ``human`` and
``assistant`` messages with text are kept; tool use and attachments are left out.
"""

from __future__ import annotations

import hashlib
from typing import Any

from hub.workbench.portability.parsed import (
    MAX_CONTENT,
    MAX_MESSAGES,
    ConversationSkipped,
    ParsedConversation,
    ParsedMessage,
    newest_key,
    parents_first,
    text_or_empty,
    time_from_iso,
)

ROLES = {"human": "user", "user": "user", "assistant": "assistant"}
ROOT_PARENT = "00000000-0000-4000-8000-000000000000"


def looks_like(item: Any) -> bool:
    return isinstance(item, dict) and isinstance(item.get("chat_messages"), list)


def conversation_parse(item: Any) -> ParsedConversation:
    if not looks_like(item):
        raise ConversationSkipped("it has no “chat_messages” list")
    raw_messages: list[Any] = item["chat_messages"]
    if len(raw_messages) > MAX_MESSAGES:
        raise ConversationSkipped(f"more than {MAX_MESSAGES} messages")
    messages: list[ParsedMessage] = []
    # Where a left-out message's children attach instead: its own resolved parent.
    resolved: dict[str, str | None] = {}
    previous: str | None = None
    for position, raw in enumerate(raw_messages):
        if not isinstance(raw, dict):
            continue
        key = text_or_empty(raw.get("uuid")) or f"#{position}"
        if key in resolved:  # a repeated uuid must not merge two messages
            key = f"{key}#{position}"
        parent = _parent_of(raw, previous, resolved)
        role = ROLES.get(text_or_empty(raw.get("sender")))
        text = _text_of(raw).strip()
        if role is None or not text:
            resolved[key] = parent
            continue
        resolved[key] = key
        messages.append(
            ParsedMessage(
                key=key,
                parent_key=parent,
                role=role,
                content=text[:MAX_CONTENT],
                created_at=time_from_iso(raw.get("created_at")),
            )
        )
        previous = key
    ordered = parents_first(messages)
    title = text_or_empty(item.get("name")).strip() or "Imported Claude chat"
    return ParsedConversation(
        source="claude",
        external_id=_external_id(item, title),
        title=title,
        messages=ordered,
        current_key=newest_key(messages),
        model=text_or_empty(item.get("model"))[:300],
        created_at=time_from_iso(item.get("created_at")),
        updated_at=time_from_iso(item.get("updated_at")),
    )


def _parent_of(
    raw: dict[str, Any], previous: str | None, resolved: dict[str, str | None]
) -> str | None:
    parent = raw.get("parent_message_uuid")
    if not isinstance(parent, str) or not parent:
        return previous
    if parent == ROOT_PARENT:
        return None
    return resolved.get(parent, previous)


def _text_of(raw: dict[str, Any]) -> str:
    content = raw.get("content")
    if isinstance(content, list):
        texts = [
            block["text"]
            for block in content
            if isinstance(block, dict)
            and block.get("type") == "text"
            and isinstance(block.get("text"), str)
        ]
        if any(t.strip() for t in texts):
            return "\n\n".join(t for t in texts if t.strip())
    return text_or_empty(raw.get("text"))


def _external_id(item: dict[str, Any], title: str) -> str:
    uuid = text_or_empty(item.get("uuid"))
    if uuid:
        return uuid[:200]
    first = item["chat_messages"][0] if item["chat_messages"] else {}
    first_id = first.get("uuid") if isinstance(first, dict) else None
    basis = f"{title}|{item.get('created_at')}|{first_id}"
    return "sha256:" + hashlib.sha256(basis.encode()).hexdigest()
