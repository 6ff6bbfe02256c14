"""The chat and playground sockets against the real pipeline and the simulated provider."""

from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import sync_to_async

from analytics.models import UsageRecord, UsageSource
from hub.workbench.generation import generations
from hub.workbench.models import Conversation, GenerationStatus, Message, PlaygroundRun
from tests import factories
from tests.hub.workbench.conftest import MODEL, events_until, generations_finished, is_done

LONG_PROMPT = " ".join(f"word{n}" for n in range(60))  # about 3 s of tokens at 20 tokens/s


pytestmark = pytest.mark.usefixtures("generations_waited")


def send_request(content: str, **extra):
    return {"type": "send", "ref": "r1", "content": content, "model": MODEL, **extra}


async def test_answer_streams_token_by_token_and_is_saved_with_its_metrics(wired, socket_for):
    owner = await sync_to_async(factories.owner_of)(wired)
    async with socket_for(owner, wired) as ws:
        assert ws.can_generate
        await ws.send_json_to(
            send_request("hello there general kenobi", params={"temperature": 0.2})
        )
        events = await events_until(ws, is_done)

    started, routed, *tokens, done = events
    assert started["type"] == "started" and started["ref"] == "r1"
    assert [m["role"] for m in started["messages"]] == ["user", "assistant"]
    assert routed == {
        "type": "routed", "key": started["key"], "answered_by": "sim/echo",
        "route_reason": routed["route_reason"],
    }  # fmt: skip
    assert [t["text"] for t in tokens] == [
        "You",
        " said:",
        " hello",
        " there",
        " general",
        " kenobi",
    ]
    assert [t["n"] for t in tokens] == list(range(6))
    # A running count of tokens, not of pieces: " said:" is two tokens.
    assert [t["output_tokens"] for t in tokens] == [1, 3, 4, 5, 6, 8]
    assert done["status"] == "complete" and done["text"] == "You said: hello there general kenobi"
    metrics = done["metrics"]
    assert metrics["provider_slug"] == "sim" and metrics["upstream_model"] == "echo"
    assert metrics["output_tokens"] == 6 and metrics["input_tokens"] > 0
    assert float(metrics["cost_usd"]) > 0 and metrics["latency_ms"] >= metrics["ttft_ms"] >= 0

    await generations_finished()
    answer = await sync_to_async(Message.objects.get)(pk=started["messages"][1]["id"])
    assert answer.status == GenerationStatus.COMPLETE and answer.content == done["text"]
    assert answer.output_tokens == 6 and answer.provider_slug == "sim"
    conversation = await sync_to_async(Conversation.objects.get)(pk=started["conversation"]["id"])
    assert conversation.title == "hello there general kenobi"
    assert conversation.total_cost_usd == answer.cost_usd > 0
    assert conversation.params == {"temperature": 0.2}
    record = await sync_to_async(UsageRecord.objects.get)(request_id=answer.request_id)
    assert record.source == UsageSource.CHAT and record.status == "success"
    # The answer's numbers are the call's, as its usage record holds them.
    assert (metrics["ttft_ms"], metrics["latency_ms"]) == (record.ttft_ms, record.latency_ms)
    assert (answer.input_tokens, answer.cost_usd) == (record.input_tokens, record.cost_usd)
    assert metrics["answered_by"] == "sim/echo" and metrics["tokens_per_second"] > 0


async def test_stop_cancels_the_upstream_call(wired_slow, socket_for):
    owner = await sync_to_async(factories.owner_of)(wired_slow)
    async with socket_for(owner, wired_slow) as ws:
        await ws.send_json_to(send_request(LONG_PROMPT))
        started = await ws.receive_json_from(timeout=5)
        answer_id = started["messages"][1]["id"]
        await events_until(ws, lambda e: e["type"] == "token" and e["n"] == 2)
        await ws.send_json_to({"type": "stop", "message_id": answer_id})
        events = await events_until(ws, is_done)

    done = events[-1]
    assert done["status"] == "cancelled", events
    assert 3 <= len(done["text"].split()) < 20
    await generations_finished()
    answer = await sync_to_async(Message.objects.get)(pk=answer_id)
    assert answer.status == GenerationStatus.CANCELLED and answer.content == done["text"]
    record = await sync_to_async(UsageRecord.objects.get)(request_id=answer.request_id)
    assert record.status == "cancelled" and record.output_tokens > 0


