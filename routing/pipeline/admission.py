"""Admit step: may this call go ahead, and against which limits and budgets is it counted?

Rate limits (per key requests/min and tokens/min) and the workspace's tokens/day quota are
charged at the estimate before routing and corrected to the actual count afterwards. Budgets
reserve the estimated cost of the candidate about to be tried (routing.pipeline.budget_hold moves the
hold when a fallback changes provider) and settle to the real cost when the call ends,
atomically (Redis when configured), so concurrent calls cannot overshoot a hard limit.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from providers.adapters.base import JSON
from routing.pipeline.auth import Caller, require
from routing.pipeline.budget_hold import BudgetHold, budgets_seed
from routing.pipeline.call_log import CallLog
from routing.pipeline.candidates import Candidate
from routing.pipeline.errors import ApiError
from routing.pipeline.route import route, route_request
from routing.pipeline.workspace_routing import WorkspaceRouting, workspace_routing
from routing.reliability import (
    Admitted,
    BudgetCrossing,
    LimitCharge,
    api_key_limits,
    budget_ledger,
    budgets_state,
    micro_usd,
    rate_limiter,
    workspace_quota,
)
from workspaces.roles import Permission

logger = logging.getLogger(__name__)
_background: set[asyncio.Task] = set()


@dataclass
class Admission:
    """What a call holds while it runs, to correct or give back when it ends."""

    charges: tuple[LimitCharge, ...] = ()
    estimated_tokens: int = 0
    hold: BudgetHold | None = None  # None: no budget applies to this workspace


async def admitted_candidates(log: CallLog, body: JSON, *, task: str = "") -> list[Candidate]:
    """Check limits and budgets, route, reserve; raises ApiError (403, 404, 429, 400)."""
    caller = log.caller
    assert caller is not None
    require(caller, Permission.USE_MODELS)
    routing = await workspace_routing(caller.workspace_id)
    everyone = routing.budgets_for(
        provider_id=None, api_key_id=caller.api_key_id, user_id=caller.user_id
    )
    state = "ok"
    if everyone:
        await budgets_seed(everyone)
        state = budgets_state(await budget_ledger().status([b.budget for b in everyone]))
    request = route_request(caller, body, task=task, budget_state=state)
    admission = Admission(estimated_tokens=request.tokens_needed)
    log.admission = admission
    await _admit_limits(admission, caller, routing)
    candidates = await route(caller=caller, body=body, log=log, routing=routing, request=request)
    if not routing.budgets:
        return candidates
    admission.hold = BudgetHold(
        routing=routing, api_key_id=caller.api_key_id, user_id=caller.user_id,
        prompt_tokens=request.prompt_tokens, output_tokens=request.output_tokens,
    )  # fmt: skip
    await admission.hold.reserve_first_fundable(candidates)
    return candidates


async def _admit_limits(admission: Admission, caller: Caller, routing: WorkspaceRouting) -> None:
    rpm, tpm = routing.key_limits.get(caller.api_key_id or 0, (None, None))
    charges = [
        *api_key_limits(
            key_id=caller.api_key_id or 0, requests_per_minute=rpm, tokens_per_minute=tpm,
            tokens=admission.estimated_tokens,
        ),
        *workspace_quota(
            workspace_id=caller.workspace_id, tokens_per_day=routing.tokens_per_day,
            tokens=admission.estimated_tokens,
        ),
    ]  # fmt: skip
    if not charges:
        return
    outcome = await rate_limiter().admit(charges)
    if not isinstance(outcome, Admitted):
        raise ApiError(
            outcome.message, status=429, code="rate_limit_exceeded",
            retry_after=outcome.retry_after, error_class="hub_rate_limit",
        )  # fmt: skip
    admission.charges = outcome.charges


async def admission_settle(log: CallLog) -> None:
    """Correct limits to the real token count and settle or release the budget reservation."""
    admission: Admission | None = log.admission
    if admission is None:
        return
    log.admission = None  # settle exactly once
    try:
        actual = log.input_tokens + log.output_tokens
        if admission.charges and actual != admission.estimated_tokens:
            await rate_limiter().adjust(
                [
                    LimitCharge(c.limit, actual - admission.estimated_tokens)
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
    except Exception:  # accounting must never turn a served call into an error
        logger.exception("settling limits and budgets for %s failed", log.request_id)


def admission_settle_soon(log: CallLog) -> None:
    """From a ``finally`` that must not await (a cancelled stream): settle in a task."""
    if log.admission is None:
        return
    try:
        task = asyncio.get_running_loop().create_task(admission_settle(log))
    except RuntimeError:
        return
    _background.add(task)
    task.add_done_callback(_background.discard)


async def _budget_alert(log: CallLog, crossing: BudgetCrossing, budget_id: int | None) -> None:
    """Crossing 50/80/100 % raises one alert per threshold and period (analytics.alerts)."""
    from asgiref.sync import sync_to_async

    from analytics.alerts import alert_raise
    from workspaces.models import Workspace

    caller = log.caller
    assert caller is not None  # only an admitted caller holds a budget reservation
    budget = crossing.budget
    threshold = crossing.thresholds[-1]
    spent = crossing.spent / 1_000_000

    def send() -> None:
        workspace = Workspace.objects.filter(pk=caller.workspace_id).first()
        if workspace is None:
            return
        alert_raise(
            workspace=workspace,
            key=f"budget:{budget_id}:{budget.counter_key(datetime.now(UTC))}",
            state=str(threshold),
            title=f"Budget {budget.name!r} reached {threshold} %",
            text=f"The {budget.period.value}ly budget {budget.name!r} has spent ${spent:.2f}.",
            level="critical" if threshold >= 100 else "warning",
        )

    await sync_to_async(send)()
