"""What must never happen to a run: a broken cell left pending forever, two workers calling
the same cells, a run forgotten in the queue, a cancelled run's cells left open, bad input
stored, scores of a deleted suite steering routing, or a repeated run counted twice."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from django.core.exceptions import ValidationError
from django.utils import timezone

from hub.evals import selectors
from hub.evals.assertions import assertion_parse
from hub.evals.cases_exchange import cases_read
from hub.evals.execution import run_execute
from hub.evals.leaderboard import judged_duels
from hub.evals.models import Cell, CellStatus, Run, RunStatus
from hub.evals.services import SuiteFields, run_start, suite_delete, suite_update
from hub.evals.statistics import wilson_by_case, wilson_interval
from hub.evals.tasks import requeue_stalled_runs_task
from providers.models import ProviderModel
from routing.models import QualityScore
from tests.hub.evals.test_leaderboard import CASES
from tests.hub.evals.test_runs import _cells_for, _wait_for, suite_of
from tests.live_hub import PRICES, wire_provider


def test_a_cell_that_breaks_is_saved_as_an_error_and_the_run_ends(gateway):
    actor, suite = suite_of(gateway.workspace)
    run = Run.objects.create(
        workspace=gateway.workspace, suite=suite, number=1, model_names=suite.model_names,
        created_by=actor.user, cells_total=3,
    )  # fmt: skip
    _cells_for(run, actor)
    broken = Cell.objects.filter(run=run).first()
    Cell.objects.filter(pk=broken.pk).update(assertions=[{"type": "no-such-check"}])
    assert async_to_sync(run_execute)(run.pk) == RunStatus.DONE
    broken.refresh_from_db()
    assert broken.status == CellStatus.ERROR and "ValidationError" in broken.error
    assert selectors.run_progress(run).done == 2


def test_a_worker_whose_run_was_taken_back_stops_and_leaves_its_cells(
    gateway, slow_answers, settings
):
    wire_provider(gateway.workspace, slug="slow", base_url=slow_answers.url)
    settings.HUB_EVAL_CONCURRENCY = 1
    cases = b"_key,question,expected\n" + b"".join(b"c%d,Q%d,Q\n" % (n, n) for n in range(12))
    actor, suite = suite_of(gateway.workspace, models=("slow/echo",), cases=cases)
    run = run_start(actor=actor, suite=suite, queue=False)
    outcome: list[str] = []
    worker = threading.Thread(target=lambda: outcome.append(async_to_sync(run_execute)(run.pk)))
    worker.start()
    _wait_for(lambda: Cell.objects.filter(run=run, status=CellStatus.DONE).count() >= 1)
    Run.objects.filter(pk=run.pk).update(status=RunStatus.QUEUED)  # what the sweep does
    worker.join(timeout=10)
    assert outcome == [""]  # it let go
    left = Cell.objects.filter(run=run, status=CellStatus.PENDING).count()
    assert left >= 8 and not Cell.objects.filter(run=run, status=CellStatus.CANCELLED).exists()
    assert async_to_sync(run_execute)(run.pk) == RunStatus.DONE  # the next worker finishes
    assert selectors.run_progress(run).done == 12


def test_the_sweep_sends_a_forgotten_run_again_and_closes_a_cancelled_ones_cells(gateway):
    actor, suite = suite_of(gateway.workspace)
    long_ago = timezone.now() - timedelta(minutes=30)
    forgotten = Run.objects.create(
        workspace=gateway.workspace, suite=suite, number=1, model_names=suite.model_names,
        created_by=actor.user, cells_total=3, heartbeat_at=long_ago,
    )  # fmt: skip
    _cells_for(forgotten, actor)
    waiting = Run.objects.create(
        workspace=gateway.workspace, suite=suite, number=2, model_names=suite.model_names,
        created_by=actor.user, heartbeat_at=timezone.now(),
    )  # fmt: skip
    cancelled = Run.objects.create(
        workspace=gateway.workspace, suite=suite, number=3, model_names=suite.model_names,
        created_by=actor.user, status=RunStatus.CANCELLED, finished_at=long_ago,
    )  # fmt: skip
    _cells_for(cancelled, actor)
    assert requeue_stalled_runs_task() == 1  # and, eagerly, worked
    assert Run.objects.get(pk=forgotten.pk).status == RunStatus.DONE
    assert Run.objects.get(pk=waiting.pk).status == RunStatus.QUEUED  # sent a moment ago
    assert set(Cell.objects.filter(run=cancelled).values_list("status", flat=True)) == {
        CellStatus.CANCELLED
    }


def test_repeats_count_as_one_case_in_intervals_and_comparisons(gateway):
    # Three cases asked three times: 6 of 9 cells pass, but there are three samples, not nine.
    by_case, plain = wilson_by_case([1.0, 1.0, 0.0]), wilson_interval(2, 3)
    assert (by_case.estimate, by_case.low, by_case.high) == pytest.approx(
        (2 / 3, plain.low, plain.high)
    )
    actor, suite = suite_of(gateway.workspace, repeats=3)
    first = run_start(actor=actor, suite=suite)
    column = selectors.run_columns(first)[0]
    assert (column.passed, column.cells) == (6, 9)
    assert column.pass_rate.low == pytest.approx(wilson_interval(2, 3).low)
    second = run_start(actor=actor, suite=suite, baseline=first)
    compared = selectors.runs_compare(first, second)
    assert compared.comparison.cases == 3


def test_bad_input_is_refused_before_it_is_stored(gateway, signed_in):
    read = cases_read(
        b'{"key": "a", "vars": {"q": "x\\u0000y"}}\n{"key": "b"}\n', filename="c.jsonl"
    )
    assert [c.key for c in read.cases] == ["b"] and "NUL" in read.refused[0][1]
    for raw, message in (
        ({"type": "contains", "value": ["x"], "weight": 1e308}, "weight must be a number"),
        ({"type": "equals", "value": "a\x00b"}, "NUL"),
    ):
        with pytest.raises(ValidationError, match=message):
            assertion_parse(raw)
    actor, suite = suite_of(gateway.workspace)
    client = signed_in(actor.user)
    run = run_start(actor=actor, suite=suite)
    base = f"/w/{gateway.workspace.slug}/evals"
    assert client.get(f"{base}/runs/{run.pk}/?baseline=²").status_code == 404
    deep = "[" * 5000 + "]" * 5000
    form = client.post(f"{base}/{suite.pk}/edit/", {"name": "x", "models": "sim/echo",
                                                     "repeats": 1, "assertions": deep})  # fmt: skip
    assert form.status_code == 400 and "nested too deeply" in form.content.decode()
    exported = client.get(f"{base}/runs/{run.pk}/export/")
    assert exported["Content-Disposition"] == f'attachment; filename="suite-{suite.pk}-run-1.csv"'


def test_scores_of_a_suite_that_stops_feeding_routing_are_withdrawn(gateway):
    actor, suite = suite_of(gateway.workspace)
    fields = SuiteFields(name=suite.name, model_names=suite.model_names,
                         assertions=suite.assertions, feeds_routing=True)  # fmt: skip
    suite_update(actor=actor, suite=suite, fields=fields)
    run_start(actor=actor, suite=suite)
    assert QualityScore.objects.filter(workspace=gateway.workspace).exists()
    suite_update(actor=actor, suite=suite, fields=SuiteFields(name=suite.name))
    assert not QualityScore.objects.filter(workspace=gateway.workspace).exists()
    suite_update(actor=actor, suite=suite, fields=fields)
    run_start(actor=actor, suite=suite)
    suite_delete(actor=actor, suite=suite)
    assert not QualityScore.objects.filter(workspace=gateway.workspace).exists()


def test_a_pairwise_run_repeated_from_the_cache_adds_no_duel(gateway):
    ProviderModel.objects.create(
        workspace=gateway.workspace, provider=gateway.provider, name="terse", **PRICES
    )
    actor, suite = suite_of(gateway.workspace, models=("sim/echo", "sim/terse"), cases=CASES)
    suite_update(actor=actor, suite=suite, fields=SuiteFields(
        name=suite.name, model_names=suite.model_names,
        pairwise={"model": "sim/echo", "rubric": "Mentions the refund window"},
    ))  # fmt: skip
    run_start(actor=actor, suite=suite)
    run_start(actor=actor, suite=suite)
    # Both runs judged their pairs; the second judged the very same answers again.
    assert len(judged_duels(gateway.workspace)) == 4
