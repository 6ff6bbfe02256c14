"""Bodies a careless or hostile client sends to /v1, generated (hypothesis, bounded and
derandomised) and hand-made, over real HTTP to a live hub: no body gets a 5xx from the hub
itself, and every refusal is a JSON error body in the API's own shape."""

from __future__ import annotations

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.live_server
EXAMPLES = 120

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=6),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)
block = st.fixed_dictionaries(
    {"type": st.sampled_from(["text", "image_url", "image", "tool_use", "tool_result"]) | json_values},
    optional={name: json_values for name in ("text", "image_url", "source", "content", "input", "id", "name", "tool_use_id")},
)  # fmt: skip
message = st.fixed_dictionaries(
    {"role": st.sampled_from(["user", "assistant", "system", "tool", "developer"]) | json_values},
    optional={"content": st.text(max_size=8) | st.lists(block, max_size=3) | json_values,
              "tool_calls": json_values, "tool_call_id": json_values},
)  # fmt: skip
item = st.fixed_dictionaries(
    {"type": st.sampled_from(["message", "function_call", "function_call_output", "reasoning",
                              "web_search_call"]) | json_values},
    optional={name: json_values | st.text(max_size=6) for name in (
        "role", "content", "call_id", "name", "arguments", "output", "id")},
)  # fmt: skip
FIELDS = ("stream", "temperature", "top_p", "tools", "tool_choice", "response_format", "stop",
          "n", "seed", "stream_options", "system", "stop_sequences", "parallel_tool_calls",
          "metadata", "encoding_format", "dimensions", "prompt", "instructions", "text",
          "previous_response_id", "max_output_tokens", "store", "echo", "logprobs", "suffix",
          "best_of", "reasoning")  # fmt: skip
body = st.fixed_dictionaries(
    {"model": st.sampled_from(["sim/echo", "sim/embed", "nope"]) | json_values,
     "messages": st.lists(message, max_size=3) | json_values,
     "max_tokens": st.integers(1, 64) | json_values},
    optional={"input": st.text(max_size=8) | st.lists(item, max_size=3) | json_values,
              **{name: json_values for name in FIELDS}},
)  # fmt: skip
ENDPOINTS = {
    "/chat/completions": lambda data: "error" in data,
    "/messages": lambda data: data.get("type") == "error" and "error" in data,
    "/embeddings": lambda data: "error" in data,
    "/responses": lambda data: "error" in data,
    "/completions": lambda data: "error" in data,
    "/messages/count_tokens": lambda data: data.get("type") == "error" and "error" in data,
    "/responses/input_tokens": lambda data: "error" in data,
    "/chat/completions/count_tokens": lambda data: "error" in data,
}


def post(gateway, client: httpx.Client, path: str, **kwargs) -> httpx.Response:
    headers = {"Authorization": f"Bearer {gateway.key}", **kwargs.pop("headers", {})}
    return client.post(f"{gateway.v1}{path}", headers=headers, timeout=30, **kwargs)


def assert_answered_or_refused_in_shape(response: httpx.Response, path: str) -> None:
    assert response.status_code < 500 or response.json()["error"].get("provider"), (
        response.status_code,
        response.text[:300],
    )  # a provider's failure may be a 502/503/504, never the hub's own
    if response.status_code >= 400:
        assert ENDPOINTS[path](response.json()), response.text[:300]


@pytest.mark.parametrize("path", list(ENDPOINTS))
def test_generated_bodies_are_answered_or_refused_never_a_server_error(gateway, path):
    with httpx.Client() as client:

        @settings(
            max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
            suppress_health_check=list(HealthCheck),
        )  # fmt: skip
        @given(body)
        def check(generated: dict) -> None:
            assert_answered_or_refused_in_shape(post(gateway, client, path, json=generated), path)

        check()