async def test_answer_is_saved_complete_when_the_socket_closes_mid_stream(wired_slow, socket_for):
    """Reload during a generation: the server task goes on without the socket."""
    owner = await sync_to_async(factories.owner_of)(wired_slow)
    async with socket_for(owner, wired_slow) as ws:
        await ws.send_json_to(send_request("one two three four five six seven eight"))
        started = await ws.receive_json_from(timeout=5)
        await events_until(ws, lambda e: e["type"] == "token")
    answer_id = started["messages"][1]["id"]
    assert await sync_to_async(Message.objects.filter(pk=answer_id, status="streaming").exists)()

    # A new socket (the reloaded page) re-attaches and gets the text so far, then the rest.
    async with socket_for(owner, wired_slow) as ws:
        await ws.send_json_to({"type": "attach", "message_id": answer_id})
        events = await events_until(ws, is_done)
    assert events[0]["type"] == "snapshot" and events[0]["text"].startswith("You")
    assert events[-1]["text"] == "You said: one two three four five six seven eight"

    await generations_finished()
    answer = await sync_to_async(Message.objects.get)(pk=answer_id)
    assert answer.status == GenerationStatus.COMPLETE
    assert answer.content == "You said: one two three four five six seven eight"


async def test_attach_after_the_end_gets_the_saved_answer(wired, socket_for):
    owner = await sync_to_async(factories.owner_of)(wired)
    async with socket_for(owner, wired) as ws:
        await ws.send_json_to(send_request("short"))
        started = (await events_until(ws, is_done))[0]
        await generations_finished()
        await ws.send_json_to({"type": "attach", "message_id": started["messages"][1]["id"]})
        event = await ws.receive_json_from(timeout=5)
    assert event["type"] == "message" and event["message"]["content"] == "You said: short"


async def test_regenerate_and_edit_branch_the_tree(wired, socket_for):
    owner = await sync_to_async(factories.owner_of)(wired)
    async with socket_for(owner, wired) as ws:
        await ws.send_json_to(send_request("first"))
        started = (await events_until(ws, is_done))[0]
        conversation_id = started["conversation"]["id"]
        prompt, answer = started["messages"]
        await ws.send_json_to(
            {"type": "regenerate", "conversation_id": conversation_id,
             "message_id": prompt["id"], "model": MODEL}
        )  # fmt: skip
        regenerated = (await events_until(ws, is_done))[0]
        await ws.send_json_to(send_request("edited", conversation_id=conversation_id))
        edited = (await events_until(ws, is_done))[0]
        await ws.send_json_to(
            {"type": "select", "conversation_id": conversation_id, "message_id": prompt["id"]}
        )
        selected = await ws.receive_json_from(timeout=5)

    assert regenerated["messages"][0]["parent_id"] == prompt["id"]
    assert edited["messages"][0]["parent_id"] is None  # a sibling of the first prompt
    assert selected["leaf_id"] == regenerated["messages"][0]["id"]  # the newest answer
    roots = await sync_to_async(list)(
        Message.objects.filter(conversation_id=conversation_id, parent=None)
    )
    assert len(roots) == 2
    children = await sync_to_async(Message.objects.filter(parent_id=prompt["id"]).count)()
    assert children == 2 and answer["id"] != regenerated["messages"][0]["id"]


async def test_non_member_and_anonymous_are_refused(wired, socket_for):
    stranger = await sync_to_async(factories.make_user)()
    async with socket_for(stranger, wired, expect_accept=False) as ws:
        assert ws.refusal == 4404
    async with socket_for(None, wired, "playground", expect_accept=False) as ws:
        assert ws.refusal == 4401


async def test_a_viewer_may_connect_but_not_generate(wired, socket_for):
    viewer = await sync_to_async(factories.add_member)(wired, "viewer")
    async with socket_for(viewer, wired) as ws:
        assert not ws.can_generate
        await ws.send_json_to(send_request("let me in"))
        error = await ws.receive_json_from(timeout=5)
        assert error["type"] == "error" and error["code"] == "forbidden"
        assert "viewer" in error["message"] and "Traceback" not in error["message"]
    assert not await sync_to_async(Message.objects.exists)()


async def test_role_is_checked_again_on_every_request(wired, socket_for):
    member = await sync_to_async(factories.add_member)(wired, "member")
    async with socket_for(member, wired) as ws:
        await sync_to_async(factories.add_member)(wired, "viewer", user=member)
        await ws.send_json_to(send_request("still allowed?"))
        assert (await ws.receive_json_from(timeout=5))["code"] == "forbidden"
        await sync_to_async(wired.memberships.filter(user=member).delete)()
        await ws.send_json_to(send_request("and now?"))
        assert (await ws.receive_json_from(timeout=5))["code"] == "not_member"
        assert (await ws.receive_output(timeout=5))["type"] == "websocket.close"


