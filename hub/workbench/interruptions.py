"""Answers a dead server process left streaming: found by their stale heartbeat and finished as
errors that keep their partial text, so the page offers retry instead of a cursor forever.

A generation lives in the web process that started it; if that process dies (crash, OOM kill,
redeploy) nobody finishes its row. A live generation refreshes the row's ``heartbeat_at`` well
within ``HUB_WORKBENCH_STALE_SECONDS`` (``generation.heartbeat_every``), so a row whose
heartbeat (or, without one, creation time) is older has no generation anywhere; rows whose
generation runs in the calling process are skipped by key all the same. Called when a page or
socket would show such a row, and by the beat sweep (``hub.workbench.tasks``).
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from hub.workbench.models import (
    Conversation,
    GenerationStatus,
    Message,
    PlaygroundRun,
    PlaygroundSlot,
)

logger = logging.getLogger(__name__)

INTERRUPTED_ERROR = "The server stopped while this answer was streaming. Retry to ask again."


def stale_cutoff() -> datetime:
    """Rows still streaming with no sign of life since this moment are interrupted."""
    return timezone.now() - timedelta(seconds=settings.HUB_WORKBENCH_STALE_SECONDS)


def _stale(cutoff: datetime, *, created: str) -> Q:
    """Streaming, and silent since ``cutoff``; ``created`` names the creation time to use for
    rows that never had a heartbeat (made before heartbeats existed)."""
    silent = Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, **{f"{created}__lt": cutoff})
    return Q(status=GenerationStatus.STREAMING) & silent


def messages_interrupt(messages: QuerySet[Message], *, running: Collection[str]) -> int:
    """Finish the stale answers among ``messages`` as interrupted; how many there were."""
    cutoff = stale_cutoff()
    stale = _stale(cutoff, created="created_at")
    ids = [
        pk
        for pk in messages.filter(stale).values_list("pk", flat=True)
        if f"message:{pk}" not in running
    ]
    if not ids:
        return 0
    # The stale condition again: a heartbeat landing since the read keeps its row alive.
    return Message.objects.filter(stale, pk__in=ids).update(
        status=GenerationStatus.ERROR, error=INTERRUPTED_ERROR
    )


def slots_interrupt(slots: QuerySet[PlaygroundSlot], *, running: Collection[str]) -> int:
    """As ``messages_interrupt``, for playground slots (created with their run)."""
    cutoff = stale_cutoff()
    stale = _stale(cutoff, created="run__created_at")
    ids = [
        pk for pk in slots.filter(stale).values_list("pk", flat=True) if f"slot:{pk}" not in running
    ]
    if not ids:
        return 0
    return PlaygroundSlot.objects.filter(stale, pk__in=ids).update(
        status=GenerationStatus.ERROR, error=INTERRUPTED_ERROR
    )


def conversation_interrupted_mark(*, conversation: Conversation, running: Collection[str]) -> int:
    """Before the conversation is shown: its answers left by a dead process, interrupted."""
    return messages_interrupt(conversation.messages.all(), running=running)


def run_interrupted_mark(*, run: PlaygroundRun, running: Collection[str]) -> int:
    """Before the run is shown: its slots left by a dead process, interrupted."""
    return slots_interrupt(run.slots.all(), running=running)


def stale_answers_interrupt(*, running: Collection[str] = ()) -> dict[str, int]:
    """The sweep: stale answers of every workspace, interrupted; counts by kind."""
    counts = {
        "messages": messages_interrupt(Message.objects.all(), running=running),
        "slots": slots_interrupt(PlaygroundSlot.objects.all(), running=running),
    }
    if any(counts.values()):
        logger.info(
            "interrupted %(messages)d chat answers and %(slots)d playground answers "
            "left streaming by a stopped server process",
            counts,
        )
    return counts
