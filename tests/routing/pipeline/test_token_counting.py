"""Counting input tokens without a call: the anthropic SDK's ``messages.count_tokens``, the
openai SDK's ``responses.input_tokens.count`` and the hub's chat count, each answered with
the provider's own count, the model's tokenizer, or an estimate that says it is one."""

from __future__ import annotations

import anthropic
import httpx
import openai
import pytest
import tiktoken

from providers.models import Provider, ProviderModel
from routing.pipeline.tokens import _encoding
from tests import factories
from tests.live_hub import PRICES, recorded_usage
from tests.routing.pipeline.test_anthropic_sdk import client as anthropic_client
from tests.routing.pipeline.test_openai_sdk import client as openai_client

MESSAGES = [{"role": "user", "content": "Count the tokens of this sentence, please."}]


def wire_kind(gateway, simulator, kind: str) -> None:
    """A provider of ``kind`` named after it: the simulator, speaking that kind's API."""
    credential = factories.make_credential(gateway.workspace, kind=kind, secret="sk-kind-x")
    provider = factories.make_provider(
        gateway.workspace, kind=kind, slug=kind, credential=credential
    )
    Provider.objects.filter(pk=provider.pk).update(base_url=simulator.url)
    ProviderModel.objects.create(
        workspace=gateway.workspace, provider=provider, name="echo", **PRICES
    )


@pytest.fixture
def anthropic_kind(gateway, simulator):
    wire_kind(gateway, simulator, "anthropic")
    return gateway


def o200k(text: str) -> int:
    _encoding()  # tiktoken reads the encodings litellm ships, offline
    return len(tiktoken.get_encoding("o200k_base").encode(text))


def test_anthropic_count_tokens_uses_the_providers_own_count(anthropic_kind):
    hub = anthropic_client(anthropic_kind)
    raw = hub.messages.with_raw_response.count_tokens(
        model="anthropic/echo", system="Be brief.", messages=MESSAGES
    )
    counted = raw.parse().input_tokens
    assert raw.headers["x-hub-token-count"] == "provider; tokenizer=anthropic"
    message = hub.messages.create(
        model="anthropic/echo", max_tokens=32, system="Be brief.", messages=MESSAGES
    )
    assert counted == message.usage.input_tokens  # what the call is then billed
    assert len(recorded_usage()) == 1  # the count itself is no call


def test_an_openai_model_is_counted_with_its_own_tokenizer(gateway):
    ProviderModel.objects.create(
        workspace=gateway.workspace, provider=gateway.provider, name="gpt-4o-mini", **PRICES
    )
    response = httpx.post(
        f"{gateway.v1}/chat/completions/count_tokens",
        json={"model": "sim/gpt-4o-mini", "messages": MESSAGES},
        headers={"Authorization": f"Bearer {gateway.key}"},
    )
    assert response.status_code == 200
    # OpenAI's framing: 3 tokens for the reply's priming, 4 per message, then the text.
    expected = 3 + 4 + o200k(MESSAGES[0]["content"])
    assert response.json() == {
        "object": "chat.completion.input_tokens", "input_tokens": expected,
        "method": "tokenizer", "tokenizer": "o200k_base", "model": "sim/gpt-4o-mini",
    }  # fmt: skip


def test_a_model_without_a_known_tokenizer_is_marked_an_estimate(gateway):
    raw = anthropic_client(gateway).messages.with_raw_response.count_tokens(
        model="sim/echo", messages=MESSAGES
    )
    assert raw.parse().input_tokens > 0
    assert raw.headers["x-hub-token-count"] == "estimate; tokenizer=cl100k_base"


def test_responses_input_tokens_count_includes_the_previous_conversation(gateway):
    hub = openai_client(gateway)
    alone = hub.responses.input_tokens.count(model="sim/echo", input="And now?")
    first = hub.responses.create(model="sim/echo", input="Remember the word teapot")
    continued = hub.responses.input_tokens.count(
        model="sim/echo", input="And now?", previous_response_id=first.id
    )
    assert alone.object == "response.input_tokens" and alone.input_tokens > 0
    assert continued.input_tokens > alone.input_tokens + 8


def test_counting_an_unknown_model_is_a_404_in_each_shape(gateway):
    with pytest.raises(anthropic.NotFoundError) as anthropic_refusal:
        anthropic_client(gateway).messages.count_tokens(model="nope/x", messages=MESSAGES)
    assert anthropic_refusal.value.body["error"]["type"] == "not_found_error"
    with pytest.raises(openai.NotFoundError) as openai_refusal:
        openai_client(gateway).responses.input_tokens.count(model="nope/x", input="hi")
    assert openai_refusal.value.code == "model_not_found"


@pytest.mark.parametrize("kind", ["anthropic", "gemini"])
def test_a_plain_chat_prompt_is_counted_by_providers_that_count(gateway, simulator, kind):
    wire_kind(gateway, simulator, kind)
    # No system prompt: litellm sends one to a Gemini model it does not know ("echo") as a
    # user turn, where countTokens is given a systemInstruction; counts would differ by that.
    body = {"model": f"{kind}/echo", "messages": [
        *MESSAGES, {"role": "assistant", "content": "Sure."},
        {"role": "user", "content": "Go on"}]}  # fmt: skip
    headers = {"Authorization": f"Bearer {gateway.key}"}
    counted = httpx.post(f"{gateway.v1}/chat/completions/count_tokens", json=body,
                         headers=headers).json()  # fmt: skip
    assert (counted["method"], counted["tokenizer"]) == ("provider", kind)
    called = openai_client(gateway).chat.completions.create(**body)
    assert counted["input_tokens"] == called.usage.prompt_tokens


def test_a_prompt_with_tools_is_estimated_and_says_so(anthropic_kind):
    body = {
        "model": "anthropic/echo",
        "messages": MESSAGES,
        "tools": [
            {"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}
        ],
    }
    counted = httpx.post(
        f"{anthropic_kind.v1}/chat/completions/count_tokens", json=body,
        headers={"Authorization": f"Bearer {anthropic_kind.key}"},
    ).json()  # fmt: skip
    assert counted["method"] == "estimate" and counted["input_tokens"] > 10
