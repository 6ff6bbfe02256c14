"""Upstreams that hang or answer garbage: the client gets a clear status, never a 500."""

from __future__ import annotations

import time

import httpx

from providers.models import Provider, ProviderModel
from tests.live_hub import PRICES, recorded_usage

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
    ProviderModel.objects.create(
        workspace=gateway.workspace, provider=gateway.provider, name="fault-malformed", **PRICES
    )
    response = call(gateway, "sim/fault-malformed")
    assert response.status_code == 502
    assert "not valid JSON" in response.json()["error"]["message"]


def test_a_connection_dropped_before_any_byte_is_a_503(gateway):
    response = call(gateway, "sim/fault-cut")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "upstream_unavailable"
