"""SSE relay over real HTTP: chunks forwarded as they arrive, errors mid-stream, disconnects."""

from __future__ import annotations

import itertools
import json
import time

import httpx
import pytest

from tests.live_hub import recorded_usage, wire_provider

LONG = [{"role": "user", "content": " ".join(["word"] * 40)}]


@pytest.fixture
def slow(gateway, slow_simulator):
    wire_provider(gateway.workspace, slug="slow", base_url=slow_simulator.url)
    return gateway


def stream_lines(gateway, model: str, **extra):
    body = {"model": model, "messages": LONG, "stream": True, **extra}
    headers = {"Authorization": f"Bearer {gateway.key}"}
    return httpx.stream(
        "POST", f"{gateway.v1}/chat/completions", json=body, headers=headers, timeout=30
    )


def test_first_chunk_arrives_long_before_the_upstream_finishes(slow):
    started = time.perf_counter()
    arrivals: list[float] = []
    with stream_lines(slow, "slow/echo") as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        assert response.headers["x-hub-provider"] == "slow"
        for line in response.iter_lines():
            if line.startswith("data: "):
                arrivals.append(time.perf_counter() - started)
    total = arrivals[-1]
    assert len(arrivals) > 5
    assert arrivals[0] < total / 3, "the first chunk was held back"
    gaps = [b - a for a, b in itertools.pairwise(arrivals)]
    assert max(gaps) < total / 2, "chunks were buffered together"


def test_failure_after_the_first_chunk_ends_with_an_error_event(gateway):
    with stream_lines(gateway, "sim/fault-cut") as response:
        assert response.status_code == 200
        events = [line[6:] for line in response.iter_lines() if line.startswith("data: ")]
    assert len(events) >= 2 and events[-1] != "[DONE]"
    error = json.loads(events[-1])["error"]
    assert error["message"] and "sim" in error["message"]
    [record] = recorded_usage(model="sim/fault-cut")
    assert record.status == "error" and record.error_class


def test_client_disconnect_cancels_the_upstream_call(slow):
    with stream_lines(slow, "slow/echo") as response:
        for line in response.iter_lines():
            if line.startswith("data: "):
                break  # leave after the first chunk
    time.sleep(0.5)
    [record] = recorded_usage(model="slow/echo")
    assert record.status == "cancelled"
    assert record.latency_ms < 1500  # the full answer takes ~2 s at 20 tokens/s
    assert record.attempts and record.attempts[-1]["error_class"] in (
        "CancelledError",
        "GeneratorExit",
    )


def test_upstream_failure_before_the_first_chunk_is_a_plain_http_error(gateway):
    with stream_lines(gateway, "sim/fault-500") as response:
        response.read()
        assert response.status_code == 502
        assert response.json()["error"]["code"] == "upstream_error"
