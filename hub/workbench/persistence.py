"""Where generations are saved: sinks for a chat message and a playground slot.

Progress is saved only while the row still says it is streaming, so a late progress write
can never overwrite the final answer. Progress saves and heartbeats refresh ``heartbeat_at``,
which tells other processes the generation is alive (see ``hub.workbench.interruptions``).
The final answer is also saved over an interruption: a generation whose process stalled past
the stale threshold was taken for dead, yet its real end is worth more than the error.
"""

from __future__ import annotations

from dataclasses import dataclass

from channels.db import database_sync_to_async
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from hub.workbench.generation import Outcome
from hub.workbench.interruptions import INTERRUPTED_ERROR
from hub.workbench.models import Conversation, GenerationStatus, Message, PlaygroundSlot


@dataclass(frozen=True)
class MessageSink:
    message_id: int

    async def progress(self, text: str) -> None:
        await database_sync_to_async(message_progress_save)(self.message_id, text)

    async def heartbeat(self) -> None:
        await database_sync_to_async(message_heartbeat)(self.message_id)

    async def finish(self, outcome: Outcome) -> None:
        await database_sync_to_async(message_finish)(self.message_id, outcome)


@dataclass(frozen=True)
class SlotSink:
    slot_id: int

    async def progress(self, text: str) -> None:
        await database_sync_to_async(slot_progress_save)(self.slot_id, text)

    async def heartbeat(self) -> None:
        await database_sync_to_async(slot_heartbeat)(self.slot_id)

    async def finish(self, outcome: Outcome) -> None:
        await database_sync_to_async(slot_finish)(self.slot_id, outcome)


def _finishable() -> Q:
    """Rows a generation's end may be saved to: streaming, or taken for dead meanwhile."""
    return Q(status=GenerationStatus.STREAMING) | Q(
        status=GenerationStatus.ERROR, error=INTERRUPTED_ERROR
    )


def message_progress_save(message_id: int, text: str) -> None:
    Message.objects.filter(pk=message_id, status=GenerationStatus.STREAMING).update(
        content=text, heartbeat_at=timezone.now()
    )


def message_heartbeat(message_id: int) -> None:
    Message.objects.filter(pk=message_id, status=GenerationStatus.STREAMING).update(
        heartbeat_at=timezone.now()
    )


def message_finish(message_id: int, outcome: Outcome) -> None:
    """The answer, what answered and what it cost; the cost adds to the conversation's."""
    with transaction.atomic():
        updated = Message.objects.filter(_finishable(), pk=message_id).update(
            content=outcome.text,
            status=outcome.status,
            error=outcome.error,
            **outcome.result.message_fields(),
        )
        if updated:
            Conversation.objects.filter(messages__pk=message_id).update(
                total_cost_usd=F("total_cost_usd") + outcome.result.cost_usd,
                updated_at=timezone.now(),
            )


def slot_progress_save(slot_id: int, text: str) -> None:
    PlaygroundSlot.objects.filter(pk=slot_id, status=GenerationStatus.STREAMING).update(
        output=text, heartbeat_at=timezone.now()
    )


def slot_heartbeat(slot_id: int) -> None:
    PlaygroundSlot.objects.filter(pk=slot_id, status=GenerationStatus.STREAMING).update(
        heartbeat_at=timezone.now()
    )


def slot_finish(slot_id: int, outcome: Outcome) -> None:
    PlaygroundSlot.objects.filter(_finishable(), pk=slot_id).update(
        output=outcome.text,
        status=outcome.status,
        error=outcome.error,
        metrics=outcome.result.to_json(),
    )
