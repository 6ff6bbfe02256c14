"""ChatGPT's ``conversations.json``: a list of conversations, each a ``mapping`` of node id to
``{message, parent, children}``, with ``current_node`` naming the branch last shown.

Kept: user and assistant messages with text. Left out (their children move up to the
nearest kept ancestor): the empty root, system and tool messages, hidden ones (custom
instructions, memory context), tool calls (an assistant message to a recipient other than
``all``), reasoning summaries, and messages with no text.
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
    parents_first,
    text_or_empty,
    time_from_epoch,
)

ROLES = {"user": "user", "assistant": "assistant"}
SKIPPED_CONTENT = {
    "user_editable_context",
    "model_editable_context",
    "thoughts",
    "reasoning_recap",
    "system_error",
}


def looks_like(item: Any) -> bool:
    return isinstance(item, dict) and isinstance(item.get("mapping"), dict)


def conversation_parse(item: Any) -> ParsedConversation:
    if not looks_like(item):
        raise ConversationSkipped("it has no “mapping” object of messages")
    mapping: dict[str, Any] = item["mapping"]
    if len(mapping) > MAX_MESSAGES:
        raise ConversationSkipped(f"more than {MAX_MESSAGES} messages")
    parents: dict[str, str | None] = {}
    kept: dict[str, ParsedMessage] = {}
    for node_id, node in mapping.items():
        if not isinstance(node, dict):
            continue
        parent = node.get("parent")
        parents[str(node_id)] = str(parent) if isinstance(parent, str | int) else None
        message = _message_parse(str(node_id), node.get("message"))
        if message is not None:
            kept[message.key] = message

    def kept_ancestor(node_id: str | None) -> str | None:
        """``node_id`` itself when kept, else its nearest kept ancestor."""
        seen: set[str] = set()
        while node_id is not None and node_id not in kept and node_id not in seen:
            seen.add(node_id)
            node_id = parents.get(node_id)
        return node_id if node_id in kept else None

    for message in kept.values():
        message.parent_key = kept_ancestor(parents.get(message.key))
    messages = parents_first(list(kept.values()))
    current_key = kept_ancestor(_text_id(item.get("current_node")))
    title = text_or_empty(item.get("title")).strip() or "Imported ChatGPT chat"
    return ParsedConversation(
        source="chatgpt",
        external_id=_external_id(item, title),
        title=title,
        messages=messages,
        current_key=current_key,
        model=_model_of(kept, current_key, messages)
        or text_or_empty(item.get("default_model_slug")),
        created_at=time_from_epoch(item.get("create_time")),
        updated_at=time_from_epoch(item.get("update_time")),
    )


def _message_parse(node_id: str, message: Any) -> ParsedMessage | None:
    if not isinstance(message, dict):
        return None
    author, metadata = _object(message.get("author")), _object(message.get("metadata"))
    content = _object(message.get("content"))
    role = ROLES.get(text_or_empty(author.get("role")))
    if (
        role is None
        or metadata.get("is_visually_hidden_from_conversation")
        or content.get("content_type") in SKIPPED_CONTENT
        or message.get("recipient") not in (None, "all")
    ):
        return None
    text = _text_of(content).strip()
    if not text:
        return None
    return ParsedMessage(
        key=node_id,
        parent_key=None,
        role=role,
        content=text[:MAX_CONTENT],
        model=text_or_empty(metadata.get("model_slug"))[:300] if role == "assistant" else "",
        created_at=time_from_epoch(message.get("create_time")),
    )


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text_of(content: dict[str, Any]) -> str:
    """Text parts joined; images and files become a short placeholder."""
    parts = content.get("parts")
    if isinstance(parts, list):
        pieces = []
        for part in parts:
            if isinstance(part, str):
                pieces.append(part)
            elif isinstance(part, dict):
                kind = text_or_empty(part.get("content_type"))
                if "image" in kind:
                    pieces.append("[image]")
                elif isinstance(part.get("text"), str):
                    pieces.append(part["text"])
        return "\n".join(p for p in pieces if p)
    return text_or_empty(content.get("text"))


def _text_id(value: Any) -> str | None:
    return str(value) if isinstance(value, str | int) and not isinstance(value, bool) else None


def _model_of(
    kept: dict[str, ParsedMessage], current_key: str | None, messages: list[ParsedMessage]
) -> str:
    """The model of the last assistant answer on the shown branch."""
    node = kept.get(current_key) if current_key else (messages[-1] if messages else None)
    while node is not None:
        if node.role == "assistant" and node.model:
            return node.model
        node = kept.get(node.parent_key) if node.parent_key else None
    return ""


def _external_id(item: dict[str, Any], title: str) -> str:
    """The export's conversation id; older exports without one get a digest of what
    identifies the conversation there (title, creation time, node ids)."""
    for key in ("conversation_id", "id"):
        value = _text_id(item.get(key))
        if value:
            return value[:200]
    basis = "|".join([title, str(item.get("create_time")), *sorted(map(str, item["mapping"]))])
    return "sha256:" + hashlib.sha256(basis.encode()).hexdigest()
