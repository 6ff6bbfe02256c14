"""The hub's own conversation file round-trips through import, once."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from hub.workbench.models import Conversation, GenerationStatus, ImportedConversation
from hub.workbench.portability.hub_format import FORMAT, conversation_key, conversations_export
from hub.workbench.portability.importing import conversations_import
from hub.workbench.results import GenerationResult
from hub.workbench.selectors import message_path
from tests import factories
from tests.hub.workbench.portability.factories import add_branch, make_conversation
from tests.hub.workbench.portability.helpers import fixture_bytes, tree

pytestmark = pytest.mark.django_db


def exported(*conversations: Conversation) -> bytes:
    return json.dumps(conversations_export(list(conversations))).encode()


@pytest.fixture
def branched(workspace):
    conversation = make_conversation(
        workspace,
        system_prompt="Be brief.",
        params={"temperature": 0.3, "max_tokens": 200},
        turns=[("user", "Why are there tides?"), ("assistant", "The moon."), ("user", "More?")],
    )
    first = conversation.messages.order_by("id").first()
    add_branch(conversation, under=first, turns=[("assistant", "Gravity.")])
    return conversation


def test_export_holds_the_whole_tree_and_the_shown_branch(branched):
    data = json.loads(exported(branched))
    assert data["format"] == FORMAT
    item = data["conversations"][0]
    assert item["id"] == conversation_key(branched) and item["id"].startswith("hub:")
    assert item["current_message"] == branched.active_leaf_id
    assert len(item["messages"]) == 4 and item["params"] == {"temperature": 0.3, "max_tokens": 200}
    answer = next(m for m in item["messages"] if m["content"] == "The moon.")
    assert answer["model"] == "sim/echo" and answer["cost_usd"] == "0.00012000"


def test_round_trip_recreates_the_conversation(branched, other_workspace):
    owner = other_workspace.memberships.get(role="owner").user
    result = conversations_import(
        actor=factories.actor_for(owner, other_workspace), raw=exported(branched)
    )
    assert result.source_label == "Provider Hub" and len(result.imported) == 1
    copy = Conversation.objects.get(workspace=other_workspace)
    assert tree(copy) == tree(branched)
    assert [m.content for m in message_path(copy.active_leaf)] == [
        m.content for m in message_path(branched.active_leaf)
    ]
    assert (copy.title, copy.model, copy.system_prompt, copy.params) == (
        branched.title,
        branched.model,
        branched.system_prompt,
        branched.params,
    )
    assert copy.total_cost_usd == Decimal("0.00012")
    moon = copy.messages.get(content="The moon.")
    assert (moon.input_tokens, moon.output_tokens, moon.status) == (12, 3, "complete")
    original = branched.messages.get(content="The moon.")
    assert GenerationResult.of_message(moon) == GenerationResult.of_message(original)
    assert copy.created_at == branched.created_at


def test_reimporting_an_export_adds_nothing_even_after_exporting_the_copy(branched, workspace):
    actor = factories.owner_actor(workspace)
    first = conversations_import(actor=actor, raw=exported(branched))
    copy = Conversation.objects.get(pk=first.imported[0].conversation_id)
    assert conversation_key(copy) == conversation_key(branched)
    assert conversations_import(actor=actor, raw=exported(branched)).already_present == 1
    assert conversations_import(actor=actor, raw=exported(copy)).already_present == 1
    assert Conversation.objects.filter(workspace=workspace).count() == 2


def test_a_chatgpt_import_exported_again_is_recognised_as_the_same(workspace):
    actor = factories.owner_actor(workspace)
    conversations_import(actor=actor, raw=fixture_bytes("chatgpt_conversations.json"))
    tides = Conversation.objects.get(title="Tide tables")
    assert conversation_key(tides) == "chatgpt:6632a1f0-0000-4000-8000-00000000c0de"
    again = conversations_import(actor=actor, raw=exported(tides))
    assert again.already_present == 1 and ImportedConversation.objects.count() == 2


def test_hostile_values_are_cleaned_not_trusted(workspace):
    item = {
        "id": "hub:evil",
        "title": "x" * 500,
        "params": {"temperature": 99, "api_key": "sk-nope"},
        "messages": [
            {"id": 1, "role": "system", "content": "hidden"},
            {"id": 2, "role": "user", "content": "hi", "cost_usd": "NaN", "input_tokens": -5},
            {
                "id": 3,
                "parent": 2,
                "role": "assistant",
                "content": "yo",
                "status": "streaming",
                "cost_usd": "1e30",
                "output_tokens": True,
            },
            {"id": 3, "parent": 2, "role": "assistant", "content": "duplicate id"},
        ],
    }
    raw = json.dumps({"format": FORMAT, "conversations": [item]}).encode()
    result = conversations_import(actor=factories.owner_actor(workspace), raw=raw)
    conversation = Conversation.objects.get(pk=result.imported[0].conversation_id)
    assert len(conversation.title) == 200 and conversation.params == {}
    assert tree(conversation) == {"hi": None, "yo": "hi"}
    reply = conversation.messages.get(content="yo")
    assert reply.status == GenerationStatus.COMPLETE and reply.cost_usd == 0
    assert reply.output_tokens == 0 and conversation.messages.get(content="hi").input_tokens == 0
