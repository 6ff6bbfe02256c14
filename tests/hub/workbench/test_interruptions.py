"""Answers left streaming by a server process that died: shown interrupted, with their partial
text and retry, when a page opens them and by the beat sweep; live ones are left alone."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from hub.celery import app
from hub.schedules import periodic_tasks_ensure
from hub.workbench import interruptions
from hub.workbench.generation import Outcome
from hub.workbench.models import GenerationStatus, Message, PlaygroundSlot
from hub.workbench.persistence import message_finish, message_heartbeat, message_progress_save
from hub.workbench.results import GenerationResult
from hub.workbench.tasks import interrupt_stale_answers_task
from tests.hub.workbench.conftest import page_json
from tests.hub.workbench.rows import (
    conversation_make,
    playground_run_make,
    seconds_ago,
    slot_streaming,
    streaming_answer,
)

pytestmark = pytest.mark.django_db
INTERRUPTED = interruptions.INTERRUPTED_ERROR


def conversation_url(conversation) -> str:
    return reverse("workbench-conversation", args=[conversation.workspace.slug, conversation.pk])


def test_an_answer_silent_past_the_threshold_opens_interrupted_with_its_text(
    wired_db, owner, owner_client
):
    conversation = conversation_make(wired_db, owner, turns=("tell me a story",))
    answer = streaming_answer(conversation, "Once upon a", heartbeat_age=120)

    data = page_json(owner_client.get(conversation_url(conversation)), "chat-conversation")

    shown = next(m for m in data["messages"] if m["id"] == answer.pk)
    assert shown["status"] == "error" and shown["error"] == INTERRUPTED
    assert shown["content"] == "Once upon a"
    answer.refresh_from_db()
    assert answer.status == GenerationStatus.ERROR and answer.content == "Once upon a"
    assert data["active_leaf_id"] == answer.pk  # still the answer shown, with Regenerate
    finished = Message.objects.get(content="You said: tell me a story")
    assert finished.status == GenerationStatus.COMPLETE and finished.error == ""


def test_an_answer_with_a_fresh_heartbeat_is_left_streaming(wired_db, owner, owner_client):
    """Its generation is alive in another process: only that process may finish it."""
    conversation = conversation_make(wired_db, owner)
    answer = streaming_answer(conversation, "Still go", heartbeat_age=2)

    data = page_json(owner_client.get(conversation_url(conversation)), "chat-conversation")

    assert next(m for m in data["messages"] if m["id"] == answer.pk)["status"] == "streaming"
    answer.refresh_from_db()
    assert answer.status == GenerationStatus.STREAMING and answer.error == ""


def test_without_a_heartbeat_the_creation_time_counts(wired_db, owner, owner_client):
    conversation = conversation_make(wired_db, owner)
    old = streaming_answer(conversation, "from before heartbeats", heartbeat_age=None)
    Message.objects.filter(pk=old.pk).update(created_at=seconds_ago(300))
    new = streaming_answer(conversation, "", heartbeat_age=None)

    owner_client.get(conversation_url(conversation))

    assert Message.objects.get(pk=old.pk).status == GenerationStatus.ERROR
    assert Message.objects.get(pk=new.pk).status == GenerationStatus.STREAMING


def test_the_threshold_is_a_setting(wired_db, owner, settings):
    conversation = conversation_make(wired_db, owner)
    answer = streaming_answer(conversation, "a", heartbeat_age=5)
    assert interruptions.conversation_interrupted_mark(conversation=conversation, running=()) == 0
    settings.HUB_WORKBENCH_STALE_SECONDS = 4
    assert interruptions.conversation_interrupted_mark(conversation=conversation, running=()) == 1
    answer.refresh_from_db()
    assert answer.status == GenerationStatus.ERROR


def test_an_answer_generated_in_this_process_is_never_interrupted(wired_db, owner):
    conversation = conversation_make(wired_db, owner)
    answer = streaming_answer(conversation, "slow", heartbeat_age=120)
    running = {f"message:{answer.pk}"}
    assert (
        interruptions.conversation_interrupted_mark(conversation=conversation, running=running) == 0
    )
    assert Message.objects.get(pk=answer.pk).status == GenerationStatus.STREAMING


def test_a_playground_run_opens_with_its_dead_slots_interrupted(wired_db, owner, owner_client):
    run = playground_run_make(wired_db, owner, slots=3)
    dead, alive, done = run.slots.order_by("position")
    slot_streaming(dead, "Half an ans", heartbeat_age=120)
    slot_streaming(alive, "Going", heartbeat_age=1)
    url = reverse("workbench-playground-run", args=[wired_db.slug, run.pk])

    data = page_json(owner_client.get(url), "pg-run")

    by_id = {slot["id"]: slot for slot in data["slots"]}
    assert by_id[dead.pk]["status"] == "error" and by_id[dead.pk]["error"] == INTERRUPTED
    assert by_id[dead.pk]["output"] == "Half an ans"
    assert by_id[alive.pk]["status"] == "streaming" and by_id[alive.pk]["error"] == ""
    assert by_id[done.pk]["status"] == "complete"


def test_a_slot_without_a_heartbeat_counts_from_its_runs_creation(wired_db, owner):
    run = playground_run_make(wired_db, owner)
    first, second = run.slots.order_by("position")
    slot_streaming(first, "", heartbeat_age=None)
    slot_streaming(second, "", heartbeat_age=None)
    assert interruptions.run_interrupted_mark(run=run, running=()) == 0
    type(run).objects.filter(pk=run.pk).update(created_at=seconds_ago(300))
    assert interruptions.run_interrupted_mark(run=run, running={f"slot:{second.pk}"}) == 1
    assert PlaygroundSlot.objects.get(pk=first.pk).status == GenerationStatus.ERROR
    assert PlaygroundSlot.objects.get(pk=second.pk).status == GenerationStatus.STREAMING


def test_the_sweep_interrupts_stale_answers_of_every_workspace_and_only_those(
    wired_db, other_workspace
):
    stale, fresh = [], []
    for workspace in (wired_db, other_workspace):
        conversation = conversation_make(workspace, turns=("q",))
        stale.append(streaming_answer(conversation, f"{workspace.name} dead", heartbeat_age=90))
        fresh.append(streaming_answer(conversation, f"{workspace.name} live", heartbeat_age=3))
        dead_slot, live_slot = playground_run_make(workspace).slots.order_by("position")
        slot_streaming(dead_slot, "dead slot", heartbeat_age=90)
        slot_streaming(live_slot, "live slot", heartbeat_age=3)
    untouched_before = sorted(
        Message.objects.exclude(pk__in=[m.pk for m in stale]).values_list("pk", "status", "error")
    )

    assert interrupt_stale_answers_task.delay().get() == {"messages": 2, "slots": 2}

    for answer in stale:
        answer.refresh_from_db()
        assert answer.status == GenerationStatus.ERROR and answer.error == INTERRUPTED
        assert answer.content.endswith(" dead")
    assert (
        sorted(
            Message.objects.exclude(pk__in=[m.pk for m in stale]).values_list(
                "pk", "status", "error"
            )
        )
        == untouched_before
    )
    assert sorted(PlaygroundSlot.objects.values_list("output", "status")) == [
        ("dead slot", "error"), ("dead slot", "error"),
        ("live slot", "streaming"), ("live slot", "streaming"),
    ]  # fmt: skip
    assert interrupt_stale_answers_task.delay().get() == {"messages": 0, "slots": 0}


def test_the_sweep_runs_every_minute_through_beat_and_admin_changes_stay():
    periodic_tasks_ensure()
    task = PeriodicTask.objects.get(task="workbench.interrupt_stale_answers")
    assert task.enabled and task.interval.every == 1
    assert task.interval.period == IntervalSchedule.MINUTES
    task.enabled = False
    task.save()
    periodic_tasks_ensure()
    assert not PeriodicTask.objects.get(task="workbench.interrupt_stale_answers").enabled
    app.loader.import_default_modules()
    assert "workbench.interrupt_stale_answers" in app.tasks


def test_a_stalled_generation_taken_for_dead_still_saves_its_end(wired_db, owner):
    """Progress and heartbeats no longer land once it is interrupted, but its real answer
    (better than the error) does, and its cost is counted."""
    conversation = conversation_make(wired_db, owner)
    answer = streaming_answer(conversation, "partial", heartbeat_age=120)
    interruptions.conversation_interrupted_mark(conversation=conversation, running=())
    message_heartbeat(answer.pk)
    message_progress_save(answer.pk, "partial and more")
    answer.refresh_from_db()
    assert (answer.status, answer.content) == (GenerationStatus.ERROR, "partial")
    assert answer.heartbeat_at < interruptions.stale_cutoff()

    outcome = Outcome(
        status="complete",
        text="partial and more",
        result=GenerationResult(cost_usd=Decimal("0.01")),
    )
    message_finish(answer.pk, outcome)
    answer.refresh_from_db()
    assert (answer.status, answer.content, answer.error) == ("complete", "partial and more", "")
    conversation.refresh_from_db()
    assert conversation.total_cost_usd == Decimal("0.0101")


def test_a_failed_answer_is_never_overwritten(wired_db, owner):
    conversation = conversation_make(wired_db, owner)
    answer = streaming_answer(conversation, "", heartbeat_age=1)
    Message.objects.filter(pk=answer.pk).update(status="error", error="The provider failed.")
    message_finish(answer.pk, Outcome(status="complete", text="late"))
    answer.refresh_from_db()
    assert (answer.status, answer.content) == (GenerationStatus.ERROR, "")
