"""Admit, reserve and settle: may this call go ahead, what does it hold while it runs, and
what does it give back when it ends?

``admit`` charges the key's rate limits (requests/min, tokens/min) and the workspace's
tokens/day quota at the estimate, and reads the budgets' state that rules route on.
``reserve`` holds the estimated cost of the first deployment whose budgets have room
(routing.pipeline.budget_hold moves the hold when a fallback changes provider), atomically
(Redis when configured), so concurrent calls cannot overshoot a hard limit. ``settle``
corrects the limits to the real token count and settles or releases the reservation.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from asgiref.sync import sync_to_async

from analytics.alerts.services import alert_raise
from providers.adapters.base import JSON
from providers.deployments import Deployment
from routing.pipeline.auth import require
from routing.pipeline.budget_hold import BudgetHold, budgets_seed
from routing.pipeline.call_log import CallLog
from routing.pipeline.errors import ApiError
from routing.pipeline.live_stats import output_observed
from routing.pipeline.route import route_request
from routing.pipeline.workspace_routing import WorkspaceRouting
from routing.reliability import (
    Admitted,
    BudgetCrossing,
    BudgetState,
    LimitCharge,
    api_key_limits,
    budget_ledger,
    budgets_state,
    micro_usd,
    rate_limiter,
    workspace_quota,
)
from routing.reliability.budgets import format_usd
from routing.reliability.periods import period_adjective
from routing.strategies import RouteRequest
from workspaces.access import Actor
from workspaces.roles import Permission

logger = logging.getLogger(__name__)
_background: set[asyncio.Task] = set()


@dataclass
class Admission:
    """What a call holds while it runs, to correct or give back when it ends."""

    charges: tuple[LimitCharge, ...] = ()
    estimated_tokens: int = 0
    hold: BudgetHold | None = None  # None: no budget applies to this workspace


async def admit(log: CallLog, body: JSON, routing: WorkspaceRouting, *, task: str) -> RouteRequest:
    """Charge rate limits and quota; the request's routing facts, with the budgets' state.
    Raises ApiError (403 without use_models, 429 over a limit)."""
    actor = _actor(log)
    require(actor, Permission.USE_MODELS)
    state = await budget_state_for(actor, routing)
    request = route_request(actor, body, task=task, budget_state=state)
    log.prompt_tokens = request.prompt_tokens
    admission = Admission(estimated_tokens=request.tokens_needed)
    log.admission = admission
    await _admit_limits(admission, actor, routing)
    return request


async def budget_state_for(actor: Actor, routing: WorkspaceRouting) -> BudgetState:
    """The worst state of the workspace, key and user budgets ``actor`` spends against: what
    rules match on. Reads the counters (seeded from the usage records) and charges nothing."""
    everyone = routing.budgets_for(
        provider_id=None, api_key_id=actor.api_key_id, user_id=actor.user.pk
    )
    if not everyone:
        return "ok"
    await budgets_seed(everyone)
    return budgets_state(await budget_ledger().status([b.budget for b in everyone]))


def limit_charges(actor: Actor, routing: WorkspaceRouting, *, tokens: int) -> list[LimitCharge]:
    """What a call estimated at ``tokens`` charges: its key's rate limits (a signed-in
    user's call has no key) and the workspace's tokens/day quota."""
    rpm, tpm = routing.key_limits.get(actor.api_key_id or 0, (None, None))
    return [
        *api_key_limits(
            key_id=actor.api_key_id or 0, requests_per_minute=rpm, tokens_per_minute=tpm,
            tokens=tokens,
        ),
        *workspace_quota(
            workspace_id=actor.workspace.pk, tokens_per_day=routing.tokens_per_day,
            tokens=tokens,
        ),
    ]  # fmt: skip


async def reserve(
    log: CallLog,
    body: JSON,
    deployments: list[Deployment],
    routing: WorkspaceRouting,
    request: RouteRequest,
) -> None:
    """Hold the estimated cost against the budgets of the first deployment with room; 429
    when a workspace, key or user budget is spent, or every provider's is."""
    if not routing.budgets:
        return
    actor = _actor(log)
    hold = BudgetHold(
        routing=routing, api_key_id=actor.api_key_id, user_id=actor.user.pk,
        prompt_tokens=request.prompt_tokens,
        max_tokens=body.get("max_tokens") or body.get("max_completion_tokens"),
    )  # fmt: skip
    log.admission.hold = hold
    await hold.reserve_first_fundable(deployments)


async def _admit_limits(admission: Admission, actor: Actor, routing: WorkspaceRouting) -> None:
    charges = limit_charges(actor, routing, tokens=admission.estimated_tokens)
    if not charges:
        return
    outcome = await rate_limiter().admit(charges)
    if not isinstance(outcome, Admitted):
        raise ApiError(
            outcome.message, status=429, code="rate_limit_exceeded",
            retry_after=outcome.retry_after, error_class="hub_rate_limit",
        )  # fmt: skip
    admission.charges = outcome.charges


async def settle(log: CallLog) -> None:
    """Correct limits to the real token count and settle or release the budget reservation;
    exactly once per call, and never an error for a call already served."""
    admission: Admission | None = log.admission
    if admission is None:
        return
    log.admission = None
    if (
        log.endpoint == "chat" and log.status == "success" and log.deployment is not None
        and not log.tokens_estimated
    ):  # fmt: skip
        output_observed(log.deployment, log.output_tokens)
    try:
        actual = log.input_tokens + log.output_tokens
        if admission.charges and actual != admission.estimated_tokens:
            await rate_limiter().adjust(
                [
                    LimitCharge(c.limit, actual - admission.estimated_tokens, c.bucket)
                    for c in admission.charges
                    if c.limit.name != "requests/min"
                ]
            )
        hold = admission.hold
        reservation = hold.reservation if hold is not None else None
        if hold is None or reservation is None:
            return
        if log.input_tokens == 0 and log.output_tokens == 0:
            await budget_ledger().release(reservation)
            return
        crossings = await budget_ledger().settle(reservation, micro_usd(log.cost_usd))
        for crossing in crossings:
            await _budget_alert(log, crossing, hold.budget_ids.get(crossing.budget))
    except Exception:
        logger.exception("settling limits and budgets for %s failed", log.request_id)


def settle_soon(log: CallLog) -> None:
    """``settle`` from a ``finally`` that must not await (a cancelled stream), in a task."""
    if log.admission is None:
        return
    try:
        task = asyncio.get_running_loop().create_task(settle(log))
    except RuntimeError:
        return
    _background.add(task)
    task.add_done_callback(_background.discard)


async def _budget_alert(log: CallLog, crossing: BudgetCrossing, budget_id: int | None) -> None:
    """Crossing 50/80/100 % raises one alert per threshold and period (analytics.alerts)."""
    budget = crossing.budget
    threshold = crossing.thresholds[-1]
    await sync_to_async(alert_raise)(
        workspace=_actor(log).workspace,
        key=f"budget:{budget_id}:{budget.counter_key(datetime.now(UTC))}",
        state=str(threshold),
        title=f"Budget {budget.name!r} reached {threshold} %",
        text=f"The {period_adjective(budget.period)} budget {budget.name!r} has spent "
        f"${format_usd(crossing.spent)}.",
        level="critical" if threshold >= 100 else "warning",
    )


def _actor(log: CallLog) -> Actor:
    assert log.actor is not None, "only an authenticated call is admitted"
    return log.actor
