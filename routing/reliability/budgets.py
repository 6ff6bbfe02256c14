"""Budgets per scope (workspace, provider, API key, user) and calendar period, in integer
micro-dollars so sums never drift.

A call ``reserve``s its estimated cost against every budget that applies, atomically and
all-or-nothing. A hard limit refuses a call once what is spent and what calls in flight hold
reach it: until the period ends when the spend alone has, for a moment when calls in flight
hold the rest (they may give some back). The call's own estimate is not counted, so the whole
budget can be used; the only overshoot is the last call admitted costing more than what was
left, at most its own cost (and calls costing more than their estimate). ``settle`` replaces the estimate
with the actual cost and reports soft-limit thresholds (50/80/100 %) newly crossed this
period, once each; ``release`` gives a failed call's reservation back. Reservations whose
process died expire after a lease, so a crash cannot block a budget until the period ends.
"""

from __future__ import annotations

import enum
import math
import threading
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Literal, Protocol

from routing.reliability.periods import Period, period_adjective, period_bounds, period_label

MICROS_PER_USD = 1_000_000
BudgetState = Literal["ok", "soft", "hard"]
Amount = int | Decimal  # micro-dollars (counters) or dollars (pages)


class ScopeKind(enum.StrEnum):
    WORKSPACE = "workspace"
    PROVIDER = "provider"
    API_KEY = "api_key"
    USER = "user"


@dataclass(frozen=True)
class Budget:
    """One budget; ``None`` limits are off. Thresholds are percent of the soft limit (of the
    hard limit when there is no soft one). One budget per scope and period: they share spend."""

    name: str
    scope: ScopeKind
    scope_id: int
    period: Period
    hard_limit: int | None = None  # micro-dollars
    soft_limit: int | None = None
    thresholds: tuple[int, ...] = (50, 80, 100)

    def counter_key(self, at: datetime) -> str:
        return f"{self.scope.value}:{self.scope_id}:{period_label(self.period, at)}"

    @property
    def alert_base(self) -> int | None:
        return self.soft_limit or self.hard_limit


@dataclass(frozen=True)
class BudgetCrossing:
    budget: Budget
    thresholds: tuple[int, ...]  # newly crossed, ascending
    spent: int


@dataclass
class Reservation:
    """Held estimate; settle or release it exactly once."""

    id: str
    budgets: tuple[Budget, ...]
    counter_keys: tuple[str, ...]  # fixed at reservation: a call settles into its own period
    amount: int
    done: bool = field(default=False, compare=False)

    def finish(self) -> None:
        if self.done:
            raise RuntimeError(f"Reservation {self.id} was already settled or released.")
        self.done = True


@dataclass(frozen=True)
class Rejection:
    """A 429 naming the budget: its hard limit, what is spent, what calls in flight hold."""

    budget: Budget
    limit: int
    spent: int
    reserved: int

    @property
    def exhausted(self) -> bool:
        """Spent to its limit, for the rest of the period; else only held by calls in flight."""
        return self.spent >= self.limit

    @property
    def message(self) -> str:
        name = f"The {period_adjective(self.budget.period)} budget {self.budget.name!r}"
        spent = f"${format_usd(self.spent)} of ${format_usd(self.limit)} spent"
        if self.exhausted:
            return f"{name} is exhausted: {spent}."
        return (
            f"{name} is nearly spent: {spent}, and calls in flight hold "
            f"${format_usd(self.reserved)} more. Retry when they finish."
        )


@dataclass(frozen=True)
class BudgetStatus:
    budget: Budget
    spent: int
    reserved: int

    @property
    def state(self) -> BudgetState:
        return budget_state(
            spent=self.spent,
            reserved=self.reserved,
            hard_limit=self.budget.hard_limit,
            soft_limit=self.budget.soft_limit,
        )


def budget_state(
    *,
    spent: Amount,
    hard_limit: Amount | None,
    soft_limit: Amount | None,
    reserved: Amount = 0,
) -> BudgetState:
    """The one rule, for live counters and the pages alike: ``hard`` once what is spent plus
    what calls in flight have reserved reaches the hard limit, ``soft`` once what is spent
    reaches the soft limit. Amounts in any one unit (micro-dollars, or dollars)."""
    if hard_limit is not None and spent + reserved >= hard_limit:
        return "hard"
    if soft_limit is not None and spent >= soft_limit:
        return "soft"
    return "ok"


def reserve_refused(hard_limit: int, spent: int, reserved: int) -> bool:
    """The hard-limit rule of ``reserve`` (the Redis ledger's script applies the same): what
    is spent and what calls in flight hold have reached the limit. The call's own estimate is
    not counted, so the last call let in may pass the limit by at most its own cost."""
    return spent + reserved >= hard_limit


def status_refusal(status: BudgetStatus) -> Rejection | None:
    """The Rejection ``reserve`` would give against ``status`` now (None: it has room); for
    a dry run, which must not hold anything."""
    hard = status.budget.hard_limit
    if hard is None or not reserve_refused(hard, status.spent, status.reserved):
        return None
    return Rejection(status.budget, hard, status.spent, status.reserved)


def micro_usd(amount: Decimal | str | int) -> int:
    """Dollars to micro-dollars, rounded up: a budget never under-counts."""
    return math.ceil(Decimal(amount) * MICROS_PER_USD)


