"""A finished run of a suite that feeds routing becomes the models' quality scores: each
model's pass rate over the run's cells, and per task tag when cases are tagged, with half its
Wilson 95 % interval as the margin. Scores go to routing through ``routing.quality``; a
model is the provider/model that answered (an alias's cells count for what it routed to)."""

from __future__ import annotations

from collections import defaultdict

from hub.evals.models import Cell, CellStatus, Run
from hub.evals.statistics import wilson_interval
from routing.quality import MeasuredQuality, quality_scores_publish, quality_scores_withdraw

MIN_CELLS = 1


def source_key(suite_id: int) -> str:
    return f"evals-suite:{suite_id}"


def run_scores(run: Run) -> list[MeasuredQuality]:
    tally: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])  # passed, cells
    cells = Cell.objects.for_workspace(run.workspace).filter(
        run=run, status__in=(CellStatus.DONE, CellStatus.ERROR)
    )
    rows = cells.values_list("answered_by", "model_name", "tags", "passed")
    for answered_by, model, tags, cell_passed in rows:
        label = answered_by or model
        if "/" not in label:
            continue  # an alias that reached no model: nothing to score
        for task in ("", *tags):
            counts = tally[(label, task)]
            counts[0] += bool(cell_passed)
            counts[1] += 1
    scores = []
    for (label, task), (passes, total) in sorted(tally.items()):
        if total < MIN_CELLS:
            continue
        interval = wilson_interval(passes, total)
        margin = (interval.high - interval.low) / 2
        scores.append(
            MeasuredQuality(
                model=label, task=task, score=interval.estimate, cases=total, margin=margin
            )
        )
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


def suite_withdraw(run: Run) -> None:
    quality_scores_withdraw(workspace=run.workspace, source_key=source_key(run.suite_id))
