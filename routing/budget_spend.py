"""Reads: what each budget has spent in its current period, from the usage records.

The live counters (routing.reliability.budgets) also hold open reservations and, on the
embedded default, start from zero with the process; the usage records are what was
actually spent, so the pages show those.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import QuerySet, Sum
from django.utils import timezone

from analytics.models import UsageRecord
from analytics.selectors import UsageFilters, usage_list
from routing.models import BudgetScope, SpendBudget
from routing.reliability.budgets import BudgetState, budget_state
from routing.reliability.periods import Period, period_bounds
from workspaces.models import Workspace


@dataclass(frozen=True)
class BudgetSpend:
    """A budget, what the usage records say it spent this period, and where that stands
    against its limits (by the same rule as the live counters, with nothing in flight)."""

    budget: SpendBudget
    spent: Decimal
    period_start: datetime
    period_end: datetime

    @property
    def state(self) -> BudgetState:
        return budget_state(
            spent=self.spent,
            hard_limit=self.budget.hard_limit_usd,
            soft_limit=self.budget.soft_limit_usd,
        )

    @property
    def full_scale(self) -> Decimal:
        """The bar's 100 %: the hard limit, else the soft one (``clean()`` demands one)."""
        limit = self.budget.hard_limit_usd or self.budget.soft_limit_usd
        return Decimal(limit or 0)

    @property
    def percent_used(self) -> float:
        scale = self.full_scale
        return float(self.spent / scale * 100) if scale > 0 else 0.0

    @property
    def percent_of_soft(self) -> float | None:
        return _percent(self.spent, self.budget.soft_limit_usd)

    @property
    def percent_of_hard(self) -> float | None:
        return _percent(self.spent, self.budget.hard_limit_usd)

    @property
    def bar_percent(self) -> float:
        return min(100.0, self.percent_used)

    @property
    def soft_mark_percent(self) -> float | None:
        """Where the soft limit sits on a bar scaled to the hard limit; None without both."""
        soft, hard = self.budget.soft_limit_usd, self.budget.hard_limit_usd
        if soft is None or hard is None or hard <= 0:
            return None
        return min(100.0, float(soft / hard * 100))


def _percent(spent: Decimal, limit: Decimal | None) -> float | None:
    return float(spent / limit * 100) if limit else None


def budget_records(budget: SpendBudget, *, start: datetime, end: datetime) -> QuerySet[UsageRecord]:
    """The usage records a budget counts: its workspace's, in [start, end), of its scope."""
    records = usage_list(
        workspace=budget.workspace,
        filters=UsageFilters(
            start=start,
            end=end,
            api_key_id=budget.api_key_id if budget.scope == BudgetScope.API_KEY else None,
        ),
    )
    if budget.scope == BudgetScope.PROVIDER:
        return records.filter(provider=budget.provider)
    if budget.scope == BudgetScope.USER:
        return records.filter(user=budget.user)
    return records


def budget_spend(budget: SpendBudget, *, at: datetime | None = None) -> BudgetSpend:
    start, end = period_bounds(Period(budget.period), at or timezone.now())
    spent = (
        budget_records(budget, start=start, end=end)
        .order_by()
        .aggregate(total=Sum("cost_usd"))["total"]
    )
    return BudgetSpend(budget=budget, spent=Decimal(spent or 0), period_start=start, period_end=end)


def budget_list(*, workspace: Workspace) -> QuerySet[SpendBudget]:
    return SpendBudget.objects.for_workspace(workspace).select_related(
        "workspace", "provider", "api_key", "user"
    )


def budget_spend_list(
    *, workspace: Workspace, enabled_only: bool = False, at: datetime | None = None
) -> list[BudgetSpend]:
    """One status per budget of ``workspace`` (a sum query each: workspaces hold few)."""
    budgets = budget_list(workspace=workspace)
    if enabled_only:
        budgets = budgets.filter(enabled=True)
    return [budget_spend(budget, at=at) for budget in budgets]