def format_usd(micros: int) -> str:
    """Cents for a dollar or more; below that, enough places to tell $0.0091 from $0.01."""
    dollars = Decimal(micros) / MICROS_PER_USD
    return f"{dollars:.2f}" if abs(dollars) >= 1 else f"{dollars:.4f}"


def cost_micro_usd(
    *,
    input_tokens: int,
    output_tokens: int,
    input_price: Decimal | None,
    output_price: Decimal | None,
) -> int:
    """Cost in micro-dollars for prices in USD per million tokens (so tokens x price is
    micro-dollars already), rounded up."""
    return math.ceil(input_tokens * (input_price or 0) + output_tokens * (output_price or 0))


def budgets_state(statuses: Sequence[BudgetStatus]) -> BudgetState:
    """The worst state among the budgets that apply: what routing rules match on."""
    states = {status.state for status in statuses}
    return "hard" if "hard" in states else "soft" if "soft" in states else "ok"


def new_crossings(budget: Budget, before_mark: int, spent: int) -> tuple[int, ...]:
    base = budget.alert_base
    if not base:
        return ()
    percent = spent * 100 / base
    return tuple(t for t in sorted(budget.thresholds) if before_mark < t <= percent)


class BudgetLedger(Protocol):
    async def reserve(
        self, budgets: Sequence[Budget], estimated_cost: int
    ) -> Reservation | Rejection: ...

    async def settle(self, reservation: Reservation, actual_cost: int) -> list[BudgetCrossing]: ...

    async def release(self, reservation: Reservation) -> None: ...

    async def seed(self, budget: Budget, spent: int, at: datetime) -> None:
        """Start this period's counter at ``spent`` (what usage records say was spent) unless
        it is already counting: a restarted process or a flushed Redis keeps its budgets."""
        ...

    async def status(self, budgets: Sequence[Budget]) -> list[BudgetStatus]: ...


@dataclass
class _Counter:
    spent: int = 0
    reserved: int = 0
    mark: int = 0  # highest threshold already reported this period
    leases: dict[str, tuple[int, float]] = field(default_factory=dict)  # id -> (amount, expires)


class LocalBudgetLedger:
    """The embedded default: counters in this process, one lock around each operation."""

    def __init__(self, *, lease_seconds: float = 900.0) -> None:
        self.lease_seconds = lease_seconds
        self._lock = threading.Lock()
        self._counters: dict[str, _Counter] = {}

    async def reserve(
        self, budgets: Sequence[Budget], estimated_cost: int
    ) -> Reservation | Rejection:
        at, now = datetime.now(UTC), time.monotonic()
        keys = tuple(budget.counter_key(at) for budget in budgets)
        reservation = Reservation(uuid.uuid4().hex, tuple(budgets), keys, estimated_cost)
        with self._lock:
            counters = [self._counters.setdefault(key, _Counter()) for key in keys]
            for budget, counter in zip(budgets, counters, strict=True):
                self._expire(counter, now)
                if budget.hard_limit is not None and reserve_refused(
                    budget.hard_limit, counter.spent, counter.reserved
                ):
                    return Rejection(budget, budget.hard_limit, counter.spent, counter.reserved)
            for counter in counters:
                counter.reserved += estimated_cost
                counter.leases[reservation.id] = (estimated_cost, now + self.lease_seconds)
        return reservation

    async def settle(self, reservation: Reservation, actual_cost: int) -> list[BudgetCrossing]:
        reservation.finish()
        crossings = []
        with self._lock:
            for budget, key in zip(reservation.budgets, reservation.counter_keys, strict=True):
                counter = self._counters.setdefault(key, _Counter())
                self._drop_lease(counter, reservation.id)
                counter.spent += actual_cost
                crossed = new_crossings(budget, counter.mark, counter.spent)
                if crossed:
                    counter.mark = crossed[-1]
                    crossings.append(BudgetCrossing(budget, crossed, counter.spent))
        return crossings

    async def seed(self, budget: Budget, spent: int, at: datetime) -> None:
        with self._lock:
            self._counters.setdefault(budget.counter_key(at), _Counter(spent=spent))

    async def release(self, reservation: Reservation) -> None:
        reservation.finish()
        with self._lock:
            for key in reservation.counter_keys:
                if key in self._counters:
                    self._drop_lease(self._counters[key], reservation.id)

    async def status(self, budgets: Sequence[Budget]) -> list[BudgetStatus]:
        at, now = datetime.now(UTC), time.monotonic()
        statuses = []
        with self._lock:
            for budget in budgets:
                counter = self._counters.get(budget.counter_key(at)) or _Counter()
                self._expire(counter, now)
                statuses.append(BudgetStatus(budget, counter.spent, counter.reserved))
        return statuses

    @staticmethod
    def _drop_lease(counter: _Counter, reservation_id: str) -> None:
        amount, _ = counter.leases.pop(reservation_id, (0, 0.0))
        counter.reserved -= amount

    @staticmethod
    def _expire(counter: _Counter, now: float) -> None:
        for reservation_id in [r for r, (_, expires) in counter.leases.items() if expires <= now]:
            LocalBudgetLedger._drop_lease(counter, reservation_id)


def budget_period_end(budget: Budget, at: datetime) -> datetime:
    return period_bounds(budget.period, at)[1]
