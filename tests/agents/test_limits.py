"""Every limit ends a run with its reason: steps, tokens, dollars, time, and the same tool
call repeated; a different argument, or the same arguments in another order, is told apart."""

from __future__ import annotations

from decimal import Decimal

from agents.limits import RunBudget, RunLimits, StopReason, call_fingerprint


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_steps_tokens_and_dollars_end_a_run_with_the_reason():
    budget = RunBudget(RunLimits(max_steps=2, max_tokens=None, max_seconds=None))
    assert budget.before_step() is None
    assert budget.step_done(tokens=10, cost_usd=Decimal("0.01")) is None
    budget.step_done(tokens=10, cost_usd=Decimal("0.01"))
    stop = budget.before_step()
    assert stop is not None and stop.reason == StopReason.MAX_STEPS and "2 steps" in stop.message
    tokens = RunBudget(RunLimits(max_tokens=100, max_seconds=None))
    assert tokens.step_done(tokens=60, cost_usd=Decimal(0)) is None
    assert tokens.step_done(tokens=60, cost_usd=Decimal(0)).reason == StopReason.BUDGET
    dollars = RunBudget(RunLimits(max_usd=Decimal("0.05"), max_seconds=None))
    stop = dollars.step_done(tokens=1, cost_usd=Decimal("0.06"))
    assert stop.reason == StopReason.BUDGET and "$0.0600" in stop.message


def test_time_runs_out():
    clock = Clock()
    budget = RunBudget(RunLimits(max_seconds=10), clock=clock)
    clock.now += 4
    assert budget.before_step() is None and budget.seconds_left == 6
    clock.now += 7
    assert budget.before_step().reason == StopReason.TIMEOUT


def test_the_same_call_a_third_time_stops_the_run():
    budget = RunBudget(RunLimits(repeat_limit=3))
    assert budget.before_tool("search", {"q": "refund", "top": 3}) is None
    assert budget.before_tool("search", {"top": 3, "q": "refund"}) is None  # same call
    assert budget.before_tool("search", {"q": "refunds", "top": 3}) is None  # another
    stop = budget.before_tool("search", {"q": "refund", "top": 3})
    assert stop.reason == StopReason.REPEAT and "3 times" in stop.message
    assert call_fingerprint("a", {"x": [1, 2]}) != call_fingerprint("a", {"x": [2, 1]})
