"""ChatGPT import: branches as a tree, current_node, model_slug, hidden and tool nodes left out."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from hub.workbench.models import Conversation, ImportedConversation, Message
from hub.workbench.portability.importing import conversations_import
from hub.workbench.selectors import message_path
from tests import factories
from tests.hub.workbench.portability.helpers import fixture_bytes, tree

pytestmark = pytest.mark.django_db

MOON = "Mostly the Moon's gravity pulling on the oceans."
SUN = "Because the Moon and the Sun pull on the water."
TWICE = "About twice a day, roughly every 12 hours and 25 minutes."


@pytest.fixture
def imported(workspace):
    result = conversations_import(
        actor=factories.owner_actor(workspace), raw=fixture_bytes("chatgpt_conversations.json")
    )
    assert result.source_label == "ChatGPT"
    return result


def test_branches_become_the_parent_tree_without_system_tool_or_empty_nodes(imported):
    conversation = Conversation.objects.get(title="Tide tables")
    assert tree(conversation) == {
        "Why do tides happen?": None,
        MOON: "Why do tides happen?",
        SUN: "Why do tides happen?",
        "How often do they come in?": MOON,
        TWICE: "How often do they come in?",
        "And spring tides?": SUN,
    }
    contents = " ".join(conversation.messages.values_list("content", flat=True))
    assert "search(" not in contents and "sailor" not in contents


def test_current_node_is_the_active_branch_even_when_another_is_newer(imported):
    conversation = Conversation.objects.get(title="Tide tables")
    assert conversation.active_leaf.content == TWICE
    path = [m.content for m in message_path(conversation.active_leaf)]
    assert path == ["Why do tides happen?", MOON, "How often do they come in?", TWICE]


def test_models_come_from_the_metadata(imported):
    conversation = Conversation.objects.get(title="Tide tables")
    assert conversation.model == "gpt-4o"
    by_text = dict(conversation.messages.values_list("content", "model"))
    assert by_text[MOON] == "gpt-4o" and by_text[SUN] == "gpt-4o-mini"
    assert by_text["Why do tides happen?"] == ""


def test_times_are_kept(imported):
    conversation = Conversation.objects.get(title="Tide tables")
    first = conversation.messages.get(content="Why do tides happen?")
    assert first.created_at == datetime.fromtimestamp(1714557601.0, tz=UTC)
    assert conversation.created_at == datetime.fromtimestamp(1714557600.123456, tz=UTC)


def test_images_become_a_placeholder_and_reasoning_recaps_are_left_out(imported):
    conversation = Conversation.objects.get(title="What is in this photo")
    assert tree(conversation) == {
        "[image]\nWhat is in this picture?": None,
        "A cat asleep on a windowsill.": "[image]\nWhat is in this picture?",
    }
    assert conversation.model == "o3"


def test_the_summary_counts_what_was_imported(imported):
    assert [(i.title, i.message_count) for i in imported.imported] == [
        ("Tide tables", 6),
        ("What is in this photo", 2),
    ]
    assert imported.already_present == 0 and imported.problems == []


def test_importing_the_same_file_again_adds_nothing(imported, workspace):
    again = conversations_import(
        actor=factories.owner_actor(workspace), raw=fixture_bytes("chatgpt_conversations.json")
    )
    assert again.imported == [] and again.already_present == 2
    assert Conversation.objects.count() == 2 and Message.objects.count() == 8


def test_another_member_gets_their_own_copy(imported, workspace):
    member = factories.add_member(workspace, "member")
    result = conversations_import(
        actor=factories.actor_for(member, workspace),
        raw=fixture_bytes("chatgpt_conversations.json"),
    )
    assert len(result.imported) == 2
    assert Conversation.objects.filter(user=member).count() == 2


def test_deleting_an_imported_conversation_allows_importing_it_again(imported, workspace):
    from hub.workbench.services import conversation_delete

    conversation_delete(conversation=Conversation.objects.get(title="Tide tables"))
    assert ImportedConversation.objects.count() == 1
    again = conversations_import(
        actor=factories.owner_actor(workspace), raw=fixture_bytes("chatgpt_conversations.json")
    )
    assert [i.title for i in again.imported] == ["Tide tables"]


def test_a_broken_conversation_is_reported_and_the_rest_imported(workspace):
    data = json.loads(fixture_bytes("chatgpt_conversations.json"))
    data.insert(1, {"title": "Broken", "mapping": "not an object"})
    system_only = {
        "s": {
            "message": {
                "author": {"role": "system"},
                "content": {"content_type": "text", "parts": ["hi"]},
            }
        }
    }
    data.append({"title": "Only a system node", "id": "x", "mapping": system_only})
    result = conversations_import(
        actor=factories.owner_actor(workspace), raw=json.dumps(data).encode()
    )
    assert len(result.imported) == 2
    assert result.problems == [
        "Conversation 2 was skipped: it has no “mapping” object of messages.",
        "“Only a system node” was skipped: it has no messages with text.",
    ]


def test_a_current_node_that_is_missing_falls_back_to_the_newest_branch(workspace):
    data = json.loads(fixture_bytes("chatgpt_conversations.json"))[:1]
    data[0]["current_node"] = "no-such-node"
    conversations_import(actor=factories.owner_actor(workspace), raw=json.dumps(data).encode())
    assert Conversation.objects.get().active_leaf.content == "And spring tides?"


def test_cycles_and_dangling_parents_do_not_hang_or_fail(workspace):
    def node(parent, text):
        return {
            "parent": parent,
            "message": {"author": {"role": "user"}, "content": {"parts": [text]}},
        }

    data = [
        {
            "id": "loop",
            "title": "Loop",
            "current_node": "a",
            "mapping": {"a": node("b", "A"), "b": node("a", "B"), "c": node("gone", "C")},
        }
    ]
    result = conversations_import(
        actor=factories.owner_actor(workspace), raw=json.dumps(data).encode()
    )
    assert result.imported[0].message_count == 3
    shape = tree(Conversation.objects.get())
    assert shape["C"] is None and (shape["A"], shape["B"]) in (("B", None), (None, "A"))
