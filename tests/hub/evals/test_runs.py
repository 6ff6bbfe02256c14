"""Runs for real: a suite's matrix through the pipeline to the simulated provider (a real
HTTP server on loopback, which answers "You said: <the prompt>"), judged by assertions and
saved cell by cell; the cache, repeats, cancel, a stopping worker and the stalled sweep."""

from __future__ import annotations

import itertools
import threading
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from asgiref.sync import async_to_sync
from django.utils import timezone

from hub.evals import selectors
from hub.evals.execution import run_execute
from hub.evals.models import Cell, CellStatus, Run, RunStatus
from hub.evals.services import (
    SuiteFields,
    cases_import,
    run_cancel,
    run_start,
    suite_create,
    suite_prompt_add,
)
from hub.evals.tasks import requeue_stalled_runs_task
from providers.models import ProviderModel
from tests.factories import add_member, owner_actor
from tests.live_hub import PRICES, recorded_usage, wire_provider

CASES = (
    b"_key,question,expected\n"
    b"refund,Where is my refund?,refund\n"
    b"hello,Say hello,hello\n"
    b"tea,Do you like tea?,coffee\n"
)


def suite_of(workspace, *, models=("sim/echo",), repeats=1, body="{{question}}", cases=CASES):
    actor = owner_actor(workspace)
    suite = suite_create(
        actor=actor,
        fields=SuiteFields(
            name=f"Support {Run.objects.count()}-{time.monotonic_ns()}",
            model_names=list(models),
            repeats=repeats,
            assertions=[{"type": "contains", "value": ["{{expected}}"], "ignore_case": True}],
        ),
    )
    suite_prompt_add(actor=actor, suite=suite, body=body, label="plain")
    cases_import(actor=actor, suite=suite, raw=cases, filename="cases.csv")
    return actor, suite


@pytest.fixture
def two_models(gateway):
    ProviderModel.objects.create(
        workspace=gateway.workspace, provider=gateway.provider, name="echo-large", **PRICES
    )
    return gateway


def test_a_run_calls_every_cell_through_the_pipeline_and_judges_it(two_models):
    gateway = two_models
    actor, suite = suite_of(gateway.workspace, models=("sim/echo", "sim/echo-large"), repeats=2)
    run = run_start(actor=actor, suite=suite)  # the test settings run Celery tasks at once
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.cells_total == 12
    cells = list(Cell.objects.filter(run=run))
    assert len(cells) == 12 and {c.status for c in cells} == {CellStatus.DONE}
    tea = [c for c in cells if c.case_key == "tea"]
    assert {c.passed for c in tea} == {False} and {c.passed for c in cells if c not in tea} == {
        True
    }
    assert tea[0].verdicts[0]["reason"] and tea[0].output == "You said: Do you like tea?"
    assert {c.answered_by for c in cells} == {"sim/echo", "sim/echo-large"}
    assert all(c.cost_usd > 0 and c.latency_ms and c.input_tokens for c in cells)
    usage = recorded_usage(source="eval")
    assert len(usage) == 12  # repeats are real samples: each one called
    assert {u.request_id for u in usage} == {c.request_id for c in cells}
    columns = selectors.run_columns(run)
    assert [(c.model_name, c.cells, c.passed) for c in columns] == [
        ("sim/echo", 6, 4),
        ("sim/echo-large", 6, 4),
    ]
    assert columns[0].pass_rate.low < 4 / 6 < columns[0].pass_rate.high
    progress = selectors.run_progress(run)
    assert (progress.finished, progress.percent, progress.cache_hits) == (12, 100, 0)
    assert progress.cost_usd == sum(c.cost_usd for c in cells)


def test_the_cache_answers_a_repeated_run_and_counts_what_it_saved(gateway):
    actor, suite = suite_of(gateway.workspace)
    first = run_start(actor=actor, suite=suite)
    spent = selectors.run_progress(first).cost_usd
    second = run_start(actor=actor, suite=suite, baseline=first)
    progress = selectors.run_progress(second)
    assert (progress.cache_hits, progress.cost_usd, progress.saved_usd) == (3, 0, spent)
    assert len(recorded_usage(source="eval")) == 3  # the second run called nothing
    cached = Cell.objects.filter(run=second).order_by("id")
    assert [c.passed for c in cached] == [True, True, False]  # assertions judged again
    bypass = run_start(actor=actor, suite=suite, use_cache=False)
    assert selectors.run_progress(bypass).cache_hits == 0
    assert len(recorded_usage(source="eval")) == 6


def test_a_case_without_a_value_fails_alone_and_an_unknown_model_says_why(gateway):
    actor, suite = suite_of(
        gateway.workspace,
        models=("sim/echo", "sim/no-such-model"),
        body="{{question}} {{tone}}",
        cases=b"_key,question,tone,expected\na,Hi,kind,hi\nb,Hi,,hi\n",
    )
    run = run_start(actor=actor, suite=suite)
    cells = {(c.case_key, c.model_name): c for c in Cell.objects.filter(run=run)}
    assert cells["a", "sim/echo"].passed is True
    assert cells["b", "sim/echo"].error == "The case gives no value for tone."
    unknown = cells["a", "sim/no-such-model"]
    assert unknown.status == CellStatus.ERROR and unknown.error.startswith("404")
    assert Run.objects.get(pk=run.pk).status == RunStatus.DONE


