"""The model catalog: what each provider serves, at what price, addressed as ``slug/model``.

A sync merges the provider's own model list with litellm's bundled facts. Rows a workspace
added by hand, and prices it overrode, are never touched by a sync.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from decimal import Decimal

from asgiref.sync import async_to_sync
from django.db import transaction
from django.utils import timezone

from providers.adapters import errors
from providers.adapters.base import ModelInfo, Target, UpstreamError
from providers.adapters.registry import adapter_for, target_for
from providers.models import ModelSource, Provider, ProviderModel
from providers.pricing import facts_for
from workspaces.models import Workspace


def model_resolve(*, workspace: Workspace, name: str) -> ProviderModel | None:
    """The catalog row for ``<provider slug>/<model>`` in this workspace, or None."""
    slug, _, model = name.partition("/")
    if not slug or not model:
        return None
    return (
        ProviderModel.objects.for_workspace(workspace)
        .select_related("provider", "provider__credential")
        .filter(provider__slug=slug, name=model)
        .first()
    )


@dataclass(frozen=True)
class SyncResult:
    added: int
    updated: int
    listed: int


def sync_models(provider: Provider, *, time_limit_s: float | None = None) -> SyncResult:
    """List the provider's models and merge them into the catalog. Raises UpstreamError."""

    listed = async_to_sync(models_list)(target_for(provider), time_limit_s=time_limit_s)
    return catalog_merge(provider, listed)


async def models_list(target: Target, *, time_limit_s: float | None = None) -> list[ModelInfo]:
    """The endpoint's model list, within ``time_limit_s`` when given (a page waits for it).

    A provider may quote the key it refused in its error; the message never carries it on."""
    try:
        async with asyncio.timeout(time_limit_s):
            return await adapter_for(target.kind).list_models(target)
    except TimeoutError:
        raise errors.timed_out("model list") from None
    except UpstreamError as error:
        if target.api_key and target.api_key in error.message:
            error.message = error.message.replace(target.api_key, "[key]")
            error.args = (error.message,)
        raise


MAX_NAME = ProviderModel._meta.get_field("name").max_length or 200
MAX_COUNT = 2**31 - 1  # what the catalog's integer columns hold
MAX_PRICE = Decimal(10) ** 8  # USD per million tokens: what the price columns hold


def listing_fits(info: ModelInfo) -> bool:
    """Whether a listed model can be stored as the provider describes it: a provider's list
    is outside input, and a name or number past what the columns hold is left out rather than
    failing the whole sync (on PostgreSQL, a value too long for its column is an error)."""
    counts = (info.context_window, info.max_output_tokens)
    prices = (info.input_price_per_mtok, info.output_price_per_mtok)
    return (
        bool(info.id) and len(info.id) <= MAX_NAME and info.id.isprintable()
        and all(c is None or 0 < c <= MAX_COUNT for c in counts)
        and all(p is None or (p.is_finite() and 0 <= p < MAX_PRICE) for p in prices)
    )  # fmt: skip


def catalog_merge(provider: Provider, listed: list[ModelInfo]) -> SyncResult:
    existing = {m.name: m for m in ProviderModel.objects.filter(provider=provider)}
    added = updated = 0
    now = timezone.now()
    listed = [info for info in listed if listing_fits(info)]
    with transaction.atomic():
        for info in listed:
            row = existing.get(info.id)
            if row is None:
                row = ProviderModel(
                    workspace_id=provider.workspace_id, provider=provider, name=info.id
                )
                added += 1
            elif row.source == ModelSource.MANUAL:
                continue
            else:
                updated += 1
            _apply_facts(row, provider.kind, info)
            row.synced_at = now
            row.save()
    return SyncResult(added=added, updated=updated, listed=len(listed))


def _apply_facts(row: ProviderModel, kind: str, info: ModelInfo) -> None:
    facts = facts_for(kind, info.id)
    row.context_window = (
        info.context_window or (facts and facts.context_window) or row.context_window
    )
    row.max_output_tokens = (
        info.max_output_tokens or (facts and facts.max_output_tokens) or row.max_output_tokens
    )
    row.is_embedding = info.is_embedding or bool(facts and facts.is_embedding)
    row.is_rerank = info.is_rerank or bool(facts and facts.is_rerank)
    if facts is not None:
        row.supports_tools = facts.supports_tools
        row.supports_vision = facts.supports_vision
        row.supports_json = facts.supports_json
    for flag in ("supports_tools", "supports_vision", "supports_json"):
        reported = getattr(info, flag)
        if reported is not None:
            setattr(row, flag, reported)
    if row.prices_overridden:
        return
    if info.input_price_per_mtok is not None or info.output_price_per_mtok is not None:
        row.input_price_per_mtok = info.input_price_per_mtok
        row.output_price_per_mtok = info.output_price_per_mtok
    elif facts is not None:
        row.input_price_per_mtok = facts.input_price
        row.output_price_per_mtok = facts.output_price
        row.cached_input_price_per_mtok = facts.cached_input_price


def sync_all_models() -> dict[str, str]:
    """Sync every enabled provider; one failing provider does not stop the others."""
    outcome: dict[str, str] = {}
    for provider in Provider.objects.filter(enabled=True).select_related("credential"):
        label = f"{provider.workspace_id}:{provider.slug}"
        try:
            result = sync_models(provider)
        except UpstreamError as error:
            outcome[label] = f"failed: {error.message}"
            continue
        outcome[label] = f"{result.listed} listed, {result.added} added"
    return outcome
