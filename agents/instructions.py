"""An agent's instructions: its own text, or the prompt-library version it names (the
version's system prompt, then its body)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from agents.models import Agent


def prompt_versions() -> QuerySet[Any]:
    """The prompt library's versions, named through the agent's field: this floor may not
    import the library, which sits above it."""
    return Agent._meta.get_field("instructions_version").related_model._default_manager.all()


def instructions_text(agent: Agent) -> str:
    version = agent.instructions_version
    if version is None:
        return agent.instructions.strip()
    parts = [str(getattr(version, "system_prompt", "")), str(getattr(version, "body", ""))]
    return "\n\n".join(part.strip() for part in parts if part.strip())
