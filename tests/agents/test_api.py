"""REST for agents, runs, custom tools and MCP servers against the live hub: create and edit
with the field named on a refusal, runs queued, waited for or streamed as server-sent
events, cancel, the roles, and secrets that are never read back."""

from __future__ import annotations

import json

import httpx
import pytest
from django.utils import timezone

from agents.models import Agent, CustomTool, Run
from agents.services import run_create
from agents.tasks import run_task
from tests import factories
from tests.clients import ALL_SCOPES, assert_openai_error, make_key
from tests.factories import owner_of
from tests.live_hub import recorded_usage
from workspaces.api_keys import actor_for_key
from workspaces.models import ApiKey

TASK = 'Please calculator({"expression": "6*7"})'


@pytest.fixture
def api(gateway):
    key = make_key(owner_of(gateway.workspace), gateway.workspace, ALL_SCOPES)
    client = httpx.Client(base_url=f"{gateway.url}/api/workspaces/{gateway.workspace.slug}",
                          headers={"Authorization": f"Bearer {key}"}, timeout=30)  # fmt: skip
    yield client
    client.close()


def new_agent(api, **fields):
    body = {"name": "maths", "model_names": ["sim/echo"], "tool_names": ["calculator"], **fields}
    answer = api.post("/agents/", json=body)
    assert answer.status_code == 201, answer.text
    return answer.json()


def test_agents_are_created_read_changed_and_deleted(api):
    agent = new_agent(api, description="Does sums.")
    assert agent["model"] == "agent:maths" and agent["max_steps"] == 10
    assert agent["first_token_timeout_s"] == 10.0 and agent["retries"] == 3
    changed = api.patch(f"/agents/{agent['id']}/", json={"max_steps": 4, "max_usd": "0.5"})
    assert changed.status_code == 200 and changed.json()["max_steps"] == 4
    assert changed.json()["description"] == "Does sums."  # untouched fields kept
    assert [a["name"] for a in api.get("/agents/").json()["results"]] == ["maths"]
    assert api.delete(f"/agents/{agent['id']}/").status_code == 204
    assert not Agent.objects.exists()


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"name": "x", "model_names": []}, "model_names"),
        ({"name": "x", "model_names": ["sim/echo"], "tool_names": ["rm_rf"]}, "tool_names"),
        ({"name": "x", "model_names": ["sim/echo"], "tool_names": ["http_request"]},
         "allowed_hosts"),
        ({"name": "x", "model_names": ["sim/echo"], "allowed_hosts": ["http://a.b/"]},
         "allowed_hosts"),
        ({"name": "x", "model_names": ["sim/echo"], "delegate_ids": [999999]}, "delegates"),
        ({"name": "x", "model_names": ["sim/echo"], "max_steps": 0}, "max_steps"),
    ],
)  # fmt: skip
def test_bad_agents_are_refused_naming_the_field(api, body, param):
    assert_openai_error(api.post("/agents/", json=body), 400, param=param)


def test_a_run_waited_for_carries_its_trace(api):
    agent = new_agent(api)
    answer = api.post(f"/agents/{agent['id']}/runs/", json={"input": TASK, "wait": True})
    assert answer.status_code == 200, answer.text
    run = answer.json()
    assert run["status"] == "completed" and run["output"] == "The tool answered: 42"
    assert [s["kind"] for s in run["trace"]] == ["model", "tool", "model"]
    assert run["trace"][1]["arguments"] == {"expression": "6*7"}
    again = api.get(f"/agent-runs/{run['id']}/").json()
    assert again["trace"] == run["trace"]
    assert [r["id"] for r in api.get(f"/agents/{agent['id']}/runs/").json()["results"]] == [
        run["id"]
    ]


def test_a_run_queued_is_worked_by_the_worker(api):
    agent = new_agent(api)
    answer = api.post(f"/agents/{agent['id']}/runs/", json={"input": TASK})
    assert answer.status_code == 202
    run = Run.objects.get(pk=answer.json()["id"])  # tests run Celery eagerly
    assert run.status == "completed"


def test_a_run_streams_its_events(api):
    agent = new_agent(api)
    with api.stream("POST", f"/agents/{agent['id']}/runs/",
                    json={"input": TASK, "stream": True}) as answer:  # fmt: skip
        assert answer.headers["content-type"].startswith("text/event-stream")
        lines = [line for line in answer.iter_lines() if line]
    kinds = [line[7:] for line in lines if line.startswith("event: ")]
    assert kinds[0] == "run" and kinds[-1] == "ended"
    assert kinds.count("model_step") == 2 and kinds.count("tool_step") == 1
    assert "delta" in kinds
    ended = json.loads(lines[-1][6:])
    assert ended["status"] == "completed" and ended["output"] == "The tool answered: 42"


def test_threads_continue_through_the_api(api):
    agent = new_agent(api)
    first = api.post(f"/agents/{agent['id']}/runs/",
                     json={"input": "My name is Ada", "new_thread": True, "wait": True}).json()  # fmt: skip
    assert first["thread"] is not None
    second = api.post(f"/agents/{agent['id']}/runs/",
                      json={"input": "Who am I", "thread": first["thread"], "wait": True}).json()  # fmt: skip
    assert second["thread"] == first["thread"]
    assert second["trace"][0]["input_tokens"] > first["trace"][0]["input_tokens"]
    assert api.post(f"/agents/{agent['id']}/runs/",
                    json={"input": "x", "thread": 999999}).status_code == 404  # fmt: skip


