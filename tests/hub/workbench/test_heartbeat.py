"""A running generation keeps its row's heartbeat fresh, even while the provider is slow to send
a first token; a socket attaching to an answer nobody is generating any more gets it interrupted.
Against the real pipeline and the simulated provider (its ``fault-slow`` model waits 3 s)."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime

import pytest
from asgiref.sync import sync_to_async
from django.db.models import QuerySet

from hub.workbench.generation import PERSIST_EVERY_S
from hub.workbench.interruptions import INTERRUPTED_ERROR, stale_answers_interrupt, stale_cutoff
from hub.workbench.models import GenerationStatus, Message, PlaygroundSlot
from providers.models import Provider, ProviderModel
from tests import factories
from tests.hub.workbench.conftest import events_until, generations_finished, is_done
from tests.hub.workbench.rows import (
    conversation_make,
    playground_run_make,
    slot_streaming,
    streaming_answer,
)
from tests.live_hub import PRICES

SLOW_MODEL = "sim/fault-slow"  # the simulator holds the first byte back for 3 s
THRESHOLD_S = 0.9  # so heartbeats come every 0.3 s
SAMPLES = 6  # about 2 s of watching, all before the first token


@pytest.fixture(autouse=True)
async def _each_test_waits_for_its_generations(transactional_db):
    yield
    await generations_finished()


@pytest.fixture
def slow_first_token(wired, settings):
    """``wired`` with a model whose first token takes 3 s, and a sub-second stale threshold."""
    settings.HUB_WORKBENCH_STALE_SECONDS = THRESHOLD_S
    provider = Provider.objects.get(workspace=wired, slug="sim")
    ProviderModel.objects.create(workspace=wired, provider=provider, name="fault-slow", **PRICES)
    return wired


async def heartbeats_while_waiting(
    rows: QuerySet[Message] | QuerySet[PlaygroundSlot],
) -> list[datetime]:
    """Each row's heartbeat, sampled while the provider has sent nothing yet; every sample must
    be within the threshold, and the sweep (as another process runs it, knowing nothing of
    this process's generations) must leave the rows alone."""

    def fresh_rows() -> list[Message | PlaygroundSlot]:
        return list(rows.all())

    seen = []
    for _ in range(SAMPLES):
        await asyncio.sleep(THRESHOLD_S / 3)
        for row in await sync_to_async(fresh_rows)():  # a fresh read each time
            assert row.status == GenerationStatus.STREAMING
            assert row.heartbeat_at is not None and row.heartbeat_at > stale_cutoff(), row
            seen.append(row.heartbeat_at)
        assert await sync_to_async(stale_answers_interrupt)() == {"messages": 0, "slots": 0}
    return seen


async def test_a_slow_first_token_keeps_the_answers_heartbeat_fresh(slow_first_token, socket_for):
    owner = await sync_to_async(factories.owner_of)(slow_first_token)
    async with socket_for(owner, slow_first_token) as ws:
        await ws.send_json_to({"type": "send", "content": "take your time", "model": SLOW_MODEL})
        started = await ws.receive_json_from(timeout=5)
        answer_id = started["messages"][1]["id"]
        beats = await heartbeats_while_waiting(Message.objects.filter(pk=answer_id))
        done = (await events_until(ws, is_done))[-1]

    assert len(set(beats)) >= SAMPLES - 1  # refreshed on a timer, not once at the start
    assert done["status"] == "complete" and done["text"] == "You said: take your time"
    await generations_finished()
    answer = await sync_to_async(Message.objects.get)(pk=answer_id)
    assert answer.status == GenerationStatus.COMPLETE and answer.error == ""


async def test_a_slow_first_token_keeps_the_playground_slots_alive(slow_first_token, socket_for):
    owner = await sync_to_async(factories.owner_of)(slow_first_token)
    slots = [{"model": SLOW_MODEL}, {"model": SLOW_MODEL}]
    async with socket_for(owner, slow_first_token, "playground") as ws:
        await ws.send_json_to({"type": "run", "prompt": "patience", "slots": slots})
        run = (await ws.receive_json_from(timeout=5))["run"]
        rows = PlaygroundSlot.objects.filter(run_id=run["id"])
        beats = await heartbeats_while_waiting(rows)
        finished = 0
        while finished < 2:
            finished += (await ws.receive_json_from(timeout=10))["type"] == "done"

    assert len(set(beats)) >= 2 * (SAMPLES - 1)
    await generations_finished()
    statuses = await sync_to_async(list)(rows.values_list("status", flat=True))
    assert statuses == [GenerationStatus.COMPLETE] * 2


async def test_attaching_to_a_dead_answer_gets_it_interrupted(wired, socket_for):
    """After a reload, the page attaches to answers it saw streaming; one whose process died
    comes back as an error with its partial text, so the page offers Regenerate."""
    owner = await sync_to_async(factories.owner_of)(wired)
    conversation = await sync_to_async(conversation_make)(wired, owner)
    dead = await sync_to_async(streaming_answer)(conversation, "It was a dark", heartbeat_age=60)
    live = await sync_to_async(streaming_answer)(conversation, "Elsewhere", heartbeat_age=1)
    async with socket_for(owner, wired) as ws:
        await ws.send_json_to({"type": "attach", "message_id": dead.pk})
        interrupted = (await ws.receive_json_from(timeout=5))["message"]
        await ws.send_json_to({"type": "attach", "message_id": live.pk})
        still = (await ws.receive_json_from(timeout=5))["message"]

    assert interrupted["status"] == "error" and interrupted["error"] == INTERRUPTED_ERROR
    assert interrupted["content"] == "It was a dark"
    assert still["status"] == "streaming" and still["content"] == "Elsewhere"


async def test_attaching_to_a_dead_playground_slot_gets_it_interrupted(wired, socket_for):
    owner = await sync_to_async(factories.owner_of)(wired)
    run = await sync_to_async(playground_run_make)(wired, owner, blind=True)
    slot = await sync_to_async(run.slots.first)()
    await sync_to_async(slot_streaming)(slot, "Half", heartbeat_age=60)
    async with socket_for(owner, wired, "playground") as ws:
        await ws.send_json_to({"type": "attach", "slot_id": slot.pk})
        event = await ws.receive_json_from(timeout=5)

    assert event["type"] == "slot" and event["key"] == f"slot:{slot.pk}"
    saved = event["slot"]
    assert saved["status"] == "error" and saved["error"] == INTERRUPTED_ERROR
    assert saved["output"] == "Half" and "model" not in saved  # a blind run stays blind


async def test_heartbeats_ride_on_progress_saves_not_on_every_token(wired_slow, socket_for):
    """Streaming 20 tokens a second, the row's heartbeat changes about once a second (with the
    progress saves), not once a token."""
    owner = await sync_to_async(factories.owner_of)(wired_slow)
    prompt = " ".join(f"word{n}" for n in range(50))  # about 2.5 s of tokens
    async with socket_for(owner, wired_slow) as ws:
        await ws.send_json_to({"type": "send", "content": prompt, "model": "sim/echo"})
        answer_id = (await ws.receive_json_from(timeout=5))["messages"][1]["id"]
        streaming = asyncio.create_task(events_until(ws, is_done))
        started = time.monotonic()
        beats = set()
        while not streaming.done():
            row = await sync_to_async(Message.objects.get)(pk=answer_id)
            if row.status == GenerationStatus.STREAMING:
                beats.add(row.heartbeat_at)
            await asyncio.sleep(0.02)
        events = streaming.result()
    elapsed = time.monotonic() - started

    tokens = sum(event["type"] == "token" for event in events)
    assert tokens >= 50 and events[-1]["status"] == "complete"
    assert 2 <= len(beats) <= elapsed / PERSIST_EVERY_S + 2, (len(beats), elapsed)
