"""The simulated provider over real HTTP: each wire format, the scripted faults, the script."""

from __future__ import annotations

import json
import subprocess
import sys

import httpx
import pytest

from tests.simulated import ROOT, Simulator

CHAT = {"model": "echo", "messages": [{"role": "user", "content": "one two three"}]}


def post(simulator, path: str, body: dict, **kwargs) -> httpx.Response:
    return httpx.post(simulator.url + path, json=body, timeout=kwargs.pop("timeout", 10), **kwargs)


def sse_data(response: httpx.Response) -> list[str]:
    return [line[6:] for line in response.text.splitlines() if line.startswith("data: ")]


def test_openai_completion_is_deterministic_with_word_usage(simulator):
    first = post(simulator, "/v1/chat/completions", CHAT).json()
    second = post(simulator, "/v1/chat/completions", CHAT).json()
    assert first["choices"][0]["message"]["content"] == "You said: one two three"
    assert first["choices"] == second["choices"]
    assert first["usage"]["completion_tokens"] == 5


def test_openai_stream_one_token_per_chunk_then_usage_and_done(simulator):
    body = {**CHAT, "stream": True, "stream_options": {"include_usage": True}}
    events = sse_data(post(simulator, "/v1/chat/completions", body))
    assert events[-1] == "[DONE]"
    chunks = [json.loads(e) for e in events[:-1]]
    text = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks if c["choices"])
    assert text == "You said: one two three"
    assert chunks[-1]["usage"]["completion_tokens"] == 5


def test_max_tokens_cuts_with_finish_reason_length(simulator):
    body = {**CHAT, "max_tokens": 2}
    choice = post(simulator, "/v1/chat/completions", body).json()["choices"][0]
    assert choice["message"]["content"] == "You said:" and choice["finish_reason"] == "length"


def test_embeddings_are_unit_vectors_and_stable(simulator):
    body = {"model": "embed", "input": ["cats purr", "cats purr", "stock markets"]}
    data = post(simulator, "/v1/embeddings", body).json()["data"]
    a, b, c = (d["embedding"] for d in data)
    assert a == b and a != c
    assert sum(v * v for v in a) == pytest.approx(1.0, abs=1e-3)


DOCUMENTS = ["dogs", "cats sleep", "cats"]
RERANK = {"model": "rerank-mini", "query": "cats sleep", "documents": DOCUMENTS}


def test_rerank_scores_word_overlap_in_jina_and_cohere_shapes(simulator):
    jina = post(simulator, "/v1/rerank", {**RERANK, "top_n": 2}).json()
    assert jina["results"] == [
        {"index": 1, "relevance_score": 1.0, "document": {"text": "cats sleep"}},
        {"index": 2, "relevance_score": 0.5, "document": {"text": "cats"}},
    ]
    assert jina["usage"] == {"total_tokens": 3 * 2 + 4} and jina["model"] == "rerank-mini"
    cohere = post(simulator, "/v2/rerank", RERANK).json()
    assert [r["index"] for r in cohere["results"]] == [1, 2, 0]
    assert "document" not in cohere["results"][0]
    assert cohere["meta"]["billed_units"] == {"search_units": 1}


def test_rerank_refuses_bad_bodies_and_meets_faults(simulator):
    assert post(simulator, "/v1/rerank", {**RERANK, "documents": [1]}).status_code == 400
    assert post(simulator, "/v1/rerank", {**RERANK, "model": "fault-503"}).status_code == 503


def test_model_list_has_prices_and_context(simulator):
    models = httpx.get(simulator.url + "/v1/models").json()["data"]
    echo = next(m for m in models if m["id"] == "echo")
    assert echo["context_window"] > 0 and echo["pricing"]["prompt"]


def test_anthropic_messages_complete_and_stream(simulator):
    body = {"model": "echo", "max_tokens": 50, "messages": [{"role": "user", "content": "hi you"}]}
    message = post(simulator, "/v1/messages", body).json()
    assert message["content"] == [{"type": "text", "text": "You said: hi you"}]
    assert message["stop_reason"] == "end_turn" and message["usage"]["output_tokens"] == 4
    stream = post(simulator, "/v1/messages", {**body, "stream": True}).text
    names = [line[7:] for line in stream.splitlines() if line.startswith("event: ")]
    assert names[0] == "message_start" and names[-1] == "message_stop"
    assert "content_block_delta" in names


