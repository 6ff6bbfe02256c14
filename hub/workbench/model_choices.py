"""The models and aliases a user may pick in chat and the playground, with what the picker
shows beside each (provider, context window, price, current health), and which one to
preselect: the user's last choice unless its provider is down or its breaker open, else the
first one that is up. Never a model that would fail the first message."""

from __future__ import annotations

from typing import Any

from asgiref.sync import async_to_sync

from agents.models import Agent
from analytics.health.selectors import provider_health_list
from analytics.templatetags.usage_format import usd
from hub.workbench.models import Conversation, PlaygroundSlot
from providers.models import ProviderModel
from routing.reliability import breaker_backend, breaker_config, deployment_key
from routing.selectors import model_list
from workspaces.access import Actor

UNAVAILABLE = {"down", "disabled"}
ALIASES = "Aliases"
AGENTS = "Agents"


def model_choices(*, actor: Actor) -> list[dict[str, Any]]:
    """Chat-capable models, grouped by provider, then aliases and agents; each with
    ``available``."""
    entries = [
        entry
        for entry in model_list(actor=actor)
        if not (entry.get("is_embedding") or entry.get("is_rerank"))
    ]
    health = {h.provider.slug: h for h in provider_health_list(workspace=actor.workspace)}
    opened = _open_breakers(actor)
    choices: dict[str, dict[str, Any]] = {}
    for entry in entries:
        if entry["owned_by"] == "alias":
            continue
        provider = health.get(entry["owned_by"])
        status = str(provider.status) if provider else "unknown"
        choices[entry["id"]] = {
            "id": entry["id"], "owned_by": entry["owned_by"],
            "group": provider.provider.name if provider else entry["owned_by"],
            "context": _context(entry.get("context_window")), "price": _price(entry["pricing"]),
            "health": "breaker open" if entry["id"] in opened else status,
            "available": status not in UNAVAILABLE and entry["id"] not in opened,
        }  # fmt: skip
    for entry in entries:
        if entry["owned_by"] == "alias":
            candidates = [choices[c] for c in entry["candidates"] if c in choices]
            up = [c for c in candidates if c["available"]]
            choices[entry["id"]] = {
                "id": entry["id"], "owned_by": "alias", "group": ALIASES,
                "context": "→ " + ", ".join(c["id"] for c in candidates[:3]),
                "price": entry.get("strategy", ""),
                "health": f"{len(up)} of {len(candidates)} candidates up",
                "available": bool(up),
            }  # fmt: skip
    for agent in Agent.objects.for_workspace(actor.workspace).only("name", "model_names"):
        choices[f"agent:{agent.name}"] = {
            "id": f"agent:{agent.name}", "owned_by": "agent", "group": AGENTS,
            "context": "→ " + ", ".join(agent.model_names[:3]), "price": "agent",
            "health": "runs its tools", "available": True,
        }  # fmt: skip
    return list(choices.values())


def default_model(choices: list[dict[str, Any]], *, actor: Actor) -> str:
    """The user's last choice if it is up, else the first choice that is up ("" for none)."""
    available = [c["id"] for c in choices if c["available"]]
    last = last_model(actor=actor)
    if last in available:
        return last
    return available[0] if available else ""


def last_model(*, actor: Actor) -> str:
    """The model of the user's latest chat turn or playground run in this workspace."""
    chat = (
        Conversation.objects.for_workspace(actor.workspace)
        .filter(user_id=actor.user.pk)
        .exclude(model="")
        .values_list("model", "updated_at")
        .order_by("-updated_at")
        .first()
    )
    slot = (
        PlaygroundSlot.objects.filter(run__workspace=actor.workspace, run__user_id=actor.user.pk)
        .values_list("model", "run__created_at")
        .order_by("-run__created_at", "position")
        .first()
    )
    latest = max((row for row in (chat, slot) if row), key=lambda row: row[1], default=None)
    return latest[0] if latest else ""


def _open_breakers(actor: Actor) -> set[str]:
    """``provider/model`` of the deployments whose circuit breaker is open now."""
    rows = ProviderModel.objects.for_workspace(actor.workspace).filter(
        enabled=True, provider__enabled=True, is_embedding=False, is_rerank=False
    )
    keys = {
        deployment_key(provider_id, name): f"{slug}/{name}"
        for provider_id, slug, name in rows.values_list("provider_id", "provider__slug", "name")
    }
    if not keys:
        return set()
    return {keys[key] for key in async_to_sync(_opened)(list(keys))}


async def _opened(keys: list[str]) -> set[str]:
    # The backend belongs to the running loop (a Redis client is per loop): look it up here.
    return await breaker_backend().open_keys(keys, breaker_config())


def _context(tokens: int | None) -> str:
    if not tokens:
        return ""
    return f"{tokens // 1000}k context" if tokens >= 1000 else f"{tokens} context"


def _price(pricing: dict[str, Any]) -> str:
    given, made = pricing.get("input_per_mtok"), pricing.get("output_per_mtok")
    if given is None and made is None:
        return ""
    return f"{usd(given)} in · {usd(made)} out per M"
