"""What a playground request does to the database: check the payload, create the run and its
slots, cast votes, find slots through the actor's scope. Sync; the consumer calls these
through ``database_sync_to_async``."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError

from hub.workbench import grounded, interruptions, selectors, services
from hub.workbench.chat_turns import id_from
from hub.workbench.models import PlaygroundRun, PlaygroundSlot
from workspaces.access import Actor


@dataclass
class RunPlan:
    """The run for the page, and one pipeline request per slot id."""

    run: dict[str, Any]
    blind: bool
    bodies: dict[int, dict[str, Any]]


def run_start(*, actor: Actor, payload: dict[str, Any]) -> RunPlan:
    raw_slots = payload.get("slots")
    if not isinstance(raw_slots, list):
        raise ValidationError("Add the models to compare.")
    slots = [
        (services.model_clean(s.get("model")), services.params_clean(s.get("params")))
        for s in raw_slots
        if isinstance(s, dict)
    ]
    collections = grounded.collections_clean(actor=actor, raw=payload.get("collections"))
    run = services.playground_run_create(
        actor=actor,
        prompt=services.text_clean(payload.get("prompt"), field="The prompt"),
        system_prompt=services.text_clean(
            payload.get("system_prompt"), field="The system prompt", required=False
        ),
        history=services.history_clean(payload.get("history")),
        blind=bool(payload.get("blind")),
        slots=slots,
    )
    messages = grounded.run_grounded(actor=actor, run=run, collections=collections)
    bodies = {
        slot.pk: services.request_body(model=slot.model, messages=messages, params=slot.params)
        for slot in run.slots.all()
    }
    return RunPlan(run=selectors.playground_run_json(run), blind=run.blind, bodies=bodies)


def slot_of(*, actor: Actor, payload: dict[str, Any]) -> PlaygroundSlot:
    slot_id = id_from(payload, "slot_id")
    return selectors.slot_get(actor=actor, slot_id=slot_id)


def slot_as_saved(
    *, actor: Actor, payload: dict[str, Any], running: Collection[str]
) -> dict[str, Any]:
    """The slot as the page shows it, for a socket that cannot attach to its generation:
    interrupted first when a dead process left it streaming."""
    slot = slot_of(actor=actor, payload=payload)
    if interruptions.slots_interrupt(PlaygroundSlot.objects.filter(pk=slot.pk), running=running):
        slot.refresh_from_db()
    return selectors.slot_json(slot, revealed=slot.run.revealed)


def vote_record(*, actor: Actor, payload: dict[str, Any]) -> dict[str, Any]:
    """Cast the vote; the run as the page now shows it (a blind run's names revealed)."""
    run_id = id_from(payload, "run_id")
    run = selectors.playground_run_get(actor=actor, run_id=run_id)
    winners = payload.get("winners") or []
    if not isinstance(winners, list):
        raise ValidationError("Winners must be a list of slot ids.")
    services.vote_cast(
        run=run,
        kind=str(payload.get("kind") or ""),
        winners=[id_from({"id": w}, "id") for w in winners],
    )
    return selectors.playground_run_json(PlaygroundRun.objects.get(pk=run.pk))
