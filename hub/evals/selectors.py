"""Reads of evaluation runs: progress, each column's pass rate with its interval, and the
comparison of a run with its baseline, all scoped to the run's workspace.

A column is one prompt on one model. Repeats of a case are not independent samples, so the
case is the unit: a column's interval counts cases, and runs are compared case by case (by
prompt label and model too when a run has more than one column), a case passing when most of
its repeats pass, its score their mean. A case missing from either run, or whose cells never
finished, counts as not passed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from statistics import fmean, median

from django.db.models import Count, Q, QuerySet, Sum

from hub.evals.models import Cell, CellStatus, Run
from hub.evals.statistics import (
    Comparison,
    Interval,
    compare_runs,
    wilson_by_case,
    wilson_interval,
)

FINISHED = (CellStatus.DONE, CellStatus.ERROR)


def _cells(run: Run) -> QuerySet[Cell]:
    return Cell.objects.for_workspace(run.workspace).filter(run=run)


@dataclass(frozen=True)
class Progress:
    total: int
    done: int
    errors: int
    cancelled: int
    cache_hits: int
    cost_usd: Decimal
    saved_usd: Decimal

    @property
    def finished(self) -> int:
        return self.done + self.errors

    @property
    def pending(self) -> int:
        return max(0, self.total - self.finished - self.cancelled)

    @property
    def percent(self) -> int:
        return round(100 * self.finished / self.total) if self.total else 100


def run_progress(run: Run) -> Progress:
    counts = _cells(run).aggregate(
        done=Count("id", filter=Q(status=CellStatus.DONE)),
        errors=Count("id", filter=Q(status=CellStatus.ERROR)),
        cancelled=Count("id", filter=Q(status=CellStatus.CANCELLED)),
        cache_hits=Count("id", filter=Q(cached=True)),
        cost=Sum("cost_usd"),
        saved=Sum("saved_usd"),
    )
    return Progress(
        total=run.cells_total,
        done=counts["done"],
        errors=counts["errors"],
        cancelled=counts["cancelled"],
        cache_hits=counts["cache_hits"],
        cost_usd=counts["cost"] or Decimal(0),
        saved_usd=counts["saved"] or Decimal(0),
    )


@dataclass
class Column:
    """One prompt on one model across the run's cases and repeats."""

    prompt_label: str
    model_name: str
    cells: int = 0
    passed: int = 0
    errors: int = 0
    scores: list[float] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    cost_usd: Decimal = Decimal(0)
    by_case: dict[str, list[int]] = field(default_factory=dict)  # case -> [passes, cells]

    @property
    def pass_rate(self) -> Interval:
        """The share of cells passed, with a Wilson interval over cases."""
        if not self.by_case:
            return wilson_interval(0, 0)
        interval = wilson_by_case([p / n for p, n in self.by_case.values()])
        return Interval(self.passed / self.cells, interval.low, interval.high)

    @property
    def mean_score(self) -> float | None:
        return fmean(self.scores) if self.scores else None

    @property
    def median_latency_ms(self) -> float | None:
        return median(self.latencies) if self.latencies else None


def run_columns(run: Run) -> list[Column]:
    """Columns in the order the run's cells were laid out; only finished cells count."""
    columns: dict[tuple[str, str], Column] = {}
    rows = (
        _cells(run)
        .filter(status__in=FINISHED)
        .order_by("id")
        .values_list("prompt_label", "model_name", "passed", "score", "latency_ms", "cost_usd",
                     "status", "cached", "case_key")
    )  # fmt: skip
    for label, model, passed, score, latency, cost, status, cached, case_key in rows:
        column = columns.setdefault((label, model), Column(label, model))
        column.cells += 1
        column.passed += bool(passed)
        case = column.by_case.setdefault(case_key, [0, 0])
        case[0] += bool(passed)
        case[1] += 1
        column.errors += status == CellStatus.ERROR
        column.scores.append(score or 0.0)
        if latency is not None and not cached:
            column.latencies.append(latency)
        column.cost_usd += cost
    return list(columns.values())


def _outcomes(run: Run, *, by_column: bool) -> dict[str, tuple[bool, float]]:
    """Case (in its column) -> (most of its repeats passed, their mean score)."""
    rows = (
        _cells(run)
        .filter(status__in=FINISHED)
        .values_list("prompt_label", "model_name", "case_key", "passed", "score")
    )
    repeats: dict[str, list[tuple[bool, float]]] = defaultdict(list)
    for label, model, case_key, passed, score in rows:
        key = f"{label} · {model} · {case_key}" if by_column else case_key
        repeats[key].append((bool(passed), float(score or 0.0)))
    return {
        key: (2 * sum(p for p, _ in seen) > len(seen), fmean(s for _, s in seen))
        for key, seen in repeats.items()
    }


def _column_count(run: Run) -> int:
    cells = _cells(run)
    return cells.values("prompt_label", "model_name").distinct().count()


@dataclass(frozen=True)
class RunComparison:
    comparison: Comparison
    only_in_baseline: list[str]  # cells the candidate lacks (count as not passed)
    only_in_candidate: list[str]  # new cells (the baseline counts as not passed)

    def verdict(self, baseline: Run, candidate: Run) -> str:
        return self.comparison.verdict(f"run #{baseline.number}", f"run #{candidate.number}")


def runs_compare(baseline: Run, candidate: Run, *, resamples: int = 10_000) -> RunComparison:
    """McNemar's exact test on pass/fail and a paired bootstrap on scores, cell by cell."""
    by_column = _column_count(baseline) > 1 or _column_count(candidate) > 1
    before = _outcomes(baseline, by_column=by_column)
    after = _outcomes(candidate, by_column=by_column)
    return RunComparison(
        comparison=compare_runs(before, after, resamples=resamples),
        only_in_baseline=sorted(set(before) - set(after)),
        only_in_candidate=sorted(set(after) - set(before)),
    )


def cells_grid(run: Run) -> dict[str, dict[tuple[str, str], list[Cell]]]:
    """case key -> (prompt label, model) -> the cell's repeats, for the results grid."""
    grid: dict[str, dict[tuple[str, str], list[Cell]]] = defaultdict(lambda: defaultdict(list))
    for cell in _cells(run).order_by("id"):
        grid[cell.case_key][(cell.prompt_label, cell.model_name)].append(cell)
    return grid
