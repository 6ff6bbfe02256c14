"""Agents against the simulated provider in each wire format, through the live pipeline."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync

from agents.events import RunEnded
from agents.models import Agent, Run
from agents.runner import Context, execute, start_run
from providers.models import Provider, ProviderModel
from tests import factories
from tests.factories import owner_actor
from tests.live_hub import PRICES

# "simulated" is an OpenAI-compatible server (a local one's wire format).
KINDS = ["simulated", "openai", "anthropic", "gemini"]


def provider_of_kind(gateway, simulator, kind: str) -> str:
    """A provider of ``kind`` (the simulator speaking its format); returns its slug."""
    if kind == "simulated":
        return gateway.provider.slug
    credential = factories.make_credential(gateway.workspace, kind=kind, secret="sk-agent-0123456")
    provider = factories.make_provider(
        gateway.workspace, kind=kind, slug=kind, credential=credential
    )
    base_url = simulator.url + ("/v1" if kind == "openai" else "")
    Provider.objects.filter(pk=provider.pk).update(base_url=base_url)
    for name in ("echo", "fault-500", "fault-stall"):
        ProviderModel.objects.create(
            workspace=gateway.workspace, provider=provider, name=name, **PRICES
        )
    return kind


@pytest.fixture(params=KINDS)
def kind_slug(request, gateway, simulator):
    return provider_of_kind(gateway, simulator, request.param)


def make_agent(workspace, **fields) -> Agent:
    fields.setdefault("name", "helper")
    fields.setdefault("model_names", ["sim/echo"])
    fields.setdefault("tool_names", ["calculator", "current_time"])
    return Agent.objects.create(workspace=workspace, **fields)


def run_agent(agent: Agent, text: str, *, thread_id=None) -> tuple[Run, list]:
    """Start and execute a run to its end; the stored run and every event."""
    actor = owner_actor(agent.workspace)

    async def go():
        run = await start_run(actor=actor, agent=agent, text=text, thread_id=thread_id)
        events = [event async for event in execute(Context(actor=actor, run=run, agent=agent))]
        return run, events

    run, events = async_to_sync(go)()
    run.refresh_from_db()
    assert isinstance(events[-1], RunEnded)
    return run, events
