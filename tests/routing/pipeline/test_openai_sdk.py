"""The official openai SDK, unmodified (base_url + key), against the live hub and simulator."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import openai
import pytest
from django.utils import timezone

from providers.models import Credential, Provider
from routing.signals import pipeline_caches_clear
from tests import factories
from tests.live_hub import recorded_usage
from workspaces.api_keys import key_record_forget
from workspaces.models import ApiKey, ApiKeyScope

USER = [{"role": "user", "content": "Say hello to the hub"}]


def client(gateway, key: str | None = None) -> openai.OpenAI:
    return openai.OpenAI(base_url=gateway.v1, api_key=key or gateway.key, max_retries=0, timeout=20)


def test_chat_completion_with_hub_headers_and_a_usage_record(gateway):
    raw = client(gateway).chat.completions.with_raw_response.create(model="sim/echo", messages=USER)
    completion = raw.parse()
    assert completion.choices[0].message.content
    assert raw.headers["x-hub-provider"] == "sim"
    assert raw.headers["x-hub-model"] == "echo"
    assert raw.headers["x-hub-request-id"].startswith("req_")
    assert float(raw.headers["x-hub-overhead-ms"]) >= 0
    [record] = recorded_usage(request_id=raw.headers["x-hub-request-id"])
    assert record.status == "success" and record.api_key_id is not None
    assert record.input_tokens == completion.usage.prompt_tokens
    assert record.output_tokens == completion.usage.completion_tokens
    expected = (record.input_tokens * 2 + record.output_tokens * 8) / 1_000_000
    assert float(record.cost_usd) == pytest.approx(expected)
    assert raw.headers["x-hub-cost-usd"] == f"{record.cost_usd:f}"
    assert record.attempts[0]["provider"] == "sim" and record.attempts[0]["error_class"] is None


def test_stream_with_usage_in_the_final_chunk(gateway):
    chunks = list(
        client(gateway).chat.completions.create(
            model="sim/echo", messages=USER, stream=True, stream_options={"include_usage": True}
        )
    )
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text
    assert chunks[-1].usage is not None and chunks[-1].usage.completion_tokens > 0
    [record] = recorded_usage(stream=True)
    assert record.output_tokens == chunks[-1].usage.completion_tokens
    assert record.ttft_ms is not None and not record.tokens_estimated


def test_stream_without_include_usage_sends_no_usage_chunk(gateway):
    chunks = list(
        client(gateway).chat.completions.create(model="sim/echo", messages=USER, stream=True)
    )
    assert all(c.usage is None for c in chunks)
    [record] = recorded_usage(stream=True)
    assert record.output_tokens > 0  # the hub still learned the usage for its records


def test_tools_and_parallel_tool_calls_pass_through(gateway):
    tools = [
        {"type": "function", "function": {"name": "get_weather", "parameters": {
            "type": "object", "properties": {"city": {"type": "string"}}}}},
    ]  # fmt: skip
    completion = client(gateway).chat.completions.create(
        model="sim/echo",
        messages=[{"role": "user", "content": "Weather in Paris?"}],
        tools=tools,
        tool_choice="required",
        parallel_tool_calls=True,
    )
    calls = completion.choices[0].message.tool_calls
    assert calls and calls[0].function.name == "get_weather"
    json.loads(calls[0].function.arguments)


def test_json_mode(gateway):
    completion = client(gateway).chat.completions.create(
        model="sim/echo", messages=USER, response_format={"type": "json_object"}, temperature=0.2,
        top_p=0.9, max_tokens=50, stop=["\n\n"], seed=7, n=1,
    )  # fmt: skip
    assert isinstance(json.loads(completion.choices[0].message.content), dict)


def test_embeddings(gateway):
    result = client(gateway).embeddings.create(model="sim/embed", input=["one", "two"])
    assert len(result.data) == 2 and len(result.data[0].embedding) > 0
    [record] = recorded_usage(endpoint="embeddings")
    assert record.input_tokens > 0


def test_models_list_and_retrieve(gateway):
    models = client(gateway).models.list()
    ids = {m.id for m in models}
    assert {"sim/echo", "sim/embed"} <= ids
    echo = client(gateway).models.retrieve("sim/echo")
    assert echo.owned_by == "sim"
    assert echo.model_extra["pricing"]["input_per_mtok"] == 2.0
    with pytest.raises(openai.NotFoundError):
        client(gateway).models.retrieve("sim/none")


def test_unknown_model_is_404_model_not_found(gateway):
    with pytest.raises(openai.NotFoundError) as caught:
        client(gateway).chat.completions.create(model="other/echo", messages=USER)
    assert caught.value.body["code"] == "model_not_found"
    assert caught.value.body["param"] == "model"


def test_models_of_another_workspace_are_404(gateway, simulator):
    from tests import factories
    from tests.live_hub import wire_provider

    other = factories.make_workspace("Globex")
    wire_provider(other, slug="theirs", base_url=simulator.url)
    with pytest.raises(openai.NotFoundError):
        client(gateway).chat.completions.create(model="theirs/echo", messages=USER)


@pytest.mark.parametrize("key", ["hub-not-a-real-key-000000000000", "sk-nope"])
def test_bad_key_is_401(gateway, key):
    with pytest.raises(openai.AuthenticationError) as caught:
        client(gateway, key).chat.completions.create(model="sim/echo", messages=USER)
    assert caught.value.status_code == 401


def test_revoked_and_expired_keys_are_401(gateway):
    from tests import factories
    from workspaces import services

    revoked = gateway.key_with([ApiKeyScope.INFERENCE])
    owner = gateway.workspace.memberships.get(role="owner").user
    services.api_key_revoke(
        actor=factories.actor_for(owner, gateway.workspace),
        api_key=ApiKey.objects.order_by("-id").first(),
    )
    expired = gateway.key_with([ApiKeyScope.INFERENCE])
    ApiKey.objects.filter(pk=ApiKey.objects.order_by("-id").first().pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    for key in (revoked, expired):
        with pytest.raises(openai.AuthenticationError):
            client(gateway, key).chat.completions.create(model="sim/echo", messages=USER)


def test_revoking_a_key_in_use_takes_effect_at_once(gateway):
    from tests import factories
    from workspaces import services

    c = client(gateway)
    c.chat.completions.create(model="sim/echo", messages=USER)  # now cached in-process
    owner = gateway.workspace.memberships.get(role="owner").user
    services.api_key_revoke(
        actor=factories.actor_for(owner, gateway.workspace),
        api_key=ApiKey.objects.get(workspace=gateway.workspace, scopes=[ApiKeyScope.INFERENCE]),
    )
    with pytest.raises(openai.AuthenticationError):
        c.chat.completions.create(model="sim/echo", messages=USER)


def test_a_key_revoked_by_another_process_stops_working_within_seconds(gateway):
    """Another replica's revoke changes the row and the shared cache, not this process's
    in-process cache: the key is refused once that entry is older than its few seconds. Keys
    are served from that cache past its age only while the database cannot be reached."""
    c = client(gateway)
    c.chat.completions.create(model="sim/echo", messages=USER)
    key = ApiKey.objects.get(workspace=gateway.workspace, scopes=[ApiKeyScope.INFERENCE])
    ApiKey.objects.filter(pk=key.pk).update(revoked_at=timezone.now())  # no signal here
    key_record_forget(key.key_hash)
    revoked_at = time.monotonic()
    while time.monotonic() - revoked_at < 10:
        try:
            c.chat.completions.create(model="sim/echo", messages=USER)
        except openai.AuthenticationError:
            break
        time.sleep(0.25)
    assert time.monotonic() - revoked_at <= 6  # the actor cache's 5 s, and a call


def test_key_without_inference_scope_is_403(gateway):
    key = gateway.key_with([ApiKeyScope.READ])
    with pytest.raises(openai.PermissionDeniedError) as caught:
        client(gateway, key).chat.completions.create(model="sim/echo", messages=USER)
    assert caught.value.status_code == 403


def test_invalid_field_is_400_naming_it(gateway):
    with pytest.raises(openai.BadRequestError) as caught:
        client(gateway).chat.completions.create(model="sim/echo", messages=USER, temperature=7)
    assert caught.value.body["param"] == "temperature"


def test_body_over_the_limit_is_413(gateway):
    huge = [{"role": "user", "content": "x" * (11 * 1024 * 1024)}]
    with pytest.raises(openai.APIStatusError) as caught:
        client(gateway).chat.completions.create(model="sim/echo", messages=huge)
    assert caught.value.status_code == 413


def test_upstream_rate_limit_is_429_with_retry_after(gateway):
    with pytest.raises(openai.RateLimitError) as caught:
        client(gateway).chat.completions.create(model="sim/fault-429", messages=USER)
    assert caught.value.response.headers.get("retry-after")
    [record] = recorded_usage(model="sim/fault-429")
    assert record.status == "error" and record.http_status == 429


def test_upstream_500_is_502_naming_the_provider_not_its_secret(gateway):
    with pytest.raises(openai.InternalServerError) as caught:
        client(gateway).chat.completions.create(model="sim/fault-500", messages=USER)
    assert caught.value.status_code == 502
    assert "sim" in caught.value.message
    [record] = recorded_usage(model="sim/fault-500")
    assert record.error_class and record.attempts[-1]["error_class"]


def test_upstream_unavailable_is_503(gateway):
    from providers.models import Provider

    Provider.objects.filter(pk=gateway.provider.pk).update(base_url="http://127.0.0.1:9")
    pipeline_caches_clear()
    with pytest.raises(openai.APIStatusError) as caught:
        client(gateway).chat.completions.create(model="sim/echo", messages=USER)
    assert caught.value.status_code in (502, 503)


def test_a_call_that_succeeds_stamps_its_credential_as_used_and_a_failed_one_does_not(gateway):
    """The credential pages, REST and admin show when a secret was last used for a call."""
    credential = factories.make_credential(gateway.workspace, kind="simulated")
    Provider.objects.filter(pk=gateway.provider.pk).update(credential=credential)
    pipeline_caches_clear()
    with pytest.raises(openai.APIStatusError):
        client(gateway).chat.completions.create(model="sim/fault-500", messages=USER)
    recorded_usage(model="sim/fault-500")
    assert Credential.objects.get(pk=credential.pk).last_used_at is None
    before = timezone.now()
    client(gateway).chat.completions.create(model="sim/echo", messages=USER)
    recorded_usage(model="sim/echo")
    used = Credential.objects.get(pk=credential.pk).last_used_at
    assert used is not None and used >= before
