"""The official openai SDK's legacy ``completions.create``, unmodified: a prompt answered by
a chat model, complete and streamed, recorded like any call."""

from __future__ import annotations

import openai
import pytest

from tests.live_hub import recorded_usage
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
