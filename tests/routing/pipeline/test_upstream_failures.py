"""Upstreams that hang or answer garbage: the client gets a clear status, never a 500."""

from __future__ import annotations

import json
import time

import httpx

from providers.models import Provider
from routing.models import ModelAlias
from tests.live_hub import recorded_usage

USER = [{"role": "user", "content": "hello"}]


def call(gateway, model: str, **body) -> httpx.Response:
    return httpx.post(
        f"{gateway.v1}/chat/completions",
        json={"model": model, "messages": USER, **body},
        headers={"Authorization": f"Bearer {gateway.key}"},
        timeout=30,
    )


def test_a_hanging_provider_times_out_as_504(gateway):
    Provider.objects.filter(pk=gateway.provider.pk).update(options={"first_token_timeout": 0.5})
    started = time.perf_counter()
    response = call(gateway, "sim/fault-hang")
    assert response.status_code == 504
    assert response.json()["error"]["code"] == "upstream_timeout"
    assert time.perf_counter() - started < 5
    [record] = recorded_usage(model="sim/fault-hang")
    assert record.error_class == "timeout"


def test_a_hanging_stream_times_out_before_the_first_byte(gateway):
    Provider.objects.filter(pk=gateway.provider.pk).update(options={"first_token_timeout": 0.5})
    response = call(gateway, "sim/fault-hang", stream=True)
    assert response.status_code == 504


def test_malformed_json_is_a_502(gateway):
    response = call(gateway, "sim/fault-malformed")
    assert response.status_code == 502
    assert "not valid JSON" in response.json()["error"]["message"]


def test_a_connection_dropped_before_any_byte_is_a_503(gateway):
    response = call(gateway, "sim/fault-cut")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "upstream_unavailable"


def test_a_stream_whose_body_is_not_a_stream_is_a_failure_not_an_empty_success(gateway, settings):
    """200 with a body that is no event stream: a 502 before any byte, recorded as an error,
    counted by the breaker (which opens after two here), never ``[DONE]`` with nothing."""
    settings.HUB_RETRY_ATTEMPTS, settings.HUB_BREAKER_FAILURES = 1, 2
    for _ in range(2):
        response = call(gateway, "sim/fault-malformed", stream=True)
        assert response.status_code == 502, response.text
        assert response.json()["error"]["code"] == "upstream_error"
    records = recorded_usage(model="sim/fault-malformed")
    assert [r.status for r in records] == ["error", "error"]
    assert records[0].attempts[0]["error_class"] == "malformed_response"
    assert call(gateway, "sim/fault-malformed", stream=True).json()["error"]["code"] == (
        "circuit_open"
    )


def test_a_stream_whose_body_is_not_a_stream_falls_back_before_the_first_byte(gateway):
    alias_to(gateway, "safe", ["sim/fault-malformed", "sim/echo"])
    response = call(gateway, "safe", stream=True)
    assert response.status_code == 200 and "You said: hello" in stream_text(response)
    [record] = recorded_usage(model="safe")
    assert record.status == "success" and record.upstream_model == "echo"
    assert record.attempts[0]["error_class"] == "malformed_response"


def test_the_first_token_limit_bounds_a_stream_that_sends_headers_and_then_nothing(gateway):
    """The stall fault answers 200 and a role-only chunk, then waits: the limit counts until
    the first chunk with output, not the headers, so the call neither waits for the total
    timeout nor sends the client a role chunk it must then take back."""
    Provider.objects.filter(pk=gateway.provider.pk).update(options={"first_token_timeout": 0.5})
    started = time.perf_counter()
    response = call(gateway, "sim/fault-stall", stream=True)
    assert response.status_code == 504 and time.perf_counter() - started < 5
    assert response.json()["error"]["code"] == "upstream_timeout"
    alias_to(gateway, "patient", ["sim/fault-stall", "sim/echo"])
    rescued = call(gateway, "patient", stream=True)
    assert rescued.status_code == 200 and "You said: hello" in stream_text(rescued)


def alias_to(gateway, name: str, models: list[str]) -> None:
    ModelAlias.objects.create(
        workspace=gateway.workspace, name=name, candidates=[{"model": m} for m in models]
    )


def stream_text(response: httpx.Response) -> str:
    text = ""
    for line in response.text.splitlines():
        if line.startswith("data: {"):
            for choice in json.loads(line[6:]).get("choices") or ():
                text += (choice.get("delta") or {}).get("content") or ""
    return text
