"""A dry run of a call's admission, route and call steps, for the routing page's "Try a route".

The decision is the route step's own (``route.route_decision``), on the same loaded routing,
live numbers and breaker states a call would meet now. Then, in the order the call step walks
the candidates, what it would pass over and why (a provider's spent budget, an open breaker),
and what would refuse the whole call first (rate limits and quota, budgets, no candidate left).
Counters are read, never charged or held; no model is called and nothing is recorded.
"""

from __future__ import annotations

from dataclasses import dataclass

from routing.pipeline.admission import budget_state_for, limit_charges
from routing.pipeline.budget_hold import budgets_seed
from routing.pipeline.route import DEFAULT_EXPECTED_OUTPUT, route_decision
from routing.pipeline.workspace_routing import ScopedBudget, WorkspaceRouting, workspace_routing
from routing.reliability import (
    Rejection,
    ScopeKind,
    budget_ledger,
    rate_limiter,
    status_refusal,
)
from routing.strategies import Candidate, RouteDecision, RouteRequest
from workspaces.access import Actor
from workspaces.roles import Permission

BREAKER_OPEN = "circuit breaker open: skipped until its cool-down ends and a probe is due"


@dataclass(frozen=True)
class Attempt:
    """A candidate in the order the call step would go through them; ``passed_over`` says
    why it would be skipped without being called ("" when it would be called)."""

    candidate: Candidate
    passed_over: str = ""


@dataclass(frozen=True)
class DryRun:
    request: RouteRequest
    decision: RouteDecision
    attempts: tuple[Attempt, ...] = ()
    refused: str = ""  # why the call would be refused before any candidate answers
    notes: tuple[str, ...] = ()

    @property
    def first(self) -> Candidate | None:
        """The candidate that would be called first (it answers unless it fails)."""
        if self.refused:
            return None
        return next((a.candidate for a in self.attempts if not a.passed_over), None)


async def route_dry_run(
    *,
    actor: Actor,
    model: str,
    prompt_tokens: int,
    task: str = "",
    output_tokens: int = DEFAULT_EXPECTED_OUTPUT,
) -> DryRun:
    """What a call to ``model`` with ``prompt_tokens`` of prompt and the task tag ``task``
    would meet now; raises the route step's ApiError (404) for an unknown model."""
    routing = await workspace_routing(actor.workspace.pk)
    request = RouteRequest(
        prompt_tokens=prompt_tokens,
        output_tokens=output_tokens,
        task=task[:64],
        api_key_id=actor.api_key_id,
        budget_state=await budget_state_for(actor, routing),
    )
    decision = await route_decision(model, routing, request)
    notes = []
    if decision.label.endswith("strategy=weighted"):
        notes.append("The weighted strategy picks at random by weight: each call may differ.")
    if not actor.can(Permission.USE_MODELS):
        notes.append("Your role may not call models; a member's call would route like this.")
    refusals: list[str] = []
    throttled = await rate_limiter().peek(
        limit_charges(actor, routing, tokens=request.tokens_needed)
    )
    if throttled is not None:
        refusals.append(f"Rate limit: {throttled.message}")
    if not decision.candidates:
        refusals.append(f"No candidate can serve this request: {decision.reason}.")
    attempts = await _attempts(actor, routing, decision.candidates, refusals)
    if attempts and all(a.passed_over for a in attempts) and not refusals:
        refusals.append(f"Every candidate would be passed over ({attempts[0].passed_over}).")
    return DryRun(request, decision, tuple(attempts), refusals[0] if refusals else "", tuple(notes))


async def _attempts(
    actor: Actor, routing: WorkspaceRouting, candidates: list[Candidate], refusals: list[str]
) -> list[Attempt]:
    """The call step's walk: a provider whose hard budget is spent is skipped first, then a
    candidate whose breaker is open. A spent workspace, key or user budget refuses the call."""
    if not routing.budgets:
        return [Attempt(c, BREAKER_OPEN if c.breaker_open else "") for c in candidates]
    everyone = routing.budgets_for(
        provider_id=None, api_key_id=actor.api_key_id, user_id=actor.user.pk
    )
    spent = await _refusal(everyone)
    if spent is not None:
        refusals.append(f"Budget: {spent.message}")
    attempts = []
    for candidate in candidates:
        provider_budgets = [
            b
            for b in routing.budgets_for(
                provider_id=candidate.deployment.provider_id, api_key_id=None, user_id=None
            )
            if b.budget.scope == ScopeKind.PROVIDER
        ]
        refusal = await _refusal(provider_budgets)
        if refusal is not None:
            attempts.append(Attempt(candidate, f"provider budget spent: {refusal.message}"))
        else:
            attempts.append(Attempt(candidate, BREAKER_OPEN if candidate.breaker_open else ""))
    return attempts


async def _refusal(budgets: list[ScopedBudget]) -> Rejection | None:
    """What reserving against ``budgets`` would be refused with now, holding nothing."""
    if not budgets:
        return None
    await budgets_seed(budgets)
    for status in await budget_ledger().status([b.budget for b in budgets]):
        refusal = status_refusal(status)
        if refusal is not None:
            return refusal
    return None
