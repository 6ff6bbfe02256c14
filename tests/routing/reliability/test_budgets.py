"""Budgets hold under concurrency, settle to actual cost, and report thresholds once."""

from __future__ import annotations

import asyncio
import random
import threading
from datetime import UTC, datetime
from decimal import Decimal

from routing.reliability.budgets import (
    Budget,
    LocalBudgetLedger,
    Rejection,
    Reservation,
    ScopeKind,
    budgets_state,
    cost_micro_usd,
    micro_usd,
)
from routing.reliability.periods import Period, period_bounds

COST = 20_000  # $0.02 a call
LIMIT = micro_usd("1.00")


def team_budget(**limits) -> Budget:
    return Budget("team", ScopeKind.WORKSPACE, 1, Period.MONTH, **limits)


async def spend(ledger, budget: Budget, amount: int) -> None:
    """Record spend that happened earlier (a budget without limits shares the counter)."""
    unlimited = Budget("seed", budget.scope, budget.scope_id, budget.period)
    reservation = await ledger.reserve([unlimited], 0)
    await ledger.settle(reservation, amount)


async def test_fifty_concurrent_reservations_cannot_overshoot_a_nearly_spent_budget(ledger):
    budget = team_budget(hard_limit=LIMIT)
    await spend(ledger, budget, LIMIT - 3 * COST - COST // 2)

    async def call() -> bool:
        outcome = await ledger.reserve([budget], COST)
        if isinstance(outcome, Rejection):
            return False
        await asyncio.sleep(random.random() / 1000)
        await ledger.settle(
            outcome, COST + COST // 10
        )  # the call cost a little more than estimated
        return True

    results = await asyncio.gather(*(call() for _ in range(50)))

    [status] = await ledger.status([budget])
    # 3.5 calls are left: four are let in (the fourth while 0.5 is left), the rest refused.
    assert sum(results) == 4
    assert status.reserved == 0
    assert status.spent <= LIMIT + COST


def test_fifty_threads_cannot_overshoot_the_in_process_budget():
    ledger = LocalBudgetLedger()
    budget = team_budget(hard_limit=LIMIT)
    asyncio.run(spend(ledger, budget, LIMIT - 2 * COST - COST // 2))
    start = threading.Barrier(50)
    admitted: list[bool] = []

    def call() -> None:
        start.wait()
        outcome = asyncio.run(ledger.reserve([budget], COST))
        if isinstance(outcome, Reservation):
            asyncio.run(ledger.settle(outcome, COST))
        admitted.append(isinstance(outcome, Reservation))

    threads = [threading.Thread(target=call) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    [status] = asyncio.run(ledger.status([budget]))
    assert sum(admitted) == 3  # 2.5 calls were left
    assert status.spent == LIMIT + COST // 2  # over by half a call: less than one call


async def test_rejection_names_the_budget_and_what_is_spent(ledger):
    workspace = team_budget(hard_limit=LIMIT)
    key = Budget("ci key", ScopeKind.API_KEY, 9, Period.DAY, hard_limit=micro_usd("0.05"))
    await spend(ledger, key, micro_usd("0.05"))

    outcome = await ledger.reserve([workspace, key], COST)

    assert isinstance(outcome, Rejection) and outcome.exhausted
    assert outcome.budget == key
    assert (outcome.limit, outcome.spent, outcome.reserved) == (50_000, 50_000, 0)
    assert outcome.message == "The daily budget 'ci key' is exhausted: $0.0500 of $0.0500 spent."
    [ws_status] = await ledger.status([workspace])
    assert ws_status.reserved == 0  # all or nothing: the workspace budget was not held


async def test_a_budget_held_by_calls_in_flight_says_so_and_is_not_exhausted(ledger):
    """What is spent is reported as spent; what calls in flight hold, apart: once they settle
    for less than they reserved, there is room again."""
    budget = Budget("ci key", ScopeKind.API_KEY, 9, Period.DAY, hard_limit=micro_usd("0.0100"))
    await spend(ledger, budget, micro_usd("0.0091"))
    in_flight = await ledger.reserve([budget], COST)
    assert isinstance(in_flight, Reservation)

    outcome = await ledger.reserve([budget], COST)

    assert isinstance(outcome, Rejection) and not outcome.exhausted
    assert outcome.message == (
        "The daily budget 'ci key' is nearly spent: $0.0091 of $0.0100 spent, and calls in "
        "flight hold $0.0200 more. Retry when they finish."
    )
    await ledger.settle(in_flight, 300)  # it cost $0.0003
    assert isinstance(await ledger.reserve([budget], COST), Reservation)


async def test_release_gives_the_estimate_back(ledger):
    budget = team_budget(hard_limit=COST)
    first = await ledger.reserve([budget], COST)
    assert isinstance(await ledger.reserve([budget], 1), Rejection)

    await ledger.release(first)

    assert isinstance(await ledger.reserve([budget], COST), Reservation)


async def test_reservation_of_a_crashed_call_expires_after_its_lease(ledger):
    ledger.lease_seconds = 0.05
    budget = team_budget(hard_limit=COST)
    await ledger.reserve([budget], COST)  # never settled: its process "died"
    await asyncio.sleep(0.1)

    assert isinstance(await ledger.reserve([budget], COST), Reservation)


async def test_soft_thresholds_are_reported_once_each_per_period(ledger):
    budget = team_budget(soft_limit=micro_usd("0.10"), hard_limit=LIMIT)

    async def settle(amount: int) -> list[tuple[int, ...]]:
        reservation = await ledger.reserve([budget], amount)
        return [c.thresholds for c in await ledger.settle(reservation, amount)]

    assert await settle(40_000) == []
    assert await settle(15_000) == [(50,)]
    assert await settle(1_000) == []
    assert await settle(60_000) == [(80, 100)]
    assert await settle(10_000) == []
    [status] = await ledger.status([budget])
    assert status.state == "soft"
    assert budgets_state([status]) == "soft"


async def test_a_spent_hard_limit_reads_as_hard_for_routing_rules(ledger):
    budget = team_budget(hard_limit=COST)
    reservation = await ledger.reserve([budget], COST)
    await ledger.settle(reservation, COST)
    assert budgets_state(await ledger.status([budget])) == "hard"


def test_periods_are_calendar_aligned_in_utc():
    at = datetime(2024, 12, 31, 23, 30, tzinfo=UTC)  # a Tuesday
    assert period_bounds(Period.DAY, at)[0] == datetime(2024, 12, 31, tzinfo=UTC)
    assert period_bounds(Period.WEEK, at) == (
        datetime(2024, 12, 30, tzinfo=UTC),
        datetime(2025, 1, 6, tzinfo=UTC),
    )
    assert period_bounds(Period.MONTH, at)[1] == datetime(2025, 1, 1, tzinfo=UTC)


def test_costs_are_integer_micro_dollars_rounded_up():
    cost = cost_micro_usd(
        input_tokens=1234,
        output_tokens=567,
        input_price=Decimal("0.15"),
        output_price=Decimal("0.6"),
    )
    assert cost == 526  # 185.1 + 340.2 micro-dollars, rounded up
    assert micro_usd("0.1") + micro_usd("0.2") == micro_usd("0.3")


async def test_seeding_starts_a_fresh_counter_but_never_overwrites_a_live_one(ledger):
    fresh = team_budget(hard_limit=LIMIT)
    await ledger.seed(fresh, micro_usd("1.00"), datetime.now(UTC))
    assert isinstance(await ledger.reserve([fresh], COST), Rejection)  # spent from the records
    live = Budget("live", ScopeKind.USER, 5, Period.DAY, hard_limit=LIMIT)
    await spend(ledger, live, micro_usd("0.10"))
    await ledger.seed(live, micro_usd("0.99"), datetime.now(UTC))
    [status] = await ledger.status([live])
    assert status.spent == micro_usd("0.10")
