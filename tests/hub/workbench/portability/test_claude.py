"""Claude import: text blocks, linear chats, branches from parent_message_uuid, empty chats."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from hub.workbench.models import Conversation
from hub.workbench.portability.importing import conversations_import
from tests import factories
from tests.hub.workbench.portability.helpers import fixture_bytes, tree

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(workspace):
    return conversations_import(
        actor=factories.owner_actor(workspace), raw=fixture_bytes("claude_conversations.json")
    )


def test_a_linear_chat_joins_text_blocks_and_leaves_tool_use_out(imported):
    assert imported.source_label == "Claude"
    conversation = Conversation.objects.get(title="Sourdough starter")
    answer = "Mix equal weights of flour and water.\n\nFeed it daily."
    assert tree(conversation) == {
        "How do I start a sourdough starter?": None,
        answer: "How do I start a sourdough starter?",
        "How long until I can bake?": answer,
        "About a week, once it doubles reliably.": "How long until I can bake?",
    }
    assert conversation.active_leaf.content == "About a week, once it doubles reliably."
    assert list(conversation.messages.values_list("role", flat=True)) == [
        "user",
        "assistant",
        "user",
        "assistant",
    ]
    assert conversation.created_at == datetime(2024, 5, 1, 10, 0, tzinfo=UTC)


def test_parent_message_uuid_makes_branches_and_the_newest_is_shown(imported):
    conversation = Conversation.objects.get(title="Haiku")
    assert tree(conversation) == {
        "Write a haiku about rain.": None,
        "Soft rain on the roof / ...": "Write a haiku about rain.",
        "Grey clouds gather close / ...": "Write a haiku about rain.",
    }
    assert conversation.active_leaf.content == "Grey clouds gather close / ..."


def test_an_empty_chat_is_reported_not_imported(imported):
    assert [i.title for i in imported.imported] == ["Sourdough starter", "Haiku"]
    assert imported.problems == [
        "“Imported Claude chat” was skipped: it has no messages with text."
    ]


def test_reimport_adds_nothing(imported, workspace):
    again = conversations_import(
        actor=factories.owner_actor(workspace), raw=fixture_bytes("claude_conversations.json")
    )
    assert again.imported == [] and again.already_present == 2
    assert Conversation.objects.count() == 2
