"""Try a route, for the routing page: the pipeline's dry run (routing.pipeline.dry_run) for a
signed-in member, as rows a person reads, plus what the loaded routing leaves out and why (a
disabled provider or model, one missing from the catalog), looked up in the database here,
off the hot path. Nothing is called, charged or recorded."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from asgiref.sync import async_to_sync
from django.core.exceptions import ValidationError

from providers.models import ProviderModel
from routing.models import ModelAlias, RoutingRule
from routing.pipeline.dry_run import DryRun, route_dry_run
from routing.pipeline.errors import ApiError
from routing.strategies import Candidate, RouteDecision
from workspaces.access import Actor
from workspaces.models import Workspace


@dataclass(frozen=True)
class TrialRow:
    """One candidate of the route and what the call would do with it: ``outcome`` is first,
    fallback, passed over (the call step skips it), skipped (filtered out by the decision)
    or left out (configured, but not callable)."""

    label: str
    outcome: str
    why: str = ""
    context_window: int | None = None
    expected_cost: float | None = None


@dataclass(frozen=True)
class RouteTrial:
    model: str
    run: DryRun
    rows: tuple[TrialRow, ...]


def route_try(*, actor: Actor, model: str, task: str, prompt_tokens: int) -> RouteTrial:
    """The dry run of a call to ``model``; ValidationError on ``model`` when the workspace
    cannot route that name at all (unknown, or a disabled alias or model)."""
    try:
        run = async_to_sync(route_dry_run)(
            actor=actor, model=model, task=task, prompt_tokens=prompt_tokens
        )
    except ApiError as error:
        raise ValidationError({"model": _unroutable(actor.workspace, model, error)}) from None
    return RouteTrial(model, run, tuple(_rows(run)) + tuple(_left_out(actor.workspace, model, run)))


def _rows(run: DryRun) -> list[TrialRow]:
    request, first = run.request, run.first

    def row(candidate: Candidate, outcome: str, why: str = "") -> TrialRow:
        return TrialRow(
            candidate.label, outcome, why, candidate.context_window,
            candidate.expected_cost(request.prompt_tokens, request.output_tokens),
        )  # fmt: skip

    rows, previous = [], ""
    for attempt in run.attempts:
        candidate = attempt.candidate
        if attempt.passed_over:
            rows.append(row(candidate, "passed over", attempt.passed_over))
        elif first is None:
            rows.append(row(candidate, "not tried", "the call is refused before any candidate"))
        elif candidate is first:
            rows.append(row(candidate, "first", "called first"))
            previous = candidate.label
        else:
            rows.append(row(candidate, "fallback", f"called if {previous} fails"))
            previous = candidate.label
    rows += [row(candidate, "skipped", why) for candidate, why in run.decision.skipped]
    return rows


def _left_out(workspace: Workspace, model: str, run: DryRun) -> list[TrialRow]:
    """Configured candidates of the route taken that the loaded routing does not hold."""
    routed = {c.label for c in run.decision.candidates} | {c.label for c, _ in run.decision.skipped}
    return [
        TrialRow(label, "left out", _why_unusable(workspace, label))
        for label in _configured(workspace, model, run.decision)
        if label not in routed
    ]


def _configured(workspace: Workspace, model: str, decision: RouteDecision) -> list[str]:
    """The candidate labels of the alias or rule ``decision`` ordered, as configured."""
    if "/" in model:
        return []
    specs: list[dict[str, Any]] = []
    rule = (
        RoutingRule.objects.for_workspace(workspace).filter(name=decision.rule).first()
        if decision.rule
        else None
    )
    if rule is not None and not rule.alias:
        specs = rule.candidates or []
    else:
        name = rule.alias if rule is not None else model
        alias = ModelAlias.objects.for_workspace(workspace).filter(name=name).first()
        specs = alias.candidates if alias is not None else []
    return [str(spec.get("model", "")) for spec in specs if isinstance(spec, dict)]


def _why_unusable(workspace: Workspace, label: str) -> str:
    slug, _, name = label.partition("/")
    entry = (
        ProviderModel.objects.for_workspace(workspace)
        .filter(provider__slug=slug, name=name)
        .select_related("provider")
        .first()
    )
    if entry is None:
        return "not in this workspace's catalog"
    if not entry.provider.enabled:
        return f"its provider {slug} is disabled"
    if not entry.enabled:
        return "the model is disabled in the catalog"
    return "not loaded yet: routing picks up changes within seconds"


def _unroutable(workspace: Workspace, model: str, error: ApiError) -> str:
    if error.status != 404:
        return error.message
    if "/" in model:
        return f"{model}: {_why_unusable(workspace, model)}."
    alias = ModelAlias.objects.for_workspace(workspace).filter(name=model).first()
    if alias is not None and not alias.enabled:
        return f"The alias {model} is disabled."
    return f"{model} is neither an alias of this workspace nor provider/model from its catalog."
