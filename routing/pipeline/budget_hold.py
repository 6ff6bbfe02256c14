"""Budget reservations that follow a call to the provider that actually serves it.

A call reserves its prompt and its ``max_tokens`` at the candidate's prices; one that sets no
``max_tokens`` reserves the answer length that deployment has recently had in this process
(bounded), so calls without a bound do not hold ten times what they spend.

A call holds the workspace, key and user budgets plus the budgets of the provider it is
about to try. When the pipeline falls back to a candidate on another provider, the hold
moves there first, so the answer's cost lands on the provider that gave it; a provider
whose hard budget is exhausted is skipped like an open breaker, and the alias's next
provider may still serve the call. Only workspace, key and user budgets refuse the call.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from providers.deployments import Deployment
from routing.pipeline.errors import ApiError
from routing.pipeline.live_stats import likely_output_tokens
from routing.pipeline.workspace_routing import ScopedBudget, WorkspaceRouting
from routing.reliability import (
    Rejection,
    Reservation,
    ScopeKind,
    budget_ledger,
    cost_micro_usd,
)
from routing.reliability.periods import seconds_until_period_end

_seeded: set[str] = set()  # budget counters this process has started from the usage records


def budgets_seed_forget() -> None:
    """Seed every budget counter again on next use (the usage records changed under it)."""
    _seeded.clear()


async def budgets_seed(budgets: list[ScopedBudget]) -> None:
    """Start each budget's counter for this period from what the usage records say was
    spent, once per process: a restart (or a flushed Redis) does not reset a budget."""
    at = datetime.now(UTC)
    for scoped in budgets:
        key = scoped.budget.counter_key(at)
        if key not in _seeded:
            await budget_ledger().seed(scoped.budget, scoped.spent, at)
            _seeded.add(key)


@dataclass
class BudgetHold:
    """The reservation one call holds, and what it needs to move it to another provider."""

    routing: WorkspaceRouting
    api_key_id: int | None
    user_id: int | None
    prompt_tokens: int
    max_tokens: int | None  # the caller's bound on the answer; None: as long as answers run
    reservation: Reservation | None = None
    budget_ids: dict[object, int] = field(default_factory=dict)
    provider_id: int | None = None  # whose provider budgets the reservation covers
    exhausted: dict[int, ApiError] = field(default_factory=dict)  # provider id -> its refusal

    def budgets(self, provider_id: int | None) -> list[ScopedBudget]:
        return self.routing.budgets_for(
            provider_id=provider_id, api_key_id=self.api_key_id, user_id=self.user_id
        )

    async def reserve_first_fundable(self, deployments: list[Deployment]) -> None:
        """Reserve for the first deployment whose budgets have room; those before it, on
        providers whose hard budget is spent, are skipped (and noted) when the call is tried.
        429 when a workspace, key or user budget is spent, or every provider's is."""
        for deployment in deployments:
            if await self.move_to(deployment) is None:
                return
        if self.exhausted:
            raise next(iter(self.exhausted.values()))

    def _output_tokens(self, deployment: Deployment) -> int:
        if deployment.is_embedding:
            return 0
        return self.max_tokens or likely_output_tokens(deployment)

    async def move_to(self, deployment: Deployment) -> ApiError | None:
        """Hold the budgets ``deployment`` spends against; the error to skip it with when its
        provider's hard budget is spent. Raises when a workspace, key or user budget is."""
        provider_id = deployment.provider_id
        if provider_id in self.exhausted:
            return self.exhausted[provider_id]
        if self.reservation is not None and provider_id == self.provider_id:
            return None
        wanted = self.budgets(provider_id)
        if self.reservation is None and not wanted:
            self.provider_id = provider_id
            return None
        if self.reservation is not None:
            if [b.budget for b in wanted] == list(self.reservation.budgets):
                self.provider_id = provider_id  # no provider budget on either side
                return None
            await budget_ledger().release(self.reservation)
            self.reservation = None
        await budgets_seed(wanted)
        estimate = cost_micro_usd(
            input_tokens=self.prompt_tokens,
            output_tokens=self._output_tokens(deployment),
            input_price=deployment.input_price, output_price=deployment.output_price,
        )  # fmt: skip
        outcome = await budget_ledger().reserve([b.budget for b in wanted], estimate)
        if isinstance(outcome, Rejection):
            error = budget_exceeded(outcome)
            if outcome.budget.scope != ScopeKind.PROVIDER:
                raise error
            self.exhausted[provider_id] = error
            return error
        self.reservation, self.provider_id = outcome, provider_id
        self.budget_ids = {b.budget: b.budget_id for b in wanted}
        return None


IN_FLIGHT_RETRY_S = 1.0  # a budget held by calls in flight frees as soon as they settle


def budget_exceeded(rejection: Rejection) -> ApiError:
    """429 until the period ends when the budget is spent; a moment when calls hold it."""
    retry_after = (
        seconds_until_period_end(rejection.budget.period, datetime.now(UTC))
        if rejection.exhausted
        else IN_FLIGHT_RETRY_S
    )
    return ApiError(
        rejection.message, status=429, code="budget_exceeded", error_class="budget_exceeded",
        retry_after=retry_after,
    )  # fmt: skip
