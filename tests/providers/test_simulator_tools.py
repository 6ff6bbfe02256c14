"""The simulated provider's tool turns, as strict as the real APIs: results that do not
answer the calls before them are refused in every wire format, a Gemini turn must answer
every functionCall of the turn before, explicit calls give the arguments written, and a
``chain-N`` model keeps calling until N results are in."""

from __future__ import annotations

import json

from tests.providers.test_simulator import post

TOOL = {"type": "function", "function": {"name": "lookup", "parameters": {
    "type": "object", "properties": {"q": {"type": "string"}}}}}  # fmt: skip
CALL = {"id": "call_1", "type": "function", "function": {"name": "lookup", "arguments": "{}"}}


def openai(simulator, messages, **extra):
    body = {"model": "echo", "messages": messages, "tools": [TOOL], **extra}
    return post(simulator, "/v1/chat/completions", body)


def test_openai_refuses_unanswered_calls_and_stray_results(simulator):
    ask = {"role": "user", "content": "hi"}
    asked = {"role": "assistant", "content": None, "tool_calls": [CALL, {**CALL, "id": "call_2"}]}
    half = [ask, asked, {"role": "tool", "tool_call_id": "call_1", "content": "a"}, ask]
    assert openai(simulator, half).status_code == 400
    stray = [ask, {"role": "tool", "tool_call_id": "call_9", "content": "a"}]
    assert openai(simulator, stray).status_code == 400
    whole = [ask, asked, {"role": "tool", "tool_call_id": "call_2", "content": "b"},
             {"role": "tool", "tool_call_id": "call_1", "content": "a"}]  # fmt: skip
    answer = openai(simulator, whole).json()["choices"][0]["message"]["content"]
    assert answer == "The tools answered: lookup: b; lookup: a"


def test_explicit_calls_carry_the_arguments_written(simulator):
    text = 'lookup({"q": "café ☕", "n": [1, {"x": null}]}) lookup({"q": "two"})'
    message = openai(simulator, [{"role": "user", "content": text}]).json()["choices"][0]["message"]
    arguments = [json.loads(c["function"]["arguments"]) for c in message["tool_calls"]]
    assert arguments == [{"q": "café ☕", "n": [1, {"x": None}]}, {"q": "two"}]
    assert len({c["id"] for c in message["tool_calls"]}) == 2


def test_anthropic_refuses_a_tool_use_without_its_result(simulator):
    tools = [{"name": "lookup", "input_schema": TOOL["function"]["parameters"]}]
    use = {"type": "tool_use", "id": "toolu_1", "name": "lookup", "input": {}}
    turns = [{"role": "user", "content": "hi"}, {"role": "assistant", "content": [use]},
             {"role": "user", "content": "and?"}]  # fmt: skip
    body = {"model": "echo", "max_tokens": 50, "tools": tools, "messages": turns}
    refused = post(simulator, "/v1/messages", body)
    assert refused.status_code == 400 and "tool result" in refused.text


def test_gemini_wants_every_call_answered_in_the_next_turn(simulator):
    calls = {"role": "model", "parts": [{"functionCall": {"name": "lookup", "args": {"q": "a"}}},
                                        {"functionCall": {"name": "lookup", "args": {"q": "b"}}}]}  # fmt: skip

    def reply(*answers):
        return {"role": "user", "parts": [{"functionResponse": {"name": "lookup",
                "response": {"content": a}}} for a in answers]}  # fmt: skip

    body = {"tools": [{"functionDeclarations": [TOOL["function"]]}]}
    ask = {"role": "user", "parts": [{"text": "look both up"}]}
    path = "/v1beta/models/echo:generateContent"
    split = post(simulator, path, {**body, "contents": [ask, calls, reply("A"), reply("B")]})
    assert split.status_code == 400 and "function response parts (1)" in split.text
    merged = post(simulator, path, {**body, "contents": [ask, calls, reply("A", "B")]}).json()
    assert merged["candidates"][0]["content"]["parts"] == [
        {"text": "The tools answered: lookup: A; lookup: B"}
    ]


def test_a_chain_model_calls_until_it_has_its_results(simulator):
    messages = [{"role": "user", "content": "go"}]
    for number in range(3):
        message = openai(simulator, messages, model="chain-3").json()["choices"][0]["message"]
        [call] = message["tool_calls"]
        assert json.loads(call["function"]["arguments"]) == {"q": f"step {number}"}
        messages += [message, {"role": "tool", "tool_call_id": call["id"], "content": "ok"}]
    final = openai(simulator, messages, model="chain-3").json()["choices"][0]
    assert final["finish_reason"] == "stop" and "tool_calls" not in final["message"]
