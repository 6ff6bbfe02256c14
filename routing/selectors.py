"""Reads for /v1/models: the catalog entries a caller may use, scoped to its workspace."""

from __future__ import annotations

from providers.adapters.base import JSON
from routing.pipeline.auth import Caller


def model_list(*, caller: Caller) -> list[JSON]:
    """Sync: enabled models of enabled providers in the caller's workspace, OpenAI-shaped."""
    from providers.models import ProviderModel

    entries = (
        ProviderModel.objects.filter(
            workspace_id=caller.workspace_id, enabled=True, provider__enabled=True
        )
        .select_related("provider")
        .order_by("provider__priority", "provider__slug", "name")
    )
    return [model_json(entry) for entry in entries] + alias_list(caller=caller)


def alias_list(*, caller: Caller) -> list[JSON]:
    """The workspace's aliases, usable as model names like any provider/model."""
    from routing.models import ModelAlias

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
        for alias in ModelAlias.objects.filter(workspace_id=caller.workspace_id, enabled=True)
    ]


def model_get(*, caller: Caller, model_id: str) -> JSON | None:
    return next((m for m in model_list(caller=caller) if m["id"] == model_id), None)


def model_json(entry) -> JSON:
    def price(value) -> float | None:
        return None if value is None else float(value)

    return {
        "id": f"{entry.provider.slug}/{entry.name}",
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
        "pricing": {
            "input_per_mtok": price(entry.input_price_per_mtok),
            "output_per_mtok": price(entry.output_price_per_mtok),
            "cached_input_per_mtok": price(entry.cached_input_price_per_mtok),
            "currency": "USD",
        },
    }
