"""The loop's promises, each through the live pipeline to the simulated provider: every
limit ends a run with its status, bad arguments come back as the schema's reason, the
agent's model chain takes over before anything streamed, threads remember, agents delegate
within the caller's limits, and a cancel stops a run at once."""

from __future__ import annotations

import threading
import time

from agents.models import Run, StepKind, Thread
from tests.agents.conftest import make_agent, run_agent
from tests.live_hub import recorded_usage, wire_provider

TWICE = 'calculator({"expression": "1+1"}) calculator({"expression": "2+2"})'


def test_a_plain_question_is_one_step(gateway):
    run, events = run_agent(make_agent(gateway.workspace), "Hello there")
    assert (run.status, run.output, run.steps) == ("completed", "You said: Hello there", 1)
    assert "".join(e.text for e in events if e.kind == "delta") == "You said: Hello there"
    assert run.messages == [
        {"role": "user", "content": "Hello there"},
        {"role": "assistant", "content": "You said: Hello there"},
    ]


def test_max_steps_ends_the_run_with_its_status(gateway):
    run, _ = run_agent(make_agent(gateway.workspace, max_steps=1), TWICE)
    assert (run.status, run.stop_reason) == ("stopped", "max_steps")
    assert run.trace.filter(kind=StepKind.TOOL).count() == 2  # the tools of step 1 ran


def test_the_same_call_three_times_is_stopped_as_a_repeat(gateway):
    same = 'calculator({"expression": "1+1"}) ' * 3
    run, _ = run_agent(make_agent(gateway.workspace), same)
    assert (run.status, run.stop_reason) == ("stopped", "repeat")
    assert "called 3 times" in run.error
    assert not run.trace.filter(kind=StepKind.TOOL).exists()
    # Calls that did not run are answered, so a thread may continue this conversation.
    answers = [m for m in run.messages if m["role"] == "tool"]
    assert len(answers) == 3 and all(a["content"].startswith("Not run") for a in answers)


def test_a_token_budget_ends_the_run(gateway):
    run, _ = run_agent(make_agent(gateway.workspace, max_tokens=5), TWICE)
    assert (run.status, run.stop_reason) == ("stopped", "budget")
    assert run.steps == 1 and run.input_tokens + run.output_tokens >= 5


def test_the_wall_clock_limit_ends_the_run(gateway, slow_simulator):
    slow = wire_provider(gateway.workspace, slug="slow", base_url=slow_simulator.url)
    assert slow.slug == "slow"
    words = " ".join(["word"] * 60)  # 60 tokens at 20 a second: 3 s
    started = time.monotonic()
    run, _ = run_agent(make_agent(gateway.workspace, model_names=["slow/echo"], max_seconds=1),
                       words)  # fmt: skip
    assert (run.status, run.stop_reason) == ("stopped", "timeout")
    assert time.monotonic() - started < 2.5


def test_malformed_arguments_are_answered_with_the_schema_error(gateway):
    run, _ = run_agent(make_agent(gateway.workspace), 'calculator({"expression": 5})')
    assert run.status == "completed"
    [tool] = run.trace.filter(kind=StepKind.TOOL)
    assert tool.is_error and tool.arguments == {"expression": 5}
    assert "expression: 5 is not of type 'string'" in tool.result
    assert "is not of type" in run.output  # the model read the reason


def test_the_next_model_answers_when_the_first_fails_before_streaming(gateway):
    agent = make_agent(gateway.workspace, model_names=["sim/fault-500", "sim/echo"], retries=0)
    run, _ = run_agent(agent, "Hello")
    assert run.status == "completed"
    [step] = run.trace.all()
    assert step.answered_by == "sim/echo" and step.model == "sim/echo"
    assert [f["model"] for f in step.fallbacks] == ["sim/fault-500"]
    statuses = sorted(u.status for u in recorded_usage(source="agent"))
    assert statuses == ["error", "success"]


def test_a_stalled_model_is_left_after_the_agents_first_token_limit(gateway):
    agent = make_agent(gateway.workspace, model_names=["sim/fault-stall", "sim/echo"],
                       retries=0, first_token_timeout_s=0.5)  # fmt: skip
    started = time.monotonic()
    run, _ = run_agent(agent, "Hello")
    assert run.status == "completed" and time.monotonic() - started < 3
    [step] = run.trace.all()
    assert step.fallbacks[0]["model"] == "sim/fault-stall"
    assert "first token" in step.fallbacks[0]["error"]


def test_no_model_answering_fails_the_run_with_the_reason(gateway):
    agent = make_agent(gateway.workspace, model_names=["sim/fault-500"], retries=1)
    run, _ = run_agent(agent, "Hello")
    assert run.status == "failed" and run.error
    [step] = run.trace.all()
    assert step.error and not step.answered_by


