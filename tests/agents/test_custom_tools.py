"""Custom (webhook) tools and MCP servers, each a real server on loopback, called by agent
runs through the live pipeline: signed calls, bounded answers, errors as results, the
private-address guard at save and at call time, and only allowlisted MCP tools."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

import pytest
from django.core.exceptions import ValidationError

from agents.models import StepKind
from agents.tool_services import (
    CustomToolFields,
    McpServerFields,
    custom_tool_save,
    mcp_server_save,
)
from tests.agents.conftest import make_agent, run_agent
from tests.agents.mcp_server import McpTestServer
from tests.factories import owner_actor
from tests.loopback import HttpServer, SilentServer

WEATHER = {"type": "object", "properties": {"city": {"type": "string"}},
           "required": ["city"], "additionalProperties": False}  # fmt: skip


@pytest.fixture
def private_allowed(settings):
    settings.HUB_TOOLS_ALLOW_PRIVATE = True  # the servers are on loopback
    return settings


@pytest.fixture
def mcp_server():
    server = McpTestServer(token="mcp-token-123")
    yield server
    server.stop()


def weather_tool(workspace, url, **fields):
    return custom_tool_save(actor=owner_actor(workspace), fields=CustomToolFields(
        name="get_weather", description="The weather in a city.", url=url, parameters=WEATHER,
        **fields))  # fmt: skip


def tool_steps(run):
    return list(run.trace.filter(kind=StepKind.TOOL).order_by("number"))


def test_a_webhook_tool_is_called_signed_and_its_answer_is_the_result(gateway, private_allowed):
    hook = HttpServer(lambda *_: (200, {"content": "Sunny, 21 C"}))
    try:
        tool, secret = weather_tool(gateway.workspace, hook.url + "/weather")
        assert secret.startswith("whsec_") and secret not in tool.secret_encrypted
        agent = make_agent(gateway.workspace, tool_names=[])
        agent.custom_tools.add(tool)
        run, _ = run_agent(agent, 'get_weather({"city": "Paris"})')
        assert run.status == "completed" and run.output == "The tool answered: Sunny, 21 C"
        [request] = hook.requests
        body, headers = request["body"], request["headers"]
        expected = hmac.new(secret.encode(), headers["x-hub-timestamp"].encode() + b"." + body,
                            hashlib.sha256).hexdigest()  # fmt: skip
        assert headers["x-hub-signature"] == f"sha256={expected}"
        assert abs(int(headers["x-hub-timestamp"]) - time.time()) < 60
        sent = json.loads(body)
        assert sent["tool"] == "get_weather" and sent["arguments"] == {"city": "Paris"}
        assert sent["run_id"] == run.pk
        [step] = tool_steps(run)
        assert step.arguments == {"city": "Paris"} and step.result == "Sunny, 21 C"
    finally:
        hook.stop()


def test_webhook_failures_are_error_results_not_crashes(gateway, private_allowed):
    failing = HttpServer(lambda *_: (500, {"error": "database down"}))
    big = HttpServer(lambda *_: (200, {"content": "x" * 5000}))
    silent = SilentServer()
    try:
        cases = [(failing.url, {}, "HTTP 500"), (big.url, {"max_response_bytes": 1000}, "larger"),
                 (silent.url, {"timeout_s": 0.5}, "did not answer")]  # fmt: skip
        for url, extra, expected in cases:
            tool, _ = weather_tool(gateway.workspace, url, **extra)
            agent = make_agent(gateway.workspace, name=f"w{tool.pk}", tool_names=[])
            agent.custom_tools.add(tool)
            run, _ = run_agent(agent, 'get_weather({"city": "Oslo"})')
            assert run.status == "completed"
            [step] = tool_steps(run)
            assert step.is_error and expected in step.result, step.result
            tool.delete()
    finally:
        failing.stop(), big.stop(), silent.stop()


def test_private_addresses_are_refused_when_saved_and_when_called(gateway, settings):
    settings.HUB_TOOLS_ALLOW_PRIVATE = False
    with pytest.raises(ValidationError) as refused:
        weather_tool(gateway.workspace, "http://127.0.0.1:9/weather")
    assert "private" in str(refused.value)
    hook = HttpServer(lambda *_: (200, {"content": "leaked"}))
    try:
        settings.HUB_TOOLS_ALLOW_PRIVATE = True
        tool, _ = weather_tool(gateway.workspace, hook.url)
        settings.HUB_TOOLS_ALLOW_PRIVATE = False  # the guard is checked again at connect time
        agent = make_agent(gateway.workspace, tool_names=[])
        agent.custom_tools.add(tool)
        run, _ = run_agent(agent, 'get_weather({"city": "Oslo"})')
        [step] = tool_steps(run)
        assert step.is_error and "private" in step.result and not hook.requests
    finally:
        hook.stop()


def test_bad_custom_tools_are_refused_with_the_field(gateway, private_allowed):
    actor = owner_actor(gateway.workspace)
    for fields, name in [
        (CustomToolFields(name="bad name", description="x", url="http://a.example"), "name"),
        (CustomToolFields(name="calculator", description="x", url="http://a.example"), "name"),
        (CustomToolFields(name="ok", description="", url="http://a.example"), "description"),
        (CustomToolFields(name="ok", description="x", url="ftp://a.example"), "url"),
        (CustomToolFields(name="ok", description="x", url="http://a.example",
                          parameters={"type": "object", "properties": {"a": {"type": 5}}}),
         "parameters"),
    ]:  # fmt: skip
        with pytest.raises(ValidationError) as caught:
            custom_tool_save(actor=actor, fields=fields)
        assert name in caught.value.message_dict, (fields, caught.value)


def test_an_mcp_servers_allowlisted_tools_are_offered_and_called(
    gateway, private_allowed, mcp_server
):
    server = mcp_server_save(actor=owner_actor(gateway.workspace), fields=McpServerFields(
        name="tests", url=mcp_server.url, allowed_tools=["add", "shout"],
        token="mcp-token-123"))  # fmt: skip
    assert "mcp-token-123" not in server.token_encrypted
    agent = make_agent(gateway.workspace, tool_names=[])
    agent.mcp_servers.add(server)
    run, _ = run_agent(agent, 'tests__add({"a": 2, "b": 40}) and tests__shout({"text": "hi"})')
    assert run.status == "completed", run.error
    assert [s.result for s in tool_steps(run)] == ["42", "HI"]
    assert run.output == "The tools answered: tests__add: 42; tests__shout: HI"
    assert mcp_server.calls == [("add", {"a": 2, "b": 40}), ("shout", {"text": "hi"})]
    assert set(mcp_server.seen_tokens) == {"Bearer mcp-token-123"}
    # A tool the workspace did not allowlist is never offered, so never called.
    run, _ = run_agent(agent, "Please delete_everything({})")
    assert run.output.startswith("You said:") and not tool_steps(run)
    assert ("delete_everything", {}) not in mcp_server.calls


def test_an_unreachable_mcp_server_leaves_its_tools_out(gateway, private_allowed):
    silent = SilentServer()
    try:
        server = mcp_server_save(actor=owner_actor(gateway.workspace), fields=McpServerFields(
            name="gone", url=silent.url + "/mcp", allowed_tools=["add"], timeout_s=1))  # fmt: skip
        agent = make_agent(gateway.workspace)
        agent.mcp_servers.add(server)
        started = time.monotonic()
        run, _ = run_agent(agent, 'calculator({"expression": "2+2"})')
        assert run.status == "completed" and run.output == "The tool answered: 4"
        assert time.monotonic() - started < 10
    finally:
        silent.stop()