async def test_another_users_conversation_is_not_found(wired, socket_for):
    owner = await sync_to_async(factories.owner_of)(wired)
    colleague = await sync_to_async(factories.add_member)(wired, "member")
    async with socket_for(owner, wired) as ws:
        await ws.send_json_to(send_request("private"))
        started = (await events_until(ws, is_done))[0]
    conversation_id = started["conversation"]["id"]
    answer_id = started["messages"][1]["id"]
    async with socket_for(colleague, wired) as ws:
        for request in (
            send_request("mine now", conversation_id=conversation_id),
            {"type": "attach", "message_id": answer_id},
            {"type": "stop", "message_id": answer_id},
            {"type": "select", "conversation_id": conversation_id, "message_id": answer_id},
        ):
            await ws.send_json_to(request)
            reply = await ws.receive_json_from(timeout=5)
            assert reply["type"] == "error" and reply["code"] == "not_found", (request, reply)
    assert await sync_to_async(Message.objects.count)() == 2


async def test_bad_requests_get_error_events(wired, socket_for):
    owner = await sync_to_async(factories.owner_of)(wired)
    async with socket_for(owner, wired) as ws:
        await ws.send_to(text_data="not json")
        assert (await ws.receive_json_from(timeout=5))["code"] == "bad_request"
        await ws.send_to(text_data="[" * 100_000)  # nested past what JSON parses
        assert (await ws.receive_json_from(timeout=5))["code"] == "bad_request"
        await ws.send_json_to({"type": "launch"})
        assert (await ws.receive_json_from(timeout=5))["code"] == "bad_request"
        await ws.send_json_to(send_request("x", params={"temperature": 9}))
        invalid = await ws.receive_json_from(timeout=5)
        assert invalid["code"] == "invalid" and "temperature" in invalid["message"]
        await ws.send_json_to(send_request("x", model="sim/nope"))
        events = await events_until(ws, is_done)
    assert events[-1]["status"] == "error" and "sim/nope" in events[-1]["error"]


async def test_playground_runs_slots_concurrently_and_cancels_one(wired_slow, socket_for):
    owner = await sync_to_async(factories.owner_of)(wired_slow)
    slots = [{"model": MODEL, "params": {"max_tokens": 100}} for _ in range(3)]
    async with socket_for(owner, wired_slow, "playground") as ws:
        await ws.send_json_to({"type": "run", "prompt": LONG_PROMPT, "slots": slots, "ref": "p"})
        run = (await ws.receive_json_from(timeout=5))["run"]
        first, *rest = run["slots"]
        await events_until(ws, lambda e: e["type"] == "token" and e["n"] == 1)
        await ws.send_json_to({"type": "cancel", "slot_id": first["id"]})
        done: dict[str, dict] = {}
        while len(done) < 3:
            event = await ws.receive_json_from(timeout=10)
            if event["type"] == "done":
                done[event["key"]] = event
    assert done[f"slot:{first['id']}"]["status"] == "cancelled"
    assert all(done[f"slot:{s['id']}"]["status"] == "complete" for s in rest)
    await generations_finished()
    records = await sync_to_async(list)(UsageRecord.objects.filter(source=UsageSource.PLAYGROUND))
    assert sorted(r.status for r in records) == ["cancelled", "success", "success"]


async def test_blind_run_hides_names_until_the_vote(wired, socket_for):
    owner = await sync_to_async(factories.owner_of)(wired)
    slots = [{"model": "sim/echo"}, {"model": "sim/echo"}]
    async with socket_for(owner, wired, "playground") as ws:
        await ws.send_json_to({"type": "run", "prompt": "hi", "slots": slots, "blind": True})
        started = await ws.receive_json_from(timeout=5)
        events = []
        while sum(e["type"] == "done" for e in events) < 2:
            events.append(await ws.receive_json_from(timeout=10))
        run = started["run"]
        assert all("model" not in slot for slot in run["slots"])
        assert not any(e["type"] == "routed" for e in events)
        assert all("provider_slug" not in e["metrics"] for e in events if e["type"] == "done")
        assert all("cost_usd" in e["metrics"] for e in events if e["type"] == "done")

        winner = run["slots"][1]["id"]
        await ws.send_json_to(
            {"type": "vote", "run_id": run["id"], "kind": "ab", "winners": [winner]}
        )
        voted = await ws.receive_json_from(timeout=5)
    assert voted["type"] == "voted" and voted["run"]["revealed"]
    assert [slot["model"] for slot in voted["run"]["slots"]] == ["sim/echo", "sim/echo"]
    assert voted["run"]["vote"] == {"kind": "ab", "winners": [winner]}
    stored = await sync_to_async(PlaygroundRun.objects.get)(pk=run["id"])
    assert await sync_to_async(lambda: stored.vote.kind)() == "ab"


async def test_generations_are_not_shared_between_sockets(wired_slow, socket_for):
    """A second socket of the same user sees nothing of the first's stream unless it attaches."""
    owner = await sync_to_async(factories.owner_of)(wired_slow)
    async with socket_for(owner, wired_slow) as first, socket_for(owner, wired_slow) as second:
        await first.send_json_to(send_request("one two three"))
        await events_until(first, is_done)
        assert await second.receive_nothing(timeout=0.3)
    await asyncio.sleep(0)
    assert not generations.running_keys()
