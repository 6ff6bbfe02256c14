"""The official openai SDK's legacy ``completions.create``, unmodified: a prompt answered by
a chat model, complete and streamed, recorded like any call; and, where every deployment
serves /completions itself, the provider's own answer, log probabilities and echo included."""

from __future__ import annotations

import openai
import pytest

from providers.models import Provider, ProviderModel
from routing.models import ModelAlias
from tests import factories
from tests.live_hub import PRICES, recorded_usage
from tests.routing.pipeline.test_openai_sdk import client


def test_a_prompt_is_completed_by_a_chat_model(gateway):
    raw = client(gateway).completions.with_raw_response.create(
        model="sim/echo", prompt="Once upon a time", max_tokens=50
    )
    completion = raw.parse()
    assert completion.object == "text_completion"
    assert completion.choices[0].text == "You said: Once upon a time"
    assert completion.choices[0].finish_reason == "stop"
    [record] = recorded_usage(request_id=raw.headers["x-hub-request-id"])
    assert record.endpoint == "completions" and record.status == "success"
    assert completion.usage.prompt_tokens == record.input_tokens > 0
    assert completion.usage.completion_tokens == record.output_tokens == 6


def test_the_legacy_default_of_sixteen_tokens_applies(gateway):
    long_prompt = " ".join(["word"] * 40)
    completion = client(gateway).completions.create(model="sim/echo", prompt=long_prompt)
    assert completion.choices[0].finish_reason == "length"
    assert completion.usage.completion_tokens == 16


def test_a_streamed_completion(gateway):
    chunks = list(
        client(gateway).completions.create(
            model="sim/echo", prompt="Stream me", max_tokens=50, stream=True,
            stream_options={"include_usage": True},
        )
    )  # fmt: skip
    text = "".join(c.choices[0].text for c in chunks if c.choices)
    assert text == "You said: Stream me"
    assert all(c.object == "text_completion" for c in chunks)
    assert chunks[-1].usage.completion_tokens == 4
    [record] = recorded_usage(stream=True)
    assert record.endpoint == "completions" and record.output_tokens == 4


@pytest.mark.parametrize(
    ("field", "value"),
    [("logprobs", 5), ("echo", True), ("suffix", "end"), ("best_of", 3),
     ("prompt", ["one", "two"]), ("prompt", [1, 2, 3])],
)  # fmt: skip
def test_what_only_a_raw_text_model_does_is_refused_by_name(gateway, field, value):
    body = {"model": "sim/echo", "prompt": "hi", field: value}
    with pytest.raises(openai.BadRequestError) as refused:
        client(gateway).completions.create(**body)
    assert refused.value.param == field


@pytest.fixture
def native(gateway, simulator):
    """A second provider at the simulator whose option says it serves /completions."""
    provider = factories.make_provider(gateway.workspace, kind="openai", slug="vllm")
    Provider.objects.filter(pk=provider.pk).update(
        base_url=simulator.url + "/v1", options={"native_completions": True}
    )
    for name in ("echo", "fault-500"):
        ProviderModel.objects.create(
            workspace=gateway.workspace, provider=provider, name=name, **PRICES
        )
    return gateway


def test_a_native_provider_answers_with_log_probabilities_and_echo(native):
    raw = client(native).completions.with_raw_response.create(
        model="vllm/echo", prompt="Score me", max_tokens=20, logprobs=1, echo=True
    )
    completion = raw.parse()
    choice = completion.choices[0]
    assert choice.text == "Score me You said: Score me"
    assert choice.logprobs.tokens == ["Score", "me", "You", "said:", "Score", "me"]
    assert choice.logprobs.token_logprobs[0] == pytest.approx(-0.1)
    [record] = recorded_usage(request_id=raw.headers["x-hub-request-id"])
    assert record.endpoint == "completions" and record.provider_slug == "vllm"
    assert record.output_tokens == completion.usage.completion_tokens == 4


def test_a_native_stream_is_relayed_as_the_provider_sends_it(native):
    chunks = list(
        client(native).completions.create(
            model="vllm/echo", prompt="Flow", max_tokens=20, stream=True, logprobs=1
        )
    )
    assert "".join(c.choices[0].text for c in chunks if c.choices) == "You said: Flow"
    assert chunks[0].choices[0].logprobs.tokens == ["You"]
    [record] = recorded_usage(stream=True)
    assert record.status == "success" and record.output_tokens == 3


def test_native_fallback_stays_native(native):
    ModelAlias.objects.create(
        workspace=native.workspace, name="base",
        candidates=[{"model": "vllm/fault-500"}, {"model": "vllm/echo"}],
    )  # fmt: skip
    completion = client(native).completions.create(model="base", prompt="again", echo=True)
    assert completion.choices[0].text.startswith("again ")
    [record] = recorded_usage()
    assert [a["error_class"] for a in record.attempts][-1] is None


def test_a_route_mixing_native_and_chat_models_is_answered_through_chat(native):
    ModelAlias.objects.create(
        workspace=native.workspace, name="mixed",
        candidates=[{"model": "vllm/echo"}, {"model": "sim/echo"}],
    )  # fmt: skip
    completion = client(native).completions.create(model="mixed", prompt="plain")
    assert completion.choices[0].text == "You said: plain"
    with pytest.raises(openai.BadRequestError) as refused:
        client(native).completions.create(model="mixed", prompt="plain", echo=True)
    assert refused.value.param == "echo"
