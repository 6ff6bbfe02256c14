"""The official openai SDK's Responses API (``client.responses``), unmodified, against the
live hub and the simulated provider: plain and streamed answers, a function-tool round trip,
JSON schema output, stored responses continued with previous_response_id, read and deleted."""

from __future__ import annotations

import json

import openai
import pytest
from django.utils import timezone

from hub.schedules import PERIODIC_TASKS
from routing.models import StoredResponse
from routing.signals import pipeline_caches_clear
from routing.tasks import purge_stored_responses_task
from tests import factories
from tests.live_hub import recorded_usage
from tests.routing.pipeline.test_openai_sdk import client
from workspaces.models import ApiKey, ApiKeyScope
from workspaces.services import api_key_create

WEATHER = {
    "type": "function",
    "name": "get_weather",
    "description": "The weather in a city",
    "parameters": {
        "type": "object",
        "properties": {"city": {"type": "string"}},
        "required": ["city"],
    },
}


def test_a_plain_response_is_answered_recorded_and_priced_like_chat(gateway):
    raw = client(gateway).responses.with_raw_response.create(
        model="sim/echo", input="Hello there", instructions="Be brief", metadata={"task": "t1"}
    )
    response = raw.parse()
    assert response.object == "response" and response.status == "completed"
    assert response.output_text == "You said: Hello there"
    assert response.instructions == "Be brief" and response.metadata == {"task": "t1"}
    [record] = recorded_usage(request_id=raw.headers["x-hub-request-id"])
    assert record.endpoint == "responses" and record.status == "success"
    assert response.usage.input_tokens == record.input_tokens > 0
    assert response.usage.output_tokens == record.output_tokens > 0
    assert response.usage.total_tokens == record.input_tokens + record.output_tokens
    assert raw.headers["x-hub-cost-usd"] == f"{record.cost_usd:f}" and record.cost_usd > 0


def test_a_streamed_response_sends_the_responses_event_sequence(gateway):
    events = list(client(gateway).responses.create(model="sim/echo", input="Hi hub", stream=True))
    kinds = [event.type for event in events]
    assert kinds[:4] == [
        "response.created", "response.in_progress", "response.output_item.added",
        "response.content_part.added",
    ]  # fmt: skip
    assert kinds[-4:] == [
        "response.output_text.done", "response.content_part.done", "response.output_item.done",
        "response.completed",
    ]  # fmt: skip
    assert [e.sequence_number for e in events] == list(range(len(events)))
    deltas = "".join(e.delta for e in events if e.type == "response.output_text.delta")
    done = events[-1].response
    assert deltas == done.output_text == "You said: Hi hub"
    assert done.usage.output_tokens > 0
    [record] = recorded_usage(stream=True)
    assert record.endpoint == "responses" and record.output_tokens == done.usage.output_tokens


def test_a_function_tool_round_trip(gateway):
    hub = client(gateway)
    first = hub.responses.create(
        model="sim/echo", input="What is the weather in Paris?", tools=[WEATHER], store=False
    )
    [call] = [item for item in first.output if item.type == "function_call"]
    assert call.name == "get_weather" and json.loads(call.arguments) == {"city": "Paris"}
    second = hub.responses.create(
        model="sim/echo",
        input=[
            {"role": "user", "content": "What is the weather in Paris?"},
            {"type": "function_call", "call_id": call.call_id, "name": call.name,
             "arguments": call.arguments},
            {"type": "function_call_output", "call_id": call.call_id, "output": "sunny, 21 C"},
        ],
        tools=[WEATHER],
    )  # fmt: skip
    assert second.output_text == "The tool answered: sunny, 21 C"


def test_streamed_function_call_arguments(gateway):
    events = list(
        client(gateway).responses.create(
            model="sim/echo", input="weather in Oslo?", tools=[WEATHER], stream=True
        )
    )
    kinds = [event.type for event in events]
    assert "response.function_call_arguments.delta" in kinds
    [done] = [e for e in events if e.type == "response.function_call_arguments.done"]
    assert json.loads(done.arguments) == {"city": "Oslo"}
    [item] = events[-1].response.output
    assert item.type == "function_call" and item.arguments == done.arguments


def test_json_schema_output(gateway):
    schema = {"type": "object", "properties": {"echo": {"type": "string"}}, "required": ["echo"]}
    response = client(gateway).responses.create(
        model="sim/echo",
        input="structured please",
        text={"format": {"type": "json_schema", "name": "echo", "schema": schema, "strict": True}},
    )
    assert json.loads(response.output_text) == {"echo": "You said: structured please"}
    assert response.text.format.type == "json_schema"


