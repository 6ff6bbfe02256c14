"""Chat and playground grounded in a collection, over the real sockets and pipeline: the
answer carries its sources, the model was given them, a chat keeps its collections, and the
playground retrieves once for every slot."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async

from hub.workbench.models import Conversation, Message, PlaygroundRun
from rag import services
from rag.services import CollectionFields
from tests import factories
from tests.hub.workbench.conftest import MODEL, events_until, is_done
from tests.rag.corpus import HANDBOOK

pytestmark = pytest.mark.usefixtures("generations_waited")


def handbook_in(workspace):
    actor = factories.owner_actor(workspace)
    collection = services.collection_create(actor=actor, fields=CollectionFields(name="Handbook"))
    services.documents_add(
        actor=actor, collection=collection, uploads=[("handbook.md", HANDBOOK.encode())]
    )
    return collection


async def test_a_grounded_answer_cites_sources_the_model_was_given(wired, socket_for):
    collection = await sync_to_async(handbook_in)(wired)
    owner = await sync_to_async(factories.owner_of)(wired)
    async with socket_for(owner, wired) as ws:
        await ws.send_json_to(
            {
                "type": "send",
                "ref": "r1",
                "content": "lost laptop",
                "model": MODEL,
                "collections": [collection.pk],
            }
        )
        started, *_, done = await events_until(ws, is_done)
        answer = started["messages"][1]
        sources = answer["sources"]
        assert (
            sources and sources[0]["document"] == "handbook.md" and "4444" in sources[0]["excerpt"]
        )
        assert (
            "Sources:" in done["text"] and "[1] handbook.md" in done["text"]
        )  # echo repeats its prompt
        conversation_id = started["conversation"]["id"]
        await ws.send_json_to(
            {
                "type": "send",
                "ref": "r2",
                "content": "and the hotel limit?",
                "model": MODEL,
                "conversation_id": conversation_id,
            }
        )
        second, *_, again = await events_until(ws, is_done)
        assert second["messages"][1]["sources"] and "180 euros" in again["text"]
    saved = await sync_to_async(Message.objects.get)(pk=answer["id"])
    assert saved.sources == sources and saved.content == done["text"]
    kept = await sync_to_async(
        lambda: [c.pk for c in Conversation.objects.get(pk=conversation_id).collections.all()]
    )()
    assert kept == [collection.pk]
    user_message = await sync_to_async(Message.objects.get)(pk=started["messages"][0]["id"])
    assert user_message.content == "lost laptop"  # the sources went to the model, not into the chat


async def test_a_collection_of_another_workspace_is_refused(wired, other_workspace, socket_for):
    foreign = await sync_to_async(handbook_in)(other_workspace)
    owner = await sync_to_async(factories.owner_of)(wired)
    async with socket_for(owner, wired) as ws:
        await ws.send_json_to(
            {
                "type": "send",
                "ref": "r1",
                "content": "lost laptop",
                "model": MODEL,
                "collections": [foreign.pk],
            }
        )
        error = await ws.receive_json_from(timeout=10)
    assert error["type"] == "error" and error["code"] == "invalid"
    assert not await sync_to_async(Message.objects.exists)()


async def test_every_playground_slot_answers_from_the_same_sources(wired, socket_for):
    collection = await sync_to_async(handbook_in)(wired)
    owner = await sync_to_async(factories.owner_of)(wired)
    slots = [{"model": MODEL}, {"model": MODEL, "params": {"temperature": 0.5}}]
    async with socket_for(owner, wired, "playground") as ws:
        await ws.send_json_to(
            {
                "type": "run",
                "prompt": "lost laptop",
                "slots": slots,
                "collections": [collection.pk],
                "ref": "p",
            }
        )
        run = (await ws.receive_json_from(timeout=10))["run"]
        texts = {}
        while len(texts) < 2:
            event = await ws.receive_json_from(timeout=10)
            if event["type"] == "done":
                texts[event["key"]] = event["text"] or event["error"]
    assert run["sources"] and run["collections"] == [collection.pk]
    first, second = texts.values()
    assert "[1] handbook.md" in first and first == second  # one retrieval, the same context
    saved = await sync_to_async(PlaygroundRun.objects.get)(pk=run["id"])
    assert saved.sources == run["sources"]
