"""A workspace's routing configuration as the pipeline needs it: its deployments (the one map
explicit ``provider/model`` names and aliases are both resolved in), aliases as routes, rules,
budgets and limits, loaded in one go and kept a few seconds in-process (cleared by
routing.signals when a row changes here; other processes catch up within the TTL).
Holds decrypted provider keys inside its deployments, so it never goes to a shared cache."""

from __future__ import annotations

from dataclasses import dataclass, field

from asgiref.sync import sync_to_async
from django.conf import settings

from providers.deployments import Deployment, deployment_for
from providers.models import ProviderModel
from routing.budget_spend import budget_spend
from routing.models import ModelAlias, QualityScore, RoutingRule, SpendBudget
from routing.pipeline.errors import database_unavailable
from routing.pipeline.local_cache import LocalTTLCache
from routing.reliability import Budget, Period, ScopeKind, micro_usd
from routing.strategies import Candidate, Route, Rule, RuleConditions
from workspaces.models import ApiKey, Workspace


@dataclass(frozen=True)
class ScopedBudget:
    budget: Budget
    budget_id: int
    spent: int = 0  # micro-dollars spent this period per the usage records, at load time


@dataclass(frozen=True)
class WorkspaceRouting:
    aliases: dict[str, Route] = field(default_factory=dict)
    rules: tuple[Rule, ...] = ()
    deployments: dict[str, Deployment] = field(default_factory=dict)  # by provider/model
    budgets: tuple[ScopedBudget, ...] = ()
    key_limits: dict[int, tuple[int | None, int | None]] = field(default_factory=dict)
    tokens_per_day: int | None = None
    # Measured quality by (provider/model, task tag or ""): (score, where it came from).
    quality: dict[tuple[str, str], tuple[float, str]] = field(default_factory=dict)

    def budgets_for(
        self, *, provider_id: int | None, api_key_id: int | None, user_id: int | None
    ) -> list[ScopedBudget]:
        wanted = {
            (ScopeKind.WORKSPACE, None),
            (ScopeKind.PROVIDER, provider_id),
            (ScopeKind.API_KEY, api_key_id),
            (ScopeKind.USER, user_id),
        }
        return [
            b
            for b in self.budgets
            if (
                b.budget.scope,
                None if b.budget.scope == ScopeKind.WORKSPACE else b.budget.scope_id,
            )
            in wanted
        ]


_loaded: LocalTTLCache[int, WorkspaceRouting] = LocalTTLCache(
    ttl=getattr(settings, "HUB_ROUTE_LOCAL_TTL", 10.0), keep_for=settings.HUB_OUTAGE_GRACE_SECONDS
)


def routing_forget(**_: object) -> None:
    """Drop every workspace's loaded routing (a signal handler: ignores its arguments)."""
    _loaded.clear()


async def workspace_routing(workspace_id: int) -> WorkspaceRouting:
    """The workspace's routing as loaded at most seconds ago; while the database is away, as
    loaded last (within HUB_OUTAGE_GRACE_SECONDS); else 503."""
    return await _loaded.get_or_load(
        workspace_id,
        lambda: sync_to_async(routing_load)(workspace_id),
        on_outage=database_unavailable,
    )


def _candidate(deployment: Deployment, spec: dict, measured: tuple[float, str] | None) -> Candidate:
    if measured is not None:
        score, note = measured
        return Candidate(deployment, weight=float(spec.get("weight", 1)), quality=score,
                         quality_source=note)  # fmt: skip
    return Candidate(deployment, weight=float(spec.get("weight", 1)), quality=spec.get("quality"))


def routing_load(workspace_id: int) -> WorkspaceRouting:
    """Sync: everything routing needs for one workspace, in a handful of queries."""
    workspace = Workspace.objects.filter(pk=workspace_id).first()
    if workspace is None:
        return WorkspaceRouting()
    entries = (
        ProviderModel.objects.for_workspace(workspace)
        .filter(enabled=True, provider__enabled=True)
        .select_related("provider", "provider__credential")
    )
    deployments = {entry.label: deployment_for(entry) for entry in entries}
    quality: dict[tuple[str, str], tuple[float, str]] = {}
    for measured in QualityScore.objects.for_workspace(workspace).order_by("measured_at"):
        quality[(measured.model, measured.task)] = (measured.score, measured.note)  # newest wins

    def route_of(name: str, specs: list[dict], strategy_name: str) -> Route:
        """The alias's (or rule's) candidates that are callable now, with its weights and
        quality scores (measured ones before hand-set ones); a spec naming a disabled or
        deleted model is left out."""
        chosen = [
            _candidate(deployments[spec["model"]], spec, quality.get((spec["model"], "")))
            for spec in specs
            if spec["model"] in deployments
        ]
        return Route(name, tuple(chosen), strategy_name or "ordered")

    aliases = {
        a.name: route_of(a.name, a.candidates, a.strategy)
        for a in ModelAlias.objects.for_workspace(workspace).filter(enabled=True)
    }
    rules = tuple(
        Rule(
            name=r.name,
            when=RuleConditions(
                tasks=frozenset(r.tasks or ()),
                min_prompt_tokens=r.min_prompt_tokens,
                max_prompt_tokens=r.max_prompt_tokens,
                needs=frozenset(r.needs or ()),
                api_key_ids=frozenset(k.pk for k in r.api_keys.all()),
                budget_states=frozenset(r.budget_states or ()),
                start=r.start_time,
                end=r.end_time,
            ),
            alias=r.alias,
            candidates=route_of(r.name, r.candidates or [], "ordered").candidates,
            strategy=r.strategy or None,
        )
        for r in RoutingRule.objects.for_workspace(workspace)
        .filter(enabled=True)
        .prefetch_related("api_keys")
    )
    budgets = tuple(
        ScopedBudget(
            Budget(
                name=b.name,
                scope=ScopeKind(b.scope),
                scope_id=b.scope_id or 0,
                period=Period(b.period),
                hard_limit=micro_usd(b.hard_limit_usd) if b.hard_limit_usd else None,
                soft_limit=micro_usd(b.soft_limit_usd) if b.soft_limit_usd else None,
            ),
            b.pk,
            micro_usd(budget_spend(b).spent),
        )
        for b in SpendBudget.objects.for_workspace(workspace).filter(enabled=True)
    )
    key_limits = {
        pk: (rpm, tpm)
        for pk, rpm, tpm in ApiKey.objects.filter(workspace=workspace, revoked_at__isnull=True)
        .exclude(requests_per_minute__isnull=True, tokens_per_minute__isnull=True)
        .values_list("pk", "requests_per_minute", "tokens_per_minute")
    }
    return WorkspaceRouting(
        aliases=aliases,
        rules=rules,
        deployments=deployments,
        budgets=budgets,
        key_limits=key_limits,
        tokens_per_day=workspace.tokens_per_day,
        quality=quality,
    )
