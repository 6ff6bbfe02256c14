"""Agents as models on /v1, called with the official OpenAI SDK against the live hub."""

from __future__ import annotations

import httpx
import openai
import pytest

from agents.models import Run
from tests import factories
from tests.agents.conftest import make_agent
from tests.live_hub import recorded_usage

TASK = 'Work out calculator({"expression": "6*7"})'


def client(gateway) -> openai.OpenAI:
    return openai.OpenAI(base_url=gateway.v1, api_key=gateway.key, max_retries=0, timeout=30)


def test_an_agent_answers_as_a_model(gateway):
    make_agent(gateway.workspace, name="maths")
    raw = client(gateway).chat.completions.with_raw_response.create(
        model="agent:maths", messages=[{"role": "user", "content": TASK}]
    )
    completion = raw.parse()
    assert completion.choices[0].message.content == "The tool answered: 42"
    assert completion.choices[0].finish_reason == "stop"
    run = Run.objects.get(pk=int(raw.headers["x-hub-agent-run"]))
    assert run.status == "completed" and run.steps == 2
    usage = recorded_usage(source="agent")
    assert len(usage) == 2
    assert completion.usage.prompt_tokens == sum(u.input_tokens for u in usage)


def test_an_agent_streams_as_a_model(gateway):
    make_agent(gateway.workspace, name="maths")
    stream = client(gateway).chat.completions.create(
        model="agent:maths", messages=[{"role": "user", "content": "Hello agent"}], stream=True
    )
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "You said: Hello agent"
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "stop"
    assert chunks[-1].usage is not None and chunks[-1].usage.total_tokens > 0


def test_the_callers_earlier_turns_are_the_runs_history(gateway):
    make_agent(gateway.workspace, name="maths")
    turns = [
        {"role": "system", "content": "Answer briefly."},
        {"role": "user", "content": "My name is Ada"},
        {"role": "assistant", "content": "Hello Ada"},
        {"role": "user", "content": "What is my name"},
    ]
    client(gateway).chat.completions.create(model="agent:maths", messages=turns)
    lone = client(gateway).chat.completions.create(model="agent:maths", messages=turns[-1:])
    first, second = Run.objects.order_by("id")
    assert first.trace.get().input_tokens > second.trace.get().input_tokens
    assert lone.choices[0].message.content == "You said: What is my name"


def test_unknown_agents_and_other_workspaces_agents_are_not_models(gateway):
    other = factories.make_workspace("Other")
    make_agent(other, name="secret")
    for name in ("agent:nobody", "agent:secret"):
        with pytest.raises(openai.NotFoundError) as caught:
            client(gateway).chat.completions.create(
                model=name, messages=[{"role": "user", "content": "hi"}]
            )
        assert caught.value.body["code"] == "model_not_found"
    assert not Run.objects.exists()


def test_bad_requests_get_openai_errors(gateway):
    make_agent(gateway.workspace, name="maths")
    url = gateway.v1 + "/chat/completions"
    headers = {"Authorization": f"Bearer {gateway.key}"}
    cases = [
        {"model": "agent:maths", "messages": []},
        {"model": "agent:maths", "messages": [{"role": "assistant", "content": "hi"}]},
        {"model": "agent:maths", "messages": [{"role": "user", "content": "hi"}],
         "tools": [{"type": "function", "function": {"name": "x"}}]},
    ]  # fmt: skip
    for body in cases:
        answer = httpx.post(url, json=body, headers=headers, timeout=10)
        assert answer.status_code == 400, body
        assert answer.json()["error"]["type"] == "invalid_request_error"
    assert httpx.post(url, json={"model": "agent:maths", "messages": [{"role": "user",
                      "content": "hi"}]}, timeout=10).status_code == 401  # fmt: skip


def test_a_failed_run_is_a_502_with_the_run_named(gateway):
    make_agent(gateway.workspace, name="broken", model_names=["sim/fault-500"], retries=0)
    with pytest.raises(openai.APIStatusError) as caught:
        client(gateway).chat.completions.create(
            model="agent:broken", messages=[{"role": "user", "content": "hi"}]
        )
    assert caught.value.status_code == 502
    run = Run.objects.get()
    assert run.status == "failed" and f"run {run.pk}" in caught.value.message
