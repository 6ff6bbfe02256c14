"""Prompt templates for tests, made through the services as users make them."""

from __future__ import annotations

import itertools
from typing import Any

from hub.prompts.models import PromptTemplate
from hub.prompts.services import prompt_create, prompt_version_add
from tests import factories
from workspaces.models import Workspace

_counter = itertools.count(1)


def make_prompt(
    workspace: Workspace, *, name: str | None = None, versions: int = 1, **fields: Any
) -> PromptTemplate:
    """A template with ``versions`` versions whose bodies say which version they are."""
    actor = factories.owner_actor(workspace)
    fields.setdefault("body", "Summarise {{topic}} in one line.")
    template = prompt_create(actor=actor, name=name or f"Prompt {next(_counter)}", **fields)
    for number in range(2, versions + 1):
        prompt_version_add(
            actor=actor, template=template, body=f"Version {number}: explain {{{{topic}}}}."
        )
    return template
