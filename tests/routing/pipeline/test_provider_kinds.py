"""Each wire format end to end: the hub calls a provider of that kind, which is the simulator
speaking the kind's own format (OpenAI's fast path; Anthropic and Gemini through litellm)."""

from __future__ import annotations

import json

import openai
import pytest

from providers.models import Provider, ProviderModel
from tests import factories
from tests.live_hub import PRICES, recorded_usage

KINDS = ["openai", "anthropic", "gemini"]
TOOLS = [{"type": "function", "function": {"name": "get_weather", "description": "Weather",
          "parameters": {"type": "object", "properties": {"city": {"type": "string"}},
                         "required": ["city"]}}}]  # fmt: skip
SECRET = "sk-kind-secret-0123456789"


@pytest.fixture(params=KINDS)
def kind_gateway(request, gateway, simulator):
    kind = request.param
    credential = factories.make_credential(gateway.workspace, kind=kind, secret=SECRET)
    provider = factories.make_provider(
        gateway.workspace, kind=kind, slug=kind, credential=credential
    )
    # OpenAI-style base URLs include the version; Anthropic's and Gemini's SDKs add their own.
    base_url = simulator.url + ("/v1" if kind == "openai" else "")
    Provider.objects.filter(pk=provider.pk).update(base_url=base_url)
    for name in ("echo", "fault-429", "fault-500"):
        ProviderModel.objects.create(
            workspace=gateway.workspace, provider=provider, name=name, **PRICES
        )
    return gateway, kind


def client(gateway) -> openai.OpenAI:
    return openai.OpenAI(base_url=gateway.v1, api_key=gateway.key, max_retries=0, timeout=20)


USER = [{"role": "user", "content": "Say hello to the hub"}]


def test_complete(kind_gateway):
    gateway, kind = kind_gateway
    completion = client(gateway).chat.completions.create(model=f"{kind}/echo", messages=USER)
    assert completion.choices[0].message.content == "You said: Say hello to the hub"
    assert completion.usage.completion_tokens == 7  # words
    [record] = recorded_usage(model=f"{kind}/echo")
    assert record.status == "success" and record.output_tokens == 7
    assert float(record.cost_usd) > 0


def test_stream(kind_gateway):
    gateway, kind = kind_gateway
    chunks = list(
        client(gateway).chat.completions.create(
            model=f"{kind}/echo", messages=USER, stream=True,
            stream_options={"include_usage": True},
        )
    )  # fmt: skip
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "You said: Say hello to the hub"
    assert len([c for c in chunks if c.choices and c.choices[0].delta.content]) >= 3
    [record] = recorded_usage(model=f"{kind}/echo")
    assert record.status == "success" and record.output_tokens > 0


def test_tool_calls(kind_gateway):
    gateway, kind = kind_gateway
    completion = client(gateway).chat.completions.create(
        model=f"{kind}/echo", messages=[{"role": "user", "content": "Weather in Paris?"}],
        tools=TOOLS, tool_choice="required",
    )  # fmt: skip
    [call] = completion.choices[0].message.tool_calls
    assert call.function.name == "get_weather"
    assert json.loads(call.function.arguments) == {"city": "Paris"}
    follow_up = client(gateway).chat.completions.create(
        model=f"{kind}/echo", tools=TOOLS,
        messages=[
            {"role": "user", "content": "Weather in Paris?"},
            {"role": "assistant", "content": None, "tool_calls": [call.model_dump()]},
            {"role": "tool", "tool_call_id": call.id, "content": "sunny"},
        ],
    )  # fmt: skip
    assert "sunny" in follow_up.choices[0].message.content


def test_streamed_tool_calls(kind_gateway):
    gateway, kind = kind_gateway
    chunks = list(
        client(gateway).chat.completions.create(
            model=f"{kind}/echo", messages=[{"role": "user", "content": "Weather in Paris?"}],
            tools=TOOLS, tool_choice="required", stream=True,
        )
    )  # fmt: skip
    calls = [
        c for chunk in chunks if chunk.choices for c in chunk.choices[0].delta.tool_calls or []
    ]
    assert calls and calls[0].function.name == "get_weather"
    arguments = "".join(c.function.arguments or "" for c in calls)
    assert json.loads(arguments) == {"city": "Paris"}


def test_rate_limit_and_failure_map_to_the_same_statuses(kind_gateway):
    gateway, kind = kind_gateway
    with pytest.raises(openai.RateLimitError):
        client(gateway).chat.completions.create(model=f"{kind}/fault-429", messages=USER)
    with pytest.raises(openai.InternalServerError) as caught:
        client(gateway).chat.completions.create(model=f"{kind}/fault-500", messages=USER)
    assert caught.value.status_code == 502
    assert SECRET not in json.dumps(caught.value.body)
