"""A generation's result is one type: what is saved on a message, sent to the page, put in a
playground slot, carried into chat and exported is the same set of numbers."""

from __future__ import annotations

from decimal import Decimal

import pytest

from hub.workbench.models import GenerationStatus, Message, PlaygroundSlot
from hub.workbench.results import NAMING_FIELDS, GenerationResult
from hub.workbench.selectors import message_json, slot_json
from hub.workbench.services import conversation_from_slot
from tests import factories
from tests.hub.workbench.rows import conversation_make, playground_run_make

RESULT = GenerationResult(
    provider_slug="sim", upstream_model="echo", input_tokens=12, output_tokens=30,
    cost_usd=Decimal("0.00042"), latency_ms=950, ttft_ms=120, tokens_per_second=36.1,
    route_reason="first healthy candidate", request_id="req_abc",
)  # fmt: skip


def test_json_round_trip_keeps_every_number():
    data = RESULT.to_json()
    assert data["cost_usd"] == "0.00042000" and data["answered_by"] == "sim/echo"
    assert GenerationResult.from_json(data) == RESULT


@pytest.mark.parametrize(
    "hostile",
    [
        {"input_tokens": -5, "output_tokens": True, "cost_usd": "NaN", "ttft_ms": "12"},
        {"cost_usd": "1e12", "tokens_per_second": float("inf"), "provider_slug": 7},
        "not an object",
    ],
)
def test_values_from_a_file_are_checked_not_trusted(hostile):
    result = GenerationResult.from_json(hostile)
    assert result.cost_usd == 0 and result.output_tokens == 0 and result.ttft_ms is None
    assert result.tokens_per_second is None and result.provider_slug == ""
    assert result.input_tokens == (0 if isinstance(hostile, str) else result.input_tokens)


@pytest.mark.django_db
def test_a_blind_slot_shows_its_numbers_but_nothing_naming_its_model(workspace, owner):
    slot = playground_run_make(workspace, owner, blind=True).slots.get(position=0)
    PlaygroundSlot.objects.filter(pk=slot.pk).update(metrics=RESULT.to_json())
    slot.refresh_from_db()
    hidden = slot_json(slot, revealed=False)["metrics"]
    assert set(hidden) == set(RESULT.to_json()) - NAMING_FIELDS
    assert "echo" not in str(hidden) and hidden["cost_usd"] == "0.00042000"


@pytest.mark.django_db
def test_continue_in_chat_carries_the_slot_result_onto_the_message(workspace, owner):
    run = playground_run_make(workspace, owner)
    slot = run.slots.get(position=0)
    PlaygroundSlot.objects.filter(pk=slot.pk).update(
        output="Hi!", status=GenerationStatus.COMPLETE, metrics=RESULT.to_json()
    )
    slot.refresh_from_db()
    conversation = conversation_from_slot(actor=factories.actor_for(owner, workspace), slot=slot)
    answer = conversation.active_leaf
    assert answer is not None and GenerationResult.of_message(answer) == RESULT
    shown = message_json(answer)
    assert {k: shown[k] for k in RESULT.to_json()} == slot_json(slot, revealed=True)["metrics"]
    assert conversation.total_cost_usd == RESULT.cost_usd


@pytest.mark.django_db
def test_a_message_just_created_serialises_like_one_read_back(workspace, owner):
    conversation = conversation_make(workspace, owner)
    fresh = Message.objects.create(conversation=conversation, role="assistant", content="…")
    assert (
        message_json(fresh)["cost_usd"]
        == "0.00000000"
        == message_json(Message.objects.get(pk=fresh.pk))["cost_usd"]
    )
