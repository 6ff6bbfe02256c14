"""An agent's instructions: its own text, or the prompt-library version it names (the
version's system prompt, then its body)."""

from __future__ import annotations

from asgiref.sync import sync_to_async

from agents.models import Agent


def instructions_text(agent: Agent) -> str:
    version = agent.instructions_version
    if version is None:
        return agent.instructions.strip()
    parts = [str(getattr(version, "system_prompt", "")), str(getattr(version, "body", ""))]
    return "\n\n".join(part.strip() for part in parts if part.strip())


async def instructions_of(agent: Agent) -> str:
    return await sync_to_async(instructions_text)(agent)
