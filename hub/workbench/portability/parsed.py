"""What every reader turns its format into: a conversation as a tree of messages keyed by the
source's own ids, ready for ``hub.workbench.portability.importing`` to write."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

MAX_MESSAGES = 20_000
MAX_CONTENT = 1_000_000


class ConversationSkipped(Exception):
    """One conversation of a file cannot be imported; the others still are."""


@dataclass
class ParsedMessage:
    key: str
    parent_key: str | None
    role: str  # "user" or "assistant"
    content: str
    model: str = ""
    created_at: datetime | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # Message fields a hub export restores


@dataclass
class ParsedConversation:
    """``messages`` are in an order where each parent comes before its children;
    ``current_key`` names the branch to show (None: the last message)."""

    source: str
    external_id: str
    title: str
    messages: list[ParsedMessage]
    current_key: str | None = None
    model: str = ""
    system_prompt: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    created_at: datetime | None = None
    updated_at: datetime | None = None


def text_or_empty(value: Any) -> str:
    return value if isinstance(value, str) else ""


def time_from_epoch(value: Any) -> datetime | None:
    """ChatGPT's float seconds; None for anything else."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return datetime.fromtimestamp(value, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def time_from_iso(value: Any) -> datetime | None:
    """Claude's and the hub's ISO 8601 strings; None for anything else."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


FLOOR = datetime.min.replace(tzinfo=UTC)


def newest_key(messages: list[ParsedMessage]) -> str | None:
    """The message written last (the last listed on a tie): whose branch to show when the
    export does not say."""
    if not messages:
        return None
    return max(enumerate(messages), key=lambda p: (p[1].created_at or FLOOR, p[0]))[1].key


def parents_first(messages: list[ParsedMessage]) -> list[ParsedMessage]:
    """``messages`` reordered so that every parent precedes its children, siblings by time;
    a parent key that names no message (or a cycle) makes the message a root."""
    by_key = {m.key: m for m in messages}
    depth: dict[str, int] = {}

    def depth_of(message: ParsedMessage) -> int:
        chain: list[ParsedMessage] = []  # message, its parent, grandparent… until known
        in_chain: set[str] = set()
        node: ParsedMessage | None = message
        while node is not None and node.key not in depth:
            if node.key in in_chain:  # a cycle: the topmost message becomes a root
                chain[-1].parent_key = None
                node = None
                break
            chain.append(node)
            in_chain.add(node.key)
            node = by_key.get(node.parent_key) if node.parent_key else None
        base = depth[node.key] + 1 if node is not None else 0
        for offset, item in enumerate(reversed(chain)):
            if item.parent_key not in by_key:
                item.parent_key = None
            depth[item.key] = base + offset
        return depth[message.key]

    order = {m.key: n for n, m in enumerate(messages)}
    return sorted(messages, key=lambda m: (depth_of(m), m.created_at or FLOOR, order[m.key]))
