"""The run timeline's socket through the real ASGI application: members see steps as they
are stored and the state until the run ends; strangers and anonymous users are refused;
viewers watch but may not cancel; another workspace's run is not found."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.utils import timezone

from agents.models import Run, RunStatus, Step, StepKind
from agents.tasks import fail_lost_runs_task
from tests import factories
from tests.agents.conftest import make_agent
from tests.hub.workbench.conftest import ORIGIN, session_cookie

pytestmark = pytest.mark.django_db(transaction=True)


def running_run(workspace) -> Run:
    agent = make_agent(workspace, name=f"a{Run.objects.count()}")
    run = Run.objects.create(workspace=workspace, agent=agent, input="x",
                             status=RunStatus.RUNNING, heartbeat_at=timezone.now())  # fmt: skip
    Step.objects.create(workspace=workspace, run=run, number=1, kind=StepKind.MODEL,
                        model="sim/echo", content="thinking")  # fmt: skip
    return run


async def connect(user, workspace, run_id: int) -> tuple[WebsocketCommunicator, bool, int]:
    from hub.asgi import application

    headers = [(b"origin", ORIGIN)]
    if user is not None:
        headers.append((b"cookie", await sync_to_async(session_cookie)(user)))
    socket = WebsocketCommunicator(application, f"/ws/w/{workspace.slug}/agent-runs/{run_id}/",
                                   headers=headers)  # fmt: skip
    connected, code = await socket.connect(timeout=5)
    return socket, connected, code


async def test_members_follow_steps_until_the_run_ends(workspace):
    run = await sync_to_async(running_run)(workspace)
    owner = await sync_to_async(factories.owner_of)(workspace)
    socket, connected, _ = await connect(owner, workspace, run.pk)
    assert connected
    first = await socket.receive_json_from(timeout=5)
    assert first["type"] == "steps" and "thinking" in first["html"] and first["last"] == 1
    assert (await socket.receive_json_from(timeout=5))["status"] == "running"
    await Step.objects.acreate(workspace=workspace, run=run, number=2, kind=StepKind.TOOL,
                               tool_name="calculator", arguments={}, result="42")  # fmt: skip
    await Run.objects.filter(pk=run.pk).aupdate(status=RunStatus.COMPLETED, output="42")
    events = [await socket.receive_json_from(timeout=5) for _ in range(2)]
    assert events[0]["type"] == "steps" and "calculator" in events[0]["html"]
    assert events[1] == {**events[1], "type": "state", "finished": True, "output": "42"}
    assert (await socket.receive_output(timeout=5))["type"] == "websocket.close"


async def test_strangers_and_other_workspaces_are_refused(workspace, other_workspace):
    run = await sync_to_async(running_run)(other_workspace)
    owner = await sync_to_async(factories.owner_of)(workspace)
    for user, slug_of in ((None, other_workspace), (owner, other_workspace), (owner, workspace)):
        _socket, connected, code = await connect(user, slug_of, run.pk)
        assert not connected and code in (4401, 4404)


async def test_viewers_watch_but_may_not_cancel(workspace):
    run = await sync_to_async(running_run)(workspace)
    viewer = await sync_to_async(factories.add_member)(workspace, "viewer")
    socket, connected, _ = await connect(viewer, workspace, run.pk)
    assert connected
    await socket.receive_json_from(timeout=5)
    await socket.send_json_to({"type": "cancel"})
    replies = [await socket.receive_json_from(timeout=5) for _ in range(3)]
    assert any(r.get("type") == "error" and "may not" in r["message"] for r in replies)
    await run.arefresh_from_db()
    assert not run.cancel_requested
    await socket.disconnect()


def test_a_run_whose_worker_died_is_closed_as_failed(workspace):
    run = running_run(workspace)
    Run.objects.filter(pk=run.pk).update(
        heartbeat_at=timezone.now() - timezone.timedelta(minutes=5)
    )
    fresh = running_run(workspace)
    assert fail_lost_runs_task() == 1
    run.refresh_from_db(), fresh.refresh_from_db()
    assert run.status == "failed" and "worker" in run.error and fresh.status == "running"