GARBAGE = [
    b"[" * 100_000,
    b'{"model": "sim/echo", "messages": ' + b"[" * 50_000 + b"]" * 50_000 + b"}",
    b"\xff\xfe\x00not json",
    b'{"model": 1e999999, "messages": []}',
    b'{"model": "sim/echo", "messages": [{"role": "user", "content": "hi"}], "max_tokens": 1' + b"0" * 5000 + b"}",
    b'{"model": "sim/echo", "tool_choice": {"type": "function", "function": 5}, "messages": [{"role": "user", "content": "x"}]}',
    b"null",
    b"",
]  # fmt: skip


@pytest.mark.parametrize("path", list(ENDPOINTS))
@pytest.mark.parametrize("raw", GARBAGE, ids=range(len(GARBAGE)))
def test_hand_made_garbage_is_a_400_in_the_error_shape(gateway, path, raw):
    with httpx.Client() as client:
        response = post(
            gateway, client, path, content=raw, headers={"content-type": "application/json"}
        )
    assert response.status_code == 400, response.text[:300]
    assert ENDPOINTS[path](response.json())


@pytest.mark.parametrize(
    ("method", "path", "allowed", "anthropic"),
    [
        ("GET", "/chat/completions", "POST", False),
        ("PUT", "/chat/completions", "POST", False),
        ("DELETE", "/messages", "POST", True),
        ("GET", "/embeddings", "POST", False),
        ("POST", "/models", "GET, HEAD", False),
        ("DELETE", "/models/sim/echo", "GET, HEAD", False),
        ("GET", "/responses", "POST", False),
        ("PUT", "/responses/resp_1", "GET, HEAD, DELETE", False),
        ("GET", "/responses/input_tokens", "POST", False),
        ("GET", "/completions", "POST", False),
        ("GET", "/messages/count_tokens", "POST", True),
        ("GET", "/chat/completions/count_tokens", "POST", False),
    ],
)
def test_a_method_a_path_does_not_take_is_a_405_naming_the_allowed_ones(
    gateway, method, path, allowed, anthropic
):
    response = httpx.request(method, f"{gateway.v1}{path}", timeout=10)
    assert response.status_code == 405 and response.headers["allow"] == allowed
    error = response.json()["error"]
    assert method in error["message"] and allowed in error["message"]
    assert (
        (response.json()["type"] == "error")
        if anthropic
        else (error["code"] == "method_not_allowed")
    )


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize(
    ("method", "path", "anthropic"),
    [("GET", "/nothing-here", False), ("POST", "/chat/completions/", False),
     ("POST", "/messages/batches", True), ("GET", "", False), ("POST", "/a/b/c", False)],
)  # fmt: skip
def test_an_unknown_v1_path_is_a_json_404_in_the_callers_shape(
    gateway, settings, debug, method, path, anthropic
):
    """Never Django's HTML page, not even its debug 404 listing every URL pattern."""
    settings.DEBUG = debug
    response = httpx.request(method, f"{gateway.v1}{path}", timeout=10)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    if anthropic:
        assert body["type"] == "error" and body["error"]["type"] == "not_found_error"
    else:
        assert body["error"]["code"] == "unknown_url" and path in body["error"]["message"]


def test_v1_answers_only_the_allowed_hosts_and_says_nosniff(gateway):
    """Pages answer 400 to a Host outside ALLOWED_HOSTS; /v1, served without the middleware
    that checks it, does too, even with a valid key."""
    body = {"model": "sim/echo", "messages": [{"role": "user", "content": "hi"}]}
    headers = {"Authorization": f"Bearer {gateway.key}"}
    forged = httpx.post(f"{gateway.v1}/chat/completions", json=body, timeout=10,
                        headers={**headers, "Host": "evil.example"})  # fmt: skip
    assert forged.status_code == 400 and forged.json()["error"]["code"] == "invalid_host"
    fine = httpx.post(f"{gateway.v1}/chat/completions", json=body, headers=headers, timeout=10)
    assert fine.status_code == 200 and fine.headers["x-content-type-options"] == "nosniff"
    page = httpx.get(f"{gateway.url}/login/", headers={"Host": "evil.example"}, timeout=10)
    assert page.status_code == 400
