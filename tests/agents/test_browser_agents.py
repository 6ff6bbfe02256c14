"""Agents in a real browser, at desktop and phone width, light and dark, under the CSP: a
run's timeline grows over its WebSocket as steps are stored (by whatever process works the
run), survives a reload, shows the result when the run ends; Cancel asks over the socket;
a task typed into the agent's page runs through the worker to the simulated provider.
axe-core finds nothing serious or critical; nothing is wider than the screen."""

from __future__ import annotations

import pytest
from django.utils import timezone

from agents.models import Run, RunStatus, Step, StepKind
from routing.signals import pipeline_caches_clear
from tests import factories
from tests.agents.conftest import make_agent
from tests.axe import axe_violations
from tests.browser import chromium_page
from tests.hub.test_browser_phone import TOO_WIDE
from tests.hub.test_browser_theme import log_in, theme
from tests.live_hub import wire_provider

pytestmark = pytest.mark.browser
SIZES = {"desktop": {"width": 1440, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture
def working(transactional_db, hub, simulator):
    """Alice's agent with a run a worker is one step into."""
    pipeline_caches_clear()
    alice = factories.make_user("alice")
    workspace = factories.make_workspace("Agents", owner=alice)
    wire_provider(workspace, slug="sim", base_url=simulator.url)
    agent = make_agent(workspace, name="maths", description="Does arithmetic carefully.")
    run = Run.objects.create(workspace=workspace, agent=agent, input="What is 6*7?",
                             status=RunStatus.RUNNING, started_at=timezone.now(),
                             heartbeat_at=timezone.now(), created_by=alice)  # fmt: skip
    call = {"id": "call_1", "type": "function",
            "function": {"name": "calculator", "arguments": '{"expression": "6*7"}'}}  # fmt: skip
    Step.objects.create(workspace=workspace, run=run, number=1, kind=StepKind.MODEL,
                        model="sim/echo", answered_by="sim/echo", tool_calls=[call],
                        input_tokens=12, output_tokens=3, latency_ms=40)  # fmt: skip
    yield run
    hub.wait_idle()


def checked(page) -> None:
    assert page.evaluate(TOO_WIDE) == []
    assert axe_violations(page) == []


def steps_shown(page) -> int:
    return page.locator("[data-run-steps] > li").count()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_a_live_timeline_then_the_result(hub, working, size, scheme):
    run = working
    base = f"{hub.url}/w/{run.workspace.slug}/agents"
    with chromium_page(**SIZES[size], color_scheme=scheme) as (page, errors):
        log_in(page, hub.url, "alice")
        page.goto(f"{base}/runs/{run.pk}/")
        assert theme(page) == scheme
        assert steps_shown(page) == 1 and "calculator" in page.inner_text("[data-run-steps]")
        checked(page)

        # A step stored by the worker appears without a reload, and after one.
        Step.objects.create(workspace=run.workspace, run=run, number=2, kind=StepKind.TOOL,
                            tool_name="calculator", tool_call_id="call_1",
                            arguments={"expression": "6*7"}, result="42", latency_ms=1)  # fmt: skip
        page.wait_for_function(
            "() => document.querySelectorAll('[data-run-steps] > li').length == 2"
        )
        page.reload()
        assert steps_shown(page) == 2

        # The run ends: the result shows by itself and Cancel goes.
        Run.objects.filter(pk=run.pk).update(status=RunStatus.COMPLETED, output="It is 42.",
                                             finished_at=timezone.now())  # fmt: skip
        page.wait_for_selector("[data-run-result]:not([hidden])")
        assert "It is 42." in page.inner_text("[data-run-output]")
        assert not page.locator("[data-run-cancel]").is_visible()
        checked(page)

        for path in ("", f"{run.agent_id}/", "new/", f"{run.agent_id}/edit/"):
            page.goto(f"{base}/{path}")
            checked(page)
    assert not errors, errors


def test_cancel_over_the_socket(hub, working):
    run = working
    with chromium_page() as (page, errors):
        log_in(page, hub.url, "alice")
        page.goto(f"{hub.url}/w/{run.workspace.slug}/agents/runs/{run.pk}/")
        page.wait_for_timeout(300)  # the socket is open
        page.click("[data-run-cancel] button")
        page.wait_for_function("() => document.querySelector('[data-run-cancel] button').disabled")
        for _ in range(50):
            run.refresh_from_db()
            if run.cancel_requested:
                break
            page.wait_for_timeout(100)
        assert run.cancel_requested
    assert not errors, errors


def test_a_task_typed_on_the_agents_page_runs_to_its_answer(hub, working):
    agent = working.agent
    with chromium_page() as (page, errors):
        log_in(page, hub.url, "alice")
        page.goto(f"{hub.url}/w/{agent.workspace.slug}/agents/{agent.pk}/")
        page.fill("#id_input", 'Please calculator({"expression": "2**10"})')
        page.click("text=Run")
        page.wait_for_url("**/agents/runs/**")
        page.wait_for_selector("[data-run-result]:not([hidden])")
        assert page.inner_text("[data-run-output]") == "The tool answered: 1024"
        assert steps_shown(page) == 3
    assert not errors, errors
