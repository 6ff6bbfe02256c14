"""A conversation as Markdown, for reading and pasting elsewhere: the branch on screen only
(the JSON export keeps the whole tree)."""

from __future__ import annotations

from hub.workbench.models import Conversation, GenerationStatus, Message, MessageRole
from hub.workbench.selectors import message_path


def active_branch(conversation: Conversation) -> list[Message]:
    """The messages of the branch shown, root first; the newest message's branch when no
    branch was chosen yet."""
    leaf = conversation.active_leaf or conversation.messages.order_by("-id").first()
    return message_path(leaf) if leaf is not None else []


def conversation_markdown(conversation: Conversation) -> str:
    branch = active_branch(conversation)
    lines = [f"# {_one_line(conversation.title)}", ""]
    facts = [f"Exported from Provider Hub on {conversation.updated_at:%Y-%m-%d}"]
    if conversation.model:
        facts.insert(0, f"Model: `{conversation.model}`")
    lines += [" · ".join(facts), ""]
    if conversation.system_prompt.strip():
        lines += ["## System", "", conversation.system_prompt.strip(), ""]
    for message in branch:
        if not message.content.strip():
            continue
        lines += [f"## {_heading(message)}", "", message.content.strip(), ""]
    others = conversation.messages.count() - len(branch)
    if others > 0:
        lines += [
            "---",
            "",
            f"*{others} message{'s' if others != 1 else ''} on other branches left out; "
            "the JSON export keeps them.*",
            "",
        ]
    return "\n".join(lines)


def _heading(message: Message) -> str:
    if message.role == MessageRole.USER:
        return "User"
    heading = "Assistant"
    if message.model:
        heading += f" · `{message.model}`"
    if message.status == GenerationStatus.ERROR:
        heading += " (failed)"
    return heading


def _one_line(text: str) -> str:
    return " ".join(text.split()) or "Untitled chat"
