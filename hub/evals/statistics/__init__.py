"""The numbers evaluations report, each a small function on plain data (scipy underneath):
intervals for pass rates, paired tests against a baseline, A/B tests, and a Bradley-Terry
ranking."""

from hub.evals.statistics.ab_test import (
    Difference,
    Winner,
    consistency,
    distribution_difference,
    winner,
)
from hub.evals.statistics.comparison import (
    Comparison,
    compare_runs,
    mcnemar_exact,
    paired_bootstrap,
)
from hub.evals.statistics.intervals import Interval, wilson_by_case, wilson_interval
from hub.evals.statistics.ranking import Duel, Rating, bradley_terry

__all__ = [
    "Comparison",
    "Difference",
    "Duel",
    "Interval",
    "Rating",
    "Winner",
    "bradley_terry",
    "compare_runs",
    "consistency",
    "distribution_difference",
    "mcnemar_exact",
    "paired_bootstrap",
    "wilson_by_case",
    "wilson_interval",
    "winner",
]
