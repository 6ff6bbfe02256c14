"""A run read as an A/B test (seed 002: one prompt to several models, K times each): how
consistent each arm is with itself across repeats, its latency and cost distributions, whether
they differ from the best arm's (Mann-Whitney U), and which arm wins on score, with how sure
that is. An arm is one prompt on one model, as in the run's columns."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from statistics import fmean, median

import numpy as np

from hub.evals.models import Cell, CellStatus, Run
from hub.evals.statistics import Difference, Winner, consistency, distribution_difference, winner


@dataclass
class Arm:
    label: str  # "prompt · model"
    outputs: dict[tuple[str, int], str] = field(default_factory=dict)  # (case, repeat) -> text
    latencies: list[float] = field(default_factory=list)
    costs: list[float] = field(default_factory=list)
    scores: list[float] = field(default_factory=list)
    by_case: dict[str, list[float]] = field(default_factory=dict)  # case -> repeat scores
    consistency: float | None = None
    latency_vs_best: Difference | None = None
    cost_vs_best: Difference | None = None

    @property
    def median_latency_ms(self) -> float | None:
        return median(self.latencies) if self.latencies else None

    @property
    def p90_latency_ms(self) -> float | None:
        return float(np.percentile(self.latencies, 90)) if self.latencies else None

    @property
    def mean_cost_usd(self) -> float | None:
        return fmean(self.costs) if self.costs else None

    @property
    def mean_score(self) -> float | None:
        return fmean(self.scores) if self.scores else None


@dataclass(frozen=True)
class ABReport:
    arms: list[Arm]
    winner: Winner | None
    fastest: str
    cheapest: str


def ab_report(run: Run) -> ABReport | None:
    """None for a run of one arm: there is nothing to compare."""
    arms: dict[str, Arm] = {}
    cells = Cell.objects.for_workspace(run.workspace).filter(
        run=run, status__in=(CellStatus.DONE, CellStatus.ERROR)
    )
    for cell in cells.order_by("id"):
        label = f"{cell.prompt_label} · {cell.model_name}"
        arm = arms.setdefault(label, Arm(label))
        score = 0.0 if cell.status == CellStatus.ERROR else (cell.score or 0.0)
        arm.scores.append(score)  # an error is a failure of the arm: it scores 0
        arm.by_case.setdefault(cell.case_key, []).append(score)
        if cell.status == CellStatus.ERROR:
            continue
        arm.outputs[(cell.case_key, cell.repeat)] = cell.output
        if not cell.cached and cell.latency_ms is not None:
            arm.latencies.append(cell.latency_ms)
        arm.costs.append(float(cell.cost_usd + cell.saved_usd))  # what the answer cost
    if len(arms) < 2:
        return None
    for arm in arms.values():
        arm.consistency = _consistency(arm)
    fastest = min(arms.values(), key=lambda a: _known_first(a.median_latency_ms))
    cheapest = min(arms.values(), key=lambda a: _known_first(a.mean_cost_usd))
    for arm in arms.values():
        if arm is not fastest:
            arm.latency_vs_best = distribution_difference(fastest.latencies, arm.latencies)
        if arm is not cheapest:
            arm.cost_vs_best = distribution_difference(cheapest.costs, arm.costs)
    # Cases are resampled, not cells: repeats of one case are not independent samples.
    best = winner({label: [fmean(s) for s in arm.by_case.values()] for label, arm in arms.items()})
    return ABReport(list(arms.values()), best, fastest.label, cheapest.label)


def _known_first(value: float | None) -> tuple[bool, float]:
    """Orders measured values first, lowest first (a free model's cost of 0 included)."""
    return (value is None, value or 0.0)


def _consistency(arm: Arm) -> float | None:
    """The mean, over cases, of the share of repeat pairs that answered the same."""
    by_case: dict[str, list[str]] = defaultdict(list)
    for (case_key, _repeat), text in arm.outputs.items():
        by_case[case_key].append(text)
    repeated = [texts for texts in by_case.values() if len(texts) > 1]
    return fmean(consistency(texts) for texts in repeated) if repeated else None
