"""Reads for /v1/models and the model pickers: the catalog entries and aliases an actor may
use, scoped to its workspace."""

from __future__ import annotations

from django.db.models import QuerySet

from providers.adapters.base import JSON
from providers.models import ProviderModel
from providers.selectors import provider_model_list
from routing.models import ModelAlias
from workspaces.access import Actor
from workspaces.models import Workspace


def model_list(*, actor: Actor) -> list[JSON]:
    """Sync: enabled models of enabled providers in the actor's workspace, OpenAI-shaped."""
    entries = (
        ProviderModel.objects.for_workspace(actor.workspace)
        .filter(enabled=True, provider__enabled=True)
        .select_related("provider")
        .order_by("provider__priority", "provider__slug", "name")
    )
    return [model_json(entry) for entry in entries] + alias_list(actor=actor)


def catalog_labels(*, workspace: Workspace) -> list[str]:
    """``provider/model`` of every enabled model of the workspace's enabled providers: what
    an alias or a rule may name as a candidate."""
    return [entry.label for entry in catalog_entries(workspace=workspace)]


def catalog_entries(*, workspace: Workspace) -> QuerySet[ProviderModel]:
    """The rows behind ``catalog_labels``, with their provider: what the candidate picker and
    Try a route list, with provider, context window and prices beside each."""
    return (
        provider_model_list(workspace=workspace)
        .filter(enabled=True, provider__enabled=True)
        .order_by("provider__priority", "provider__slug", "name")
    )


def alias_names(*, workspace: Workspace) -> list[str]:
    """The workspace's enabled aliases by name: what a call may name as its model."""
    aliases = ModelAlias.objects.for_workspace(workspace).filter(enabled=True).order_by("name")
    return list(aliases.values_list("name", flat=True))


def alias_list(*, actor: Actor) -> list[JSON]:
    """The workspace's aliases, usable as model names like any provider/model."""
    return [
        {
            "id": alias.name,
            "object": "model",
            "created": int(alias.updated_at.timestamp()),
            "owned_by": "alias",
            "strategy": alias.strategy,
            "candidates": [c["model"] for c in alias.candidates],
            "description": alias.description,
        }
        for alias in ModelAlias.objects.for_workspace(actor.workspace).filter(enabled=True)
    ]


def model_get(*, actor: Actor, model_id: str) -> JSON | None:
    return next((m for m in model_list(actor=actor) if m["id"] == model_id), None)


def model_json(entry: ProviderModel) -> JSON:
    def price(value) -> float | None:
        return None if value is None else float(value)

    return {
        "id": entry.label,
        "object": "model",
        "created": int(entry.synced_at.timestamp()) if entry.synced_at else 0,
        "owned_by": entry.provider.slug,
        "provider_kind": entry.provider.kind,
        "context_window": entry.context_window,
        "max_output_tokens": entry.max_output_tokens,
        "supports_tools": entry.supports_tools,
        "supports_vision": entry.supports_vision,
        "supports_json": entry.supports_json,
        "is_embedding": entry.is_embedding,
        "is_rerank": entry.is_rerank,
        "pricing": {
            "input_per_mtok": price(entry.input_price_per_mtok),
            "output_per_mtok": price(entry.output_price_per_mtok),
            "cached_input_per_mtok": price(entry.cached_input_price_per_mtok),
            "currency": "USD",
        },
    }
