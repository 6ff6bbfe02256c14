"""A finished run of a suite that feeds routing becomes the models' quality scores: each
model's pass rate over the run's cells, and per task tag when cases are tagged, with half its
Wilson 95 % interval as the margin. Scores go to routing through ``routing.quality``; a
model is the provider/model that answered (an alias's cells count for what it routed to)."""

from __future__ import annotations

from collections import defaultdict

from hub.evals.models import Cell, CellStatus, Run
from hub.evals.statistics import wilson_by_case
from routing.quality import MeasuredQuality, quality_scores_publish

MIN_CASES = 1
TASK_LENGTH = 64  # what routing's task tags hold


def source_key(suite_id: int) -> str:
    return f"evals-suite:{suite_id}"


def run_scores(run: Run) -> list[MeasuredQuality]:
    # (model, task) -> case -> [passes, cells]: repeats of a case are one sample, not many.
    tally: dict[tuple[str, str], dict[str, list[int]]] = defaultdict(
        lambda: defaultdict(lambda: [0, 0])
    )
    # Answered cells only: an error (an outage, a limit of the hub's) says nothing about
    # how good the model's answers are; routing weighs availability on its own.
    cells = Cell.objects.for_workspace(run.workspace).filter(run=run, status=CellStatus.DONE)
    rows = cells.values_list("answered_by", "model_name", "tags", "case_key", "passed")
    for answered_by, model, tags, case_key, cell_passed in rows:
        label = answered_by or model
        if "/" not in label:
            continue  # an alias that reached no model: nothing to score
        for task in dict.fromkeys(("", *(str(tag)[:TASK_LENGTH] for tag in tags))):
            counts = tally[(label, task)][case_key]
            counts[0] += bool(cell_passed)
            counts[1] += 1
    scores = []
    for (label, task), by_case in sorted(tally.items()):
        if len(by_case) < MIN_CASES:
            continue
        interval = wilson_by_case([passes / total for passes, total in by_case.values()])
        scores.append(
            MeasuredQuality(
                model=label, task=task, score=interval.estimate, cases=len(by_case),
                margin=(interval.high - interval.low) / 2,
            )
        )  # fmt: skip
    return scores


def run_publish(run: Run) -> int:
    """Publish the run's scores in place of the suite's earlier ones; returns how many."""
    suite = run.suite
    finished = run.finished_at or run.created_at
    return quality_scores_publish(
        workspace=run.workspace,
        source_key=source_key(suite.pk),
        source=f"suite '{suite.name}'",
        detail=f"run #{run.number} of {finished:%Y-%m-%d}, {run.cells_total} cells",
        measured_at=finished,
        scores=run_scores(run),
    )
