"""The loop's one tool-call form through every wire format: 1, 3 and 6 parallel calls to
the simulated provider speaking OpenAI, an OpenAI-compatible local server, Anthropic
(tool_use/tool_result) and Gemini (functionCall/functionResponse, which it refuses unless
a turn answers every call of the turn before). The simulator refuses what each real API
refuses, so "no request rejected" is checked by the run completing."""

from __future__ import annotations

import pytest

from agents.models import StepKind
from tests.agents.conftest import make_agent, run_agent
from tests.live_hub import recorded_usage

EXPRESSIONS = ["1+1", "2*3", "10-4", "7*6", "2**10", "100/8"]
VALUES = ["2", "6", "6", "42", "1024", "12.5"]


def asking(count: int) -> str:
    return "Please work out " + " and ".join(
        f'calculator({{"expression": "{e}"}})' for e in EXPRESSIONS[:count]
    )


@pytest.mark.parametrize("count", [1, 3, 6])
def test_parallel_calls_are_answered_in_one_turn_paired_with_their_calls(gateway, kind_slug, count):
    agent = make_agent(gateway.workspace, model_names=[f"{kind_slug}/echo"])
    run, _ = run_agent(agent, asking(count))
    assert run.status == "completed", run.error
    steps = list(run.trace.order_by("number"))
    assert [s.kind for s in steps] == [StepKind.MODEL] + [StepKind.TOOL] * count + [StepKind.MODEL]
    asked = steps[0].tool_calls
    assert [c["function"]["name"] for c in asked] == ["calculator"] * count
    tools = steps[1 : count + 1]
    # No argument lost: each call ran with exactly what the model asked for, in order.
    assert [t.arguments for t in tools] == [{"expression": e} for e in EXPRESSIONS[:count]]
    assert [t.result for t in tools] == VALUES[:count]
    assert [t.tool_call_id for t in tools] == [c["id"] for c in asked]
    # The model saw every result paired with its call: the simulator names each result
    # after the call its id (or, for Gemini, its name and position) answers.
    if count == 1:
        assert run.output == "The tool answered: 2"
    else:
        paired = "; ".join(f"calculator: {v}" for v in VALUES[:count])
        assert run.output == f"The tools answered: {paired}"
    assert steps[0].answered_by == steps[-1].answered_by == f"{kind_slug}/echo"
    usage = recorded_usage(source="agent")
    assert len(usage) == 2 and all(u.status == "success" for u in usage)
    assert run.steps == 2 and run.input_tokens == sum(u.input_tokens for u in usage)


def test_different_tools_in_one_turn(gateway, kind_slug):
    agent = make_agent(gateway.workspace, model_names=[f"{kind_slug}/echo"])
    text = ('calculator({"expression": "3*3"}) then current_time({"timezone": "Europe/Paris"}) '
            'then calculator({"expression": "1/0"})')  # fmt: skip
    run, _ = run_agent(agent, text)
    assert run.status == "completed", run.error
    tools = list(run.trace.filter(kind=StepKind.TOOL).order_by("number"))
    assert [t.tool_name for t in tools] == ["calculator", "current_time", "calculator"]
    assert tools[0].result == "9" and not tools[0].is_error
    assert "Europe/Paris" in tools[1].result
    assert tools[2].is_error and "zero" in tools[2].result.lower()  # an error is a result