def test_cells_share_each_provider_a_few_at_a_time(gateway, slow_answers, settings):
    wire_provider(gateway.workspace, slug="slow", base_url=slow_answers.url)
    settings.HUB_EVAL_CONCURRENCY = 2
    cases = b"_key,question,expected\n" + b"".join(b"c%d,Q%d,Q\n" % (n, n) for n in range(6))
    actor, suite = suite_of(gateway.workspace, models=("slow/echo",), cases=cases)
    started = time.monotonic()
    run = run_start(actor=actor, suite=suite)
    took = time.monotonic() - started
    # 6 cells of 300 ms, two at a time: three rounds, not one, not six.
    assert 0.9 <= took < 1.7, took
    assert selectors.run_progress(run).done == 6


def test_a_cancel_stops_the_calls_and_marks_what_was_left(gateway, slow_answers, settings):
    wire_provider(gateway.workspace, slug="slow", base_url=slow_answers.url)
    settings.HUB_EVAL_CONCURRENCY = 1
    cases = b"_key,question,expected\n" + b"".join(b"c%d,Q%d,Q\n" % (n, n) for n in range(20))
    actor, suite = suite_of(gateway.workspace, models=("slow/echo",), cases=cases)
    worker = threading.Thread(target=run_start, kwargs={"actor": actor, "suite": suite})
    worker.start()
    run = _wait_for(lambda: Run.objects.filter(suite=suite, status=RunStatus.RUNNING).first())
    _wait_for(lambda: Cell.objects.filter(run=run, status=CellStatus.DONE).count() >= 2)
    assert run_cancel(actor=actor, run=run) is True
    worker.join(timeout=10)
    assert not worker.is_alive()
    progress = selectors.run_progress(run)
    assert Run.objects.get(pk=run.pk).status == RunStatus.CANCELLED
    assert progress.done < 20 and progress.done + progress.cancelled == 20
    assert len(recorded_usage(source="eval")) <= progress.done + 1  # at most one cut short
    assert run_cancel(actor=actor, run=run) is False  # already ended


def test_a_stopping_worker_hands_the_run_back_and_the_next_finishes_it(two_models, settings):
    gateway = two_models
    actor, suite = suite_of(gateway.workspace, models=("sim/echo", "sim/echo-large"))
    run = Run.objects.create(
        workspace=gateway.workspace, suite=suite, number=99, model_names=suite.model_names,
        created_by=actor.user, cells_total=6,
    )  # fmt: skip
    _cells_for(run, actor)
    settings.HUB_EVAL_CONCURRENCY = 1
    asked = itertools.count()
    # Each of the 6 cells asks once when its task starts and again when its turn comes:
    # after 6 + 2 questions, two cells are done and the worker is told to stop.
    stop = lambda: next(asked) >= 8  # noqa: E731

    assert async_to_sync(run_execute)(run.pk, should_stop=stop) == RunStatus.QUEUED
    assert Run.objects.get(pk=run.pk).status == RunStatus.QUEUED
    assert selectors.run_progress(run).done == 2
    assert async_to_sync(run_execute)(run.pk) == RunStatus.DONE
    assert selectors.run_progress(run).done == 6
    assert len(recorded_usage(source="eval")) == 6  # nothing called twice


def test_a_run_whose_worker_died_is_queued_again(gateway):
    actor, suite = suite_of(gateway.workspace)
    run = Run.objects.create(
        workspace=gateway.workspace, suite=suite, number=7, model_names=suite.model_names,
        created_by=actor.user, cells_total=3, status=RunStatus.RUNNING,
        heartbeat_at=timezone.now() - timedelta(minutes=5),
    )  # fmt: skip
    _cells_for(run, actor)
    fresh = Run.objects.create(
        workspace=gateway.workspace, suite=suite, number=8, model_names=suite.model_names,
        created_by=actor.user, status=RunStatus.RUNNING, heartbeat_at=timezone.now(),
    )  # fmt: skip
    assert requeue_stalled_runs_task() == 1  # and, eagerly, worked to the end
    assert Run.objects.get(pk=run.pk).status == RunStatus.DONE
    assert Run.objects.get(pk=fresh.pk).status == RunStatus.RUNNING


def test_a_run_started_by_someone_who_left_fails_with_the_reason(gateway):
    _, suite = suite_of(gateway.workspace)
    leaver = add_member(gateway.workspace)
    run = Run.objects.create(
        workspace=gateway.workspace, suite=suite, number=5, model_names=suite.model_names,
        created_by=leaver, cells_total=0,
    )  # fmt: skip
    leaver.memberships.all().delete()
    assert async_to_sync(run_execute)(run.pk) == RunStatus.FAILED
    assert "left the workspace" in Run.objects.get(pk=run.pk).error
    assert async_to_sync(run_execute)(run.pk) == ""  # not queued: nothing to do
    assert Decimal(0) == selectors.run_progress(run).cost_usd


def _cells_for(run: Run, actor) -> None:
    from hub.evals.matrix import cells_build
    from hub.evals.models import Case, SuitePrompt

    prompts = list(SuitePrompt.objects.filter(suite=run.suite))
    cases = list(Case.objects.filter(suite=run.suite))
    Cell.objects.bulk_create(cells_build(run, prompts, cases, run.suite.assertions))


def _wait_for(probe, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = probe()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError("timed out waiting")
