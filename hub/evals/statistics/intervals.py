"""A pass rate with its Wilson score interval: unlike the normal approximation it stays
inside [0, 1] and is honest for small samples and rates near 0 or 1."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from scipy import stats


@dataclass(frozen=True)
class Interval:
    estimate: float
    low: float
    high: float

    def __str__(self) -> str:
        return f"{self.estimate:.2f} [{self.low:.2f}, {self.high:.2f}]"


def wilson_interval(passed: int, total: int, *, confidence: float = 0.95) -> Interval:
    """``passed`` of ``total`` with its interval; no cases is the uninformative [0, 1]."""
    if total < 0 or not 0 <= passed <= total:
        raise ValueError(f"{passed} passed of {total} is not a count")
    if total == 0:
        return Interval(0.0, 0.0, 1.0)
    ci = stats.binomtest(passed, total).proportion_ci(confidence, method="wilson")
    return Interval(passed / total, float(ci.low), float(ci.high))


def wilson_by_case(shares: Sequence[float], *, confidence: float = 0.95) -> Interval:
    """The pass rate over cases asked several times each: ``shares`` holds each case's share
    of passing repeats. Repeats of one case are not independent samples (at temperature 0
    they are nearly copies), so the interval counts cases: the Wilson interval of the mean
    share's worth of passes among as many trials as there are cases."""
    if not shares:
        return Interval(0.0, 0.0, 1.0)
    rate = sum(shares) / len(shares)
    interval = wilson_interval(round(rate * len(shares)), len(shares), confidence=confidence)
    return Interval(rate, interval.low, interval.high)
