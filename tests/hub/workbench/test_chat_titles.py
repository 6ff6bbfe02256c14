"""A new chat is named by the workspace's title model after its first answer, over the real
pipeline and the simulated provider; without one, or when the call fails, it keeps its first
words, and a rename by the user always wins."""

from __future__ import annotations

from decimal import Decimal

import pytest
from asgiref.sync import sync_to_async

from analytics.models import UsageRecord
from hub.workbench.chat_titles import title_clean
from hub.workbench.models import ChatSettings, Conversation
from tests import factories
from tests.hub.workbench.conftest import MODEL, events_until, generations_finished

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("generations_waited"),
]


def set_title_model(workspace, model: str) -> None:
    ChatSettings.objects.update_or_create(workspace=workspace, defaults={"title_model": model})


async def first_answer(ws, content: str, **extra) -> list[dict]:
    await ws.send_json_to(
        {"type": "send", "ref": "r1", "content": content, "model": MODEL, **extra}
    )
    return await events_until(ws, lambda event: event["type"] in ("done", "error"))


async def test_title_model_names_the_chat_after_the_first_answer(wired, socket_for):
    await sync_to_async(set_title_model)(wired, "sim/echo")
    owner = await sync_to_async(factories.owner_of)(wired)
    async with socket_for(owner, wired) as ws:
        events = await first_answer(ws, "how do breakers work")
        title_event = await ws.receive_json_from(timeout=10)
    conversation_id = events[0]["conversation"]["id"]
    # The simulator echoes, word by word, the exchange it was given; cleaned, that is the title.
    exchange = "User: how do breakers work\n\nAssistant: You said: how do breakers work"
    expected = title_clean("You said: " + " ".join(exchange.split()))
    assert expected.startswith("You said: User: how do breakers work Assistant:")
    assert title_event["type"] == "title" and title_event["title"] == expected
    assert title_event["conversation_id"] == conversation_id
    await generations_finished()
    conversation = await sync_to_async(Conversation.objects.get)(pk=conversation_id)
    assert conversation.title == expected
    records = await sync_to_async(list)(
        UsageRecord.objects.filter(workspace=wired).order_by("id").values_list("source", "cost_usd")
    )
    assert [source for source, _ in records] == ["chat", "chat"]  # the answer, then the title
    assert conversation.total_cost_usd == sum((cost for _, cost in records), Decimal(0))
    assert Decimal(title_event["total_cost_usd"]) == conversation.total_cost_usd


async def test_without_a_title_model_the_chat_keeps_its_first_words(wired, socket_for):
    owner = await sync_to_async(factories.owner_of)(wired)
    async with socket_for(owner, wired) as ws:
        events = await first_answer(ws, "plain first words")
        await generations_finished()
        assert await ws.receive_nothing(timeout=0.3)
    conversation = await sync_to_async(Conversation.objects.get)(pk=events[0]["conversation"]["id"])
    assert conversation.title == "plain first words"


async def test_a_failing_title_model_leaves_the_first_words(wired, socket_for):
    await sync_to_async(set_title_model)(wired, "sim/no-such-model")
    owner = await sync_to_async(factories.owner_of)(wired)
    async with socket_for(owner, wired) as ws:
        events = await first_answer(ws, "still my words")
        await generations_finished()
        assert await ws.receive_nothing(timeout=0.3)
    assert events[-1]["status"] == "complete"
    conversation = await sync_to_async(Conversation.objects.get)(pk=events[0]["conversation"]["id"])
    assert conversation.title == "still my words"


async def test_only_the_first_answer_names_the_chat(wired, socket_for):
    owner = await sync_to_async(factories.owner_of)(wired)
    async with socket_for(owner, wired) as ws:
        events = await first_answer(ws, "first")
        conversation_id = events[0]["conversation"]["id"]
        await sync_to_async(set_title_model)(wired, "sim/echo")
        await first_answer(
            ws, "second", conversation_id=conversation_id, parent_id=events[0]["messages"][1]["id"]
        )
        await generations_finished()
        assert await ws.receive_nothing(timeout=0.3)
    conversation = await sync_to_async(Conversation.objects.get)(pk=conversation_id)
    assert conversation.title == "first"


@pytest.mark.parametrize(
    ("reply", "title"),
    [
        ('"Circuit breakers explained."', "Circuit breakers explained"),
        ("Title: **Budget alerts**\nBecause…", "Budget alerts"),
        ("\n\n  Routing basics  ", "Routing basics"),
        ("x" * 200, "x" * 80),
        ("", ""),
    ],
)
def test_title_clean_keeps_the_title_alone(reply, title):
    assert title_clean(reply) == title
