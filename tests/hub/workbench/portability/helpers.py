"""Shared bits of the portability tests: the fixture files and a tree reader."""

from __future__ import annotations

from pathlib import Path

from hub.workbench.models import Conversation

FILES = Path(__file__).parent / "files"


def fixture_bytes(name: str) -> bytes:
    return (FILES / name).read_bytes()


def tree(conversation: Conversation) -> dict[str, str | None]:
    """Each message's text mapped to its parent's text: the shape of the tree."""
    messages = {m.pk: m for m in conversation.messages.all()}
    return {
        m.content: messages[m.parent_id].content if m.parent_id else None for m in messages.values()
    }