def test_previous_response_id_continues_a_stored_conversation(gateway):
    hub = client(gateway)
    first = hub.responses.create(model="sim/echo", input="My name is Ada")
    follow = hub.responses.create(
        model="sim/echo", input="What did I say?", previous_response_id=first.id
    )
    assert follow.previous_response_id == first.id
    # The simulator counts every message it is sent: the follow-up carried the first turn.
    assert follow.usage.input_tokens > first.usage.input_tokens + 4
    assert hub.responses.retrieve(first.id).output_text == first.output_text
    items = hub.responses.input_items.list(follow.id)
    assert [item.type for item in items.data] == ["message"]
    hub.responses.delete(first.id)
    with pytest.raises(openai.NotFoundError):
        hub.responses.retrieve(first.id)
    with pytest.raises(openai.BadRequestError) as refused:
        hub.responses.create(model="sim/echo", input="again", previous_response_id=first.id)
    assert refused.value.code == "previous_response_not_found"


def test_store_false_keeps_nothing(gateway):
    response = client(gateway).responses.create(model="sim/echo", input="secret", store=False)
    assert response.store is False
    assert not StoredResponse.objects.filter(pk=response.id).exists()


def test_another_workspace_cannot_read_continue_or_delete_a_response(gateway):
    response = client(gateway).responses.create(model="sim/echo", input="ours")
    owner = factories.make_user("mallory")
    other = factories.make_workspace("Other", owner=owner)
    _key, raw = api_key_create(
        actor=factories.actor_for(owner, other), name="k", scopes=[ApiKeyScope.INFERENCE]
    )
    outsider = client(gateway, key=raw)
    with pytest.raises(openai.NotFoundError):
        outsider.responses.retrieve(response.id)
    with pytest.raises(openai.NotFoundError):
        outsider.responses.delete(response.id)
    with pytest.raises(openai.BadRequestError):
        outsider.responses.create(model="sim/echo", input="x", previous_response_id=response.id)
    assert StoredResponse.objects.filter(pk=response.id).exists()


def test_hosted_tools_and_bad_items_are_refused_by_name(gateway):
    hub = client(gateway)
    with pytest.raises(openai.BadRequestError) as hosted:
        hub.responses.create(model="sim/echo", input="x", tools=[{"type": "web_search"}])
    assert hosted.value.param == "tools[0].type"
    with pytest.raises(openai.BadRequestError) as item:
        hub.responses.create(model="sim/echo", input=[{"type": "function_call_output"}])
    assert item.value.param == "input[0].call_id"


def test_a_stream_cut_midway_ends_with_an_error_event_and_a_failed_response(gateway):
    events = list(
        client(gateway).responses.create(model="sim/fault-cut", input="a long story", stream=True)
    )
    kinds = [event.type for event in events]
    assert "response.output_text.delta" in kinds
    assert kinds[-2:] == ["error", "response.failed"]
    assert events[-1].response.status == "failed" and events[-1].response.error.message
    assert "response.completed" not in kinds
    [record] = recorded_usage(stream=True)
    assert record.status == "error" and record.endpoint == "responses"


def test_limits_apply_as_for_chat(gateway):
    ApiKey.objects.filter(workspace=gateway.workspace).update(requests_per_minute=1)
    pipeline_caches_clear()
    hub = client(gateway)
    hub.responses.create(model="sim/echo", input="one")
    with pytest.raises(openai.RateLimitError) as refused:
        hub.responses.create(model="sim/echo", input="two")
    assert int(refused.value.response.headers["retry-after"]) >= 1
    assert [(r.status, r.http_status) for r in recorded_usage()] == [
        ("success", 200), ("error", 429)
    ]  # fmt: skip


def test_with_retention_zero_nothing_is_stored(gateway, settings):
    settings.HUB_RESPONSES_RETENTION_DAYS = 0
    response = client(gateway).responses.create(model="sim/echo", input="keep nothing")
    assert response.store is False
    assert not StoredResponse.objects.exists()


def test_beat_purges_responses_past_retention(gateway):
    kept = client(gateway).responses.create(model="sim/echo", input="keep")
    gone = client(gateway).responses.create(model="sim/echo", input="expire")
    StoredResponse.objects.filter(pk=gone.id).update(expires_at=timezone.now())
    with pytest.raises(openai.NotFoundError):
        client(gateway).responses.retrieve(gone.id)  # expired is gone at once for readers
    assert purge_stored_responses_task() == 1
    assert list(StoredResponse.objects.values_list("pk", flat=True)) == [kept.id]
    assert "routing.purge_stored_responses" in {task for task, _ in PERIODIC_TASKS.values()}


def test_a_streamed_response_is_stored_and_continued(gateway):
    hub = client(gateway)
    events = list(hub.responses.create(model="sim/echo", input="Remember teapot", stream=True))
    first = events[-1].response
    assert hub.responses.retrieve(first.id).output_text == "You said: Remember teapot"
    follow = hub.responses.create(model="sim/echo", input="Well?", previous_response_id=first.id)
    assert follow.usage.input_tokens > first.usage.input_tokens + 4