def test_a_thread_continues_across_runs(gateway):
    agent = make_agent(gateway.workspace)
    thread = Thread.objects.create(workspace=gateway.workspace, agent=agent)
    first, _ = run_agent(agent, "My name is Ada", thread_id=thread.pk)
    second, _ = run_agent(agent, "What is my name", thread_id=thread.pk)
    alone, _ = run_agent(agent, "What is my name")
    with_history = second.trace.get().input_tokens
    assert with_history > alone.trace.get().input_tokens + 5  # the first run's turns were sent
    assert first.thread_id == second.thread_id == thread.pk


def test_delegation_runs_the_other_agent_within_the_callers_limits(gateway):
    specialist = make_agent(gateway.workspace, name="maths", description="Does arithmetic.")
    boss = make_agent(gateway.workspace, name="boss", tool_names=[], max_tokens=10_000)
    boss.delegates.add(specialist)
    task = 'ask_maths({"task": "calculator({\\"expression\\": \\"6*7\\"})"})'
    run, _ = run_agent(boss, task)
    assert run.status == "completed", run.error
    [tool] = run.trace.filter(kind=StepKind.TOOL)
    assert tool.tool_name == "ask_maths" and tool.result == "The tool answered: 42"
    child = Run.objects.get(pk=tool.child_run_id)
    assert child.parent_id == run.pk and child.agent == specialist and child.status == "completed"
    assert child.trace.filter(kind=StepKind.TOOL, result="42").exists()


def test_cancel_stops_a_running_run_within_a_second(gateway, slow_simulator):
    wire_provider(gateway.workspace, slug="slow", base_url=slow_simulator.url)
    agent = make_agent(gateway.workspace, model_names=["slow/echo"])

    def cancel_soon():
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if Run.objects.filter(status="running").update(cancel_requested=True):
                return
            time.sleep(0.05)

    canceller = threading.Thread(target=cancel_soon)
    canceller.start()
    started = time.monotonic()
    run, _ = run_agent(agent, " ".join(["word"] * 100))  # 5 s of streaming
    canceller.join()
    assert run.status == "cancelled" and time.monotonic() - started < 2.5


def test_a_supervisor_hands_a_task_to_the_specialist_it_names(gateway):
    maths = make_agent(gateway.workspace, name="maths", description="Arithmetic, exactly.")
    writer = make_agent(gateway.workspace, name="writer", description="Writes prose.")
    boss = make_agent(gateway.workspace, name="boss", tool_names=[])
    boss.delegates.add(maths, writer)
    run, _ = run_agent(boss, "Ask the maths specialist: 2+2")
    [tool] = run.trace.filter(kind=StepKind.TOOL)
    assert tool.tool_name == "ask_maths"
    assert Run.objects.get(pk=tool.child_run_id).agent == maths
    assert not Run.objects.filter(agent=writer).exists()


def test_a_pipeline_hands_each_answer_to_the_next_agent(gateway):
    last = make_agent(gateway.workspace, name="last")
    middle = make_agent(gateway.workspace, name="middle", hands_off_to=last)
    first = make_agent(gateway.workspace, name="first", hands_off_to=middle)
    run, _ = run_agent(first, "Hello")
    assert run.status == "completed"
    # first says "You said: Hello"; middle echoes that; last echoes middle's answer.
    assert run.output == "You said: You said: You said: Hello"
    [handoff] = run.trace.filter(kind=StepKind.TOOL)
    assert handoff.tool_name == "hand_off_to_middle"
    child = Run.objects.get(pk=handoff.child_run_id)
    assert child.agent == middle and child.input == "You said: Hello"
    assert Run.objects.get(parent=child).agent == last


def test_nan_arguments_are_an_error_result_and_kept_as_text(gateway):
    run, _ = run_agent(make_agent(gateway.workspace), 'calculator({"expression": NaN})')
    assert run.status == "completed"
    [tool] = run.trace.filter(kind=StepKind.TOOL)
    assert tool.is_error and "not valid JSON" in tool.result
    assert tool.arguments == '{"expression": NaN}'


def test_a_conversation_cut_mid_tools_is_kept_valid_for_its_thread():
    from agents.loop import kept_conversation

    call = {"id": "c1", "type": "function", "function": {"name": "t", "arguments": "{}"}}
    cut = [{"role": "user", "content": "go"},
           {"role": "assistant", "content": None, "tool_calls": [call, {**call, "id": "c2"}]},
           {"role": "tool", "tool_call_id": "c1", "content": "done"}]  # fmt: skip
    kept = kept_conversation(cut)
    assert kept[-1] == {"role": "tool", "tool_call_id": "c2",
                        "content": "Not run: the run ended first."}  # fmt: skip
    empty = [{"role": "user", "content": "go"}, {"role": "assistant", "content": None}]
    assert kept_conversation(empty) == empty[:1]
