"""The official anthropic SDK, unmodified (base_url + key), against the live hub."""

from __future__ import annotations

import anthropic
import pytest

from tests.live_hub import recorded_usage

USER = [{"role": "user", "content": "Say hello to the hub"}]


def client(gateway, key: str | None = None) -> anthropic.Anthropic:
    return anthropic.Anthropic(base_url=gateway.url, api_key=key or gateway.key, max_retries=0)


def test_messages_create(gateway):
    message = client(gateway).messages.create(model="sim/echo", max_tokens=64, messages=USER)
    assert message.role == "assistant" and message.content[0].type == "text"
    assert message.content[0].text and message.stop_reason in ("end_turn", "max_tokens")
    assert message.usage.input_tokens > 0 and message.usage.output_tokens > 0
    [record] = recorded_usage(model="sim/echo")
    assert record.output_tokens == message.usage.output_tokens


def test_messages_stream_in_anthropics_event_sequence(gateway):
    with client(gateway).messages.stream(
        model="sim/echo", max_tokens=64, system="Be brief.", messages=USER
    ) as stream:
        events = [event.type for event in stream]
        final = stream.get_final_message()
    assert events[0] == "message_start" and "content_block_start" in events
    assert "content_block_delta" in events and events[-1] == "message_stop"
    assert final.content[0].text
    assert final.usage.output_tokens > 0


def test_tool_use_round_trip(gateway):
    tools = [{"name": "get_weather", "description": "Weather for a city", "input_schema": {
        "type": "object", "properties": {"city": {"type": "string"}}}}]  # fmt: skip
    message = client(gateway).messages.create(
        model="sim/echo", max_tokens=64, tools=tools, tool_choice={"type": "any"},
        messages=[{"role": "user", "content": "Weather in Paris?"}],
    )  # fmt: skip
    [use] = [block for block in message.content if block.type == "tool_use"][:1]
    assert use.name == "get_weather" and isinstance(use.input, dict)
    follow_up = client(gateway).messages.create(
        model="sim/echo", max_tokens=64, tools=tools,
        messages=[
            {"role": "user", "content": "Weather in Paris?"},
            {"role": "assistant", "content": [use.model_dump()]},
            {"role": "user", "content": [
                {"type": "tool_result", "tool_use_id": use.id, "content": "sunny"}]},
        ],
    )  # fmt: skip
    assert follow_up.content


def test_errors_surface_as_the_sdks_exceptions(gateway):
    with pytest.raises(anthropic.AuthenticationError):
        client(gateway, "hub-wrong-key-0000000000000").messages.create(
            model="sim/echo", max_tokens=8, messages=USER
        )
    with pytest.raises(anthropic.NotFoundError):
        client(gateway).messages.create(model="sim/none", max_tokens=8, messages=USER)
    with pytest.raises(anthropic.RateLimitError):
        client(gateway).messages.create(model="sim/fault-429", max_tokens=8, messages=USER)
