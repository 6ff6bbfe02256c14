"""An A/B test: one prompt sent to several models, K times each. How consistent each model
is with itself, whether two models' latencies or costs differ (Mann-Whitney U: no normality
assumed, and latencies are never normal), and which model wins, with how sure that is."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

RESAMPLES = 10_000


def consistency(outputs: Sequence[str]) -> float:
    """The share of pairs of repeats that gave the same answer (case and spacing aside)."""
    normal = [" ".join(text.casefold().split()) for text in outputs]
    pairs = list(itertools.combinations(normal, 2))
    if not pairs:
        return 1.0
    return sum(a == b for a, b in pairs) / len(pairs)


@dataclass(frozen=True)
class Difference:
    p_value: float
    # The chance that a random value of ``a`` is below one of ``b`` (ties count half):
    # 0.5 is no difference, 1.0 means every ``a`` is below every ``b``.
    a_below_b: float


def distribution_difference(a: Sequence[float], b: Sequence[float]) -> Difference:
    """Two-sided Mann-Whitney U test of two samples (latencies, costs)."""
    if not a or not b:
        return Difference(1.0, 0.5)
    result = stats.mannwhitneyu(b, a, alternative="two-sided")
    return Difference(float(result.pvalue), float(result.statistic) / (len(a) * len(b)))


@dataclass(frozen=True)
class Winner:
    model: str
    confidence: float  # share of resamples in which it had the highest mean score


def winner(
    scores: Mapping[str, Sequence[float]], *, resamples: int = RESAMPLES, seed: int = 0
) -> Winner | None:
    """The model with the highest mean score, and how often resampling its repeats (and
    everyone else's) keeps it on top."""
    models = [m for m, values in scores.items() if len(values) > 0]
    if not models:
        return None
    rng = np.random.default_rng(seed)
    means = np.empty((resamples, len(models)))
    for column, model in enumerate(models):
        values = np.asarray(scores[model], dtype=float)
        picks = rng.integers(0, len(values), size=(resamples, len(values)))
        means[:, column] = values[picks].mean(axis=1)
    best = int(np.argmax([np.mean(scores[m]) for m in models]))
    on_top = means.max(axis=1, keepdims=True) == means
    # A resample where several tie for the top counts for each of them by its share.
    share = (on_top[:, best] / on_top.sum(axis=1)).mean()
    return Winner(models[best], float(share))