def test_anthropic_tool_turns_are_read_as_anthropic_documents_them(simulator):
    """A tool named in the question is called; its result, sent back as a tool_result block
    in a user turn after the assistant's tool_use block, is what the model then answers."""
    tools = [{"name": "get_weather", "description": "Weather.",
              "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}}}]  # fmt: skip
    ask = {"role": "user", "content": [{"type": "text", "text": "What is the weather in Paris?"}]}
    body = {"model": "echo", "max_tokens": 50, "system": [{"type": "text", "text": "Be brief."}],
            "tools": tools, "messages": [ask]}  # fmt: skip
    first = post(simulator, "/v1/messages", body).json()
    assert first["stop_reason"] == "tool_use"
    [call] = first["content"]
    assert call["type"] == "tool_use" and call["input"] == {"city": "Paris"}
    result = {
        "type": "tool_result",
        "tool_use_id": call["id"],
        "content": [{"type": "text", "text": "Sunny"}],
    }
    turns = [ask, {"role": "assistant", "content": [call]}, {"role": "user", "content": [result]}]
    second = post(simulator, "/v1/messages", {**body, "messages": turns}).json()
    assert second["content"] == [{"type": "text", "text": "The tool answered: Sunny"}]
    refused = post(simulator, "/v1/messages", {"model": "echo", "messages": [ask]})
    assert refused.status_code == 400 and "max_tokens" in refused.text


def test_gemini_generate_and_stream(simulator):
    body = {"contents": [{"role": "user", "parts": [{"text": "hi gem"}]}]}
    result = post(simulator, "/v1beta/models/echo:generateContent", body).json()
    assert result["candidates"][0]["content"]["parts"] == [{"text": "You said: hi gem"}]
    assert result["usageMetadata"]["candidatesTokenCount"] == 4
    events = sse_data(post(simulator, "/v1beta/models/echo:streamGenerateContent?alt=sse", body))
    assert json.loads(events[-1])["candidates"][0]["finishReason"] == "STOP"


@pytest.mark.parametrize(
    ("model", "status"), [("fault-500", 500), ("fault-503", 503), ("fault-401", 401)]
)
def test_status_faults(simulator, model, status):
    response = post(simulator, "/v1/chat/completions", {**CHAT, "model": model})
    assert response.status_code == status and response.json()["error"]["message"]


def test_rate_limit_fault_says_when_to_retry(simulator):
    response = post(simulator, "/v1/chat/completions", {**CHAT, "model": "fault-429"})
    assert response.status_code == 429 and response.headers["retry-after"] == "1"


def test_malformed_fault_is_not_json(simulator):
    response = post(simulator, "/v1/chat/completions", {**CHAT, "model": "fault-malformed"})
    with pytest.raises(ValueError):
        response.json()


def test_hang_fault_outlasts_a_timeout(simulator):
    with pytest.raises(httpx.ReadTimeout):
        post(simulator, "/v1/chat/completions", {**CHAT, "model": "fault-hang"}, timeout=0.5)


def test_cut_fault_breaks_the_stream_after_some_chunks(simulator):
    body = {**CHAT, "model": "fault-cut", "stream": True}
    received: list[str] = []
    with (
        pytest.raises(httpx.RemoteProtocolError),
        httpx.stream("POST", simulator.url + "/v1/chat/completions", json=body) as response,
    ):
        for line in response.iter_lines():  # reading is what breaks
            received.append(line)
    assert any(line.startswith("data: ") for line in received)


def test_script_plays_its_sequence_then_succeeds(tmp_path):
    script = tmp_path / "faults.json"
    script.write_text(json.dumps({"sequence": ["500", "429", "ok"]}))
    sim = Simulator("--script", str(script))
    try:
        statuses = [post(sim, "/v1/chat/completions", CHAT).status_code for _ in range(5)]
    finally:
        sim.stop()
    assert statuses == [500, 429, 200, 200, 200]


def test_a_bad_script_stops_with_one_clear_line(tmp_path):
    script = tmp_path / "faults.json"
    script.write_text(json.dumps({"sequence": ["explode"]}))
    result = subprocess.run(
        [sys.executable, "manage.py", "simulate_provider", "--script", str(script)],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode != 0
    assert "unknown steps ['explode']" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_json_body_is_a_400(simulator):
    response = httpx.post(simulator.url + "/v1/chat/completions", content=b"{nope")
    assert response.status_code == 400 and response.json()["error"]["message"]
