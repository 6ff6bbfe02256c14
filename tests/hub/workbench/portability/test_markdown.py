"""Markdown export: the shown branch, readable, with a note about the others."""

from __future__ import annotations

import pytest

from hub.workbench.portability.markdown import conversation_markdown
from tests.hub.workbench.portability.factories import add_branch, make_conversation

pytestmark = pytest.mark.django_db


def test_markdown_has_title_model_system_and_the_shown_branch_in_order(workspace):
    conversation = make_conversation(
        workspace,
        title="Tides\nand moons",
        system_prompt="Be brief.",
        turns=[("user", "Why tides?"), ("assistant", "The moon."), ("user", "Thanks")],
    )
    text = conversation_markdown(conversation)
    assert text.startswith("# Tides and moons\n\nModel: `sim/echo` · Exported from Provider Hub")
    assert "## System\n\nBe brief." in text
    assert text.index("## User\n\nWhy tides?") < text.index(
        "## Assistant · `sim/echo`\n\nThe moon."
    )
    assert text.index("The moon.") < text.index("## User\n\nThanks")
    assert "other branches" not in text


def test_other_branches_are_left_out_and_said_so(workspace):
    conversation = make_conversation(workspace)
    root = conversation.messages.order_by("id").first()
    add_branch(conversation, under=root, turns=[("assistant", "The sun, partly.")])
    text = conversation_markdown(conversation)
    assert "The sun, partly." not in text and "The moon." in text
    assert "*1 message on other branches left out; the JSON export keeps them.*" in text