def test_cancel_closes_a_queued_run(api, gateway):
    agent = new_agent(api)
    run = Run.objects.create(workspace=gateway.workspace, agent_id=agent["id"], input="x")
    answer = api.post(f"/agent-runs/{run.pk}/cancel/")
    assert answer.status_code == 200 and answer.json()["status"] == "cancelled"


def test_viewers_read_but_may_not_write_or_run(gateway, api, session_client):
    agent = new_agent(api)
    viewer = session_client(factories.add_member(gateway.workspace, "viewer"))
    base = f"/api/workspaces/{gateway.workspace.slug}"
    assert viewer.get(f"{base}/agents/").status_code == 200
    for method, path, body in [("post", "/agents/", {"name": "y", "model_names": ["sim/echo"]}),
                               ("post", f"/agents/{agent['id']}/runs/", {"input": "hi"}),
                               ("delete", f"/agents/{agent['id']}/", None)]:  # fmt: skip
        answer = getattr(viewer, method)(base + path, body, format="json")
        assert_openai_error(answer, 403)
    assert not Run.objects.exists() and Agent.objects.count() == 1


def test_a_custom_tools_secret_is_in_the_creation_answer_only(api, settings):
    settings.HUB_TOOLS_ALLOW_PRIVATE = False
    refused = api.post("/agent-tools/", json={"name": "t", "description": "d",
                                              "url": "http://127.0.0.1:9/"})  # fmt: skip
    assert_openai_error(refused, 400, param="url")
    body = {"name": "get_weather", "description": "Weather.", "url": "https://hooks.example/w",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}  # fmt: skip
    created = api.post("/agent-tools/", json=body)
    assert created.status_code == 201, created.text
    secret = created.json()["signing_secret"]
    assert secret.startswith("whsec_")
    tool_id = created.json()["id"]
    for answer in (api.get("/agent-tools/"), api.get(f"/agent-tools/{tool_id}/"),
                   api.patch(f"/agent-tools/{tool_id}/", json={"timeout_s": 5})):  # fmt: skip
        assert answer.status_code == 200 and secret not in answer.text
    assert CustomTool.objects.get().timeout_s == 5
    agent = new_agent(api, custom_tool_ids=[tool_id])
    assert agent["custom_tools"] == [tool_id]


def test_an_mcp_servers_token_is_never_read_back(api):
    created = api.post("/mcp-servers/", json={"name": "files", "url": "https://mcp.example/mcp",
                                              "allowed_tools": ["read"], "token": "tok-secret-9"})  # fmt: skip
    assert created.status_code == 201 and created.json()["has_token"] is True
    server_id = created.json()["id"]
    for answer in (api.get("/mcp-servers/"), api.get(f"/mcp-servers/{server_id}/"),
                   api.patch(f"/mcp-servers/{server_id}/", json={"allowed_tools": ["read", "list"]})):  # fmt: skip
        assert answer.status_code == 200 and "tok-secret-9" not in answer.text
    assert api.get(f"/mcp-servers/{server_id}/").json()["has_token"] is True


def test_agents_may_not_name_agents_as_their_models(api, gateway):
    assert_openai_error(api.post("/agents/", json={"name": "loop", "model_names": ["agent:loop"]}),
                        400, param="model_names")  # fmt: skip
    assert_openai_error(api.post("/agents/", json={"name": "x", "model_names": ["sim/nope"]}),
                        400, param="model_names")  # fmt: skip


def test_a_queued_run_is_worked_as_its_key_and_not_once_it_is_revoked(api, gateway):
    agent = Agent.objects.get(pk=new_agent(api)["id"])
    key_actor = actor_for_key(gateway.key)
    queued = [run_create(actor=key_actor, agent=agent, text=TASK) for _ in range(2)]
    assert all(run.api_key_id == key_actor.api_key_id for run in queued)
    assert run_task(queued[0].pk) == "completed"
    assert {u.api_key_id for u in recorded_usage(source="agent")} == {key_actor.api_key_id}
    ApiKey.objects.filter(pk=key_actor.api_key_id).update(revoked_at=timezone.now())
    assert run_task(queued[1].pk) == "failed"
    queued[1].refresh_from_db()
    assert "revoked" in queued[1].error and not queued[1].trace.exists()


def test_odd_v1_messages_get_400s(gateway, api):
    new_agent(api)
    url = gateway.v1 + "/chat/completions"
    headers = {"Authorization": f"Bearer {gateway.key}"}
    for messages in ([{"role": "user", "content": [{"type": "text", "text": None}]}],
                     ["hello"], [{"role": "user", "content": [{"type": "text", "text": 5}]}]):  # fmt: skip
        answer = httpx.post(url, json={"model": "agent:maths", "messages": messages},
                            headers=headers, timeout=10)  # fmt: skip
        assert answer.status_code == 400, answer.text


def test_an_alias_may_not_take_an_agents_name(gateway):
    from django.core.exceptions import ValidationError

    from routing.services import alias_create
    from tests.factories import owner_actor

    with pytest.raises(ValidationError) as refused:
        alias_create(actor=owner_actor(gateway.workspace), name="agent:pricing",
                     candidates=[{"model": "sim/echo"}])  # fmt: skip
    assert "name" in refused.value.message_dict
