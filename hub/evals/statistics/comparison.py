"""A run against its baseline on the same cases: McNemar's exact test on the cases whose
pass/fail flipped, a paired bootstrap interval on the score difference, and one verdict.

A case missing from either run counts as not passed there (and scores 0), so dropping the
hard cases can never look like an improvement."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import stats

from hub.evals.statistics.intervals import Interval

ALPHA = 0.05
RESAMPLES = 10_000


def mcnemar_exact(only_baseline: int, only_candidate: int) -> float:
    """Two-sided exact p-value from the discordant pairs: cases only the baseline passed and
    cases only the candidate passed (under no difference each flip is a fair coin)."""
    flips = only_baseline + only_candidate
    if flips == 0:
        return 1.0
    return float(stats.binomtest(min(only_baseline, only_candidate), flips, 0.5).pvalue)


def paired_bootstrap(
    baseline: Sequence[float], candidate: Sequence[float], *, resamples: int = RESAMPLES,
    confidence: float = 0.95, seed: int = 0,
) -> Interval:  # fmt: skip
    """Mean of candidate - baseline over the same cases, with a percentile interval from
    resampling the cases (so each resample keeps its pairs together)."""
    differences = np.asarray(candidate, dtype=float) - np.asarray(baseline, dtype=float)
    if differences.size == 0:
        return Interval(0.0, 0.0, 0.0)
    mean = float(differences.mean())
    if differences.size == 1 or np.all(differences == differences[0]):
        return Interval(mean, mean, mean)  # nothing varies: the interval is the point
    result = stats.bootstrap(
        (differences,), np.mean, n_resamples=resamples, confidence_level=confidence,
        method="percentile", rng=np.random.default_rng(seed),
    )  # fmt: skip
    ci = result.confidence_interval
    return Interval(mean, float(ci.low), float(ci.high))


@dataclass(frozen=True)
class Comparison:
    cases: int
    score: Interval  # candidate - baseline, per case
    p_value: float = 1.0
    only_baseline: list[str] = field(default_factory=list)  # passed before, fail now
    only_candidate: list[str] = field(default_factory=list)  # fail before, pass now

    @property
    def gained(self) -> int:
        return len(self.only_candidate) - len(self.only_baseline)

    @property
    def significant(self) -> bool:
        return self.p_value < ALPHA

    @property
    def regression(self) -> bool:
        """Significantly fewer passes, or a score interval wholly below zero."""
        fewer = self.significant and self.gained < 0
        return fewer or self.score.high < 0

    def verdict(self, baseline: str = "A", candidate: str = "B") -> str:
        if self.gained == 0:
            passes = f"{candidate} passes as many cases as {baseline}"
        else:
            more = "more" if self.gained > 0 else "fewer"
            passes = f"{candidate} passes {abs(self.gained)} {more} cases than {baseline}"
        real = "" if self.significant else " (not significant)"
        score = (
            f"mean score {self.score.estimate:+.2f} [{self.score.low:+.2f}, {self.score.high:+.2f}]"
        )
        return f"{passes}, p = {self.p_value:.3g}{real}; {score}"


def compare_runs(
    baseline: Mapping[str, tuple[bool, float]],
    candidate: Mapping[str, tuple[bool, float]],
    *,
    resamples: int = RESAMPLES,
    seed: int = 0,
) -> Comparison:
    """Each run maps a case key to (passed, score in [0, 1])."""
    keys = sorted(set(baseline) | set(candidate))
    missing = (False, 0.0)
    before = [baseline.get(k, missing) for k in keys]
    after = [candidate.get(k, missing) for k in keys]
    only_baseline = [k for k, b, a in zip(keys, before, after, strict=True) if b[0] and not a[0]]
    only_candidate = [k for k, b, a in zip(keys, before, after, strict=True) if a[0] and not b[0]]
    return Comparison(
        cases=len(keys),
        only_baseline=only_baseline,
        only_candidate=only_candidate,
        p_value=mcnemar_exact(len(only_baseline), len(only_candidate)),
        score=paired_bootstrap(
            [b[1] for b in before], [a[1] for a in after], resamples=resamples, seed=seed
        ),
    )
