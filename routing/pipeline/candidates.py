"""Route step: the candidates that can serve a requested model, in the order to try them.

Today a model is addressed as ``<provider slug>/<model>`` and has one candidate; aliases and
fallback chains (the routing issue) add more to the same list. Resolved candidates carry the
provider's decrypted key, so they are cached in-process only, never in a shared cache.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import DatabaseError

from providers.adapters.base import Target
from routing.pipeline.auth import Caller
from routing.pipeline.errors import ApiError, database_unavailable
from routing.pipeline.local_cache import LocalTTLCache

MILLION = Decimal(1_000_000)


@dataclass(frozen=True)
class Candidate:
    """One deployment able to serve the request, with the prices to cost it."""

    target: Target
    provider_id: int
    provider_slug: str
    model_name: str  # the catalog's upstream model id
    input_price: Decimal | None = None  # USD per million tokens
    output_price: Decimal | None = None
    cached_input_price: Decimal | None = None
    is_embedding: bool = False
    context_window: int | None = None
    capabilities: frozenset[str] = frozenset({"tools", "vision", "json"})

    @property
    def label(self) -> str:
        return f"{self.provider_slug}/{self.model_name}"

    def cost_usd(self, *, input_tokens: int, output_tokens: int, cached_tokens: int = 0) -> Decimal:
        input_price = self.input_price or Decimal(0)
        cached_price = (
            self.cached_input_price if self.cached_input_price is not None else input_price
        )
        uncached = max(input_tokens - cached_tokens, 0)
        total = (
            uncached * input_price
            + cached_tokens * cached_price
            + output_tokens * (self.output_price or Decimal(0))
        )
        return (total / MILLION).quantize(Decimal("0.00000001"))


_resolved: LocalTTLCache[tuple[int, str], tuple[Candidate, ...]] = LocalTTLCache(
    ttl=getattr(settings, "HUB_ROUTE_LOCAL_TTL", 10.0)
)


def candidates_forget() -> None:
    """Called when providers, credentials or catalog rows change (routing.signals)."""
    _resolved.clear()


async def candidates_for(*, caller: Caller, model: str) -> list[Candidate]:
    """The ordered candidates for ``model`` in the caller's workspace; 404 when there are none."""
    key = (caller.workspace_id, model)
    found = _resolved.get(key)
    if found is None:
        try:
            found = await sync_to_async(candidates_load)(
                workspace_id=caller.workspace_id, model=model
            )
        except DatabaseError:
            raise database_unavailable() from None
        _resolved.set(key, found)
    if not found:
        raise ApiError(
            f"The model {model!r} does not exist in this workspace or is disabled. "
            "Address models as <provider slug>/<model>; GET /v1/models lists them.",
            status=404,
            code="model_not_found",
            param="model",
        )
    return list(found)


def candidates_load(*, workspace_id: int, model: str) -> tuple[Candidate, ...]:
    """Sync: resolve ``model`` through the catalog; empty when unknown or disabled."""
    from providers.catalog import model_resolve
    from workspaces.models import Workspace

    workspace = Workspace.objects.filter(pk=workspace_id).first()
    if workspace is None:
        return ()
    entry = model_resolve(workspace=workspace, name=model)
    if entry is None or not entry.enabled or not entry.provider.enabled:
        return ()
    return (candidate_from_entry(entry),)


def candidate_from_entry(entry) -> Candidate:
    """A callable deployment from a catalog row (with its provider and credential loaded).

    A model whose catalog lists no capability at all is one nobody described (a custom
    server): routing then assumes it can do anything rather than skip it."""
    from providers.adapters.registry import target_for

    provider = entry.provider
    flags = {
        "tools": entry.supports_tools,
        "vision": entry.supports_vision,
        "json": entry.supports_json,
    }
    described = any(flags.values())
    return Candidate(
        target=target_for(provider, entry),
        provider_id=provider.pk,
        provider_slug=provider.slug,
        model_name=entry.name,
        input_price=entry.input_price_per_mtok,
        output_price=entry.output_price_per_mtok,
        cached_input_price=entry.cached_input_price_per_mtok,
        is_embedding=entry.is_embedding,
        context_window=entry.context_window,
        capabilities=frozenset(k for k, v in flags.items() if v or not described),
    )
