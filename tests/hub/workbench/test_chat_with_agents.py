"""The chat talks to an agent as to a model: over the chat socket, through the pipeline's
``chat_stream``, the agent's run streams into the conversation and is kept with its metrics;
the model picker lists the workspace's agents."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async

from agents.models import Run
from hub.workbench.model_choices import model_choices
from hub.workbench.models import GenerationStatus, Message
from tests import factories
from tests.agents.conftest import make_agent
from tests.hub.workbench.conftest import events_until, generations_finished, is_done

pytestmark = pytest.mark.usefixtures("generations_waited")


async def test_a_chat_turn_with_an_agent_streams_its_run(wired, socket_for):
    await sync_to_async(make_agent)(wired, name="maths")
    owner = await sync_to_async(factories.owner_of)(wired)
    async with socket_for(owner, wired) as ws:
        await ws.send_json_to({"type": "send", "ref": "r1", "model": "agent:maths",
                               "content": 'Work out calculator({"expression": "6*7"})'})  # fmt: skip
        events = await events_until(ws, is_done)
    done = events[-1]
    assert done["status"] == "complete" and done["text"] == "The tool answered: 42"
    assert done["metrics"]["output_tokens"] > 0 and float(done["metrics"]["cost_usd"]) > 0
    await generations_finished()
    run = await sync_to_async(Run.objects.get)()
    assert run.status == "completed" and run.steps == 2
    answer = await sync_to_async(Message.objects.filter(role="assistant").get)()
    assert answer.status == GenerationStatus.COMPLETE and answer.content == run.output


def test_the_model_picker_lists_agents(wired):
    make_agent(wired, name="maths", model_names=["sim/echo"])
    choices = {c["id"]: c for c in model_choices(actor=factories.owner_actor(wired))}
    assert choices["agent:maths"]["group"] == "Agents" and choices["agent:maths"]["available"]
