"""The statistics evaluations report, against values known independently: closed forms
worked by hand, and scipy's optimiser fitting the same likelihood another way."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import optimize

from hub.evals.statistics import (
    Duel,
    bradley_terry,
    compare_runs,
    mcnemar_exact,
    paired_bootstrap,
    wilson_interval,
)

Z95 = 1.959963984540054


def wilson_by_formula(passed: int, total: int) -> tuple[float, float]:
    p, z2 = passed / total, Z95**2
    centre = (p + z2 / (2 * total)) / (1 + z2 / total)
    half = Z95 * math.sqrt(p * (1 - p) / total + z2 / (4 * total**2)) / (1 + z2 / total)
    return centre - half, centre + half


@pytest.mark.parametrize(("passed", "total"), [(8, 10), (0, 10), (10, 10), (81, 263), (1, 2)])
def test_the_wilson_interval_matches_its_formula(passed, total):
    interval = wilson_interval(passed, total)
    low, high = wilson_by_formula(passed, total)
    assert interval.estimate == passed / total
    assert interval.low == pytest.approx(low, abs=1e-9)
    assert interval.high == pytest.approx(high, abs=1e-9)


def test_wilson_known_values_and_bad_counts():
    assert str(wilson_interval(8, 10)) == "0.80 [0.49, 0.94]"
    assert wilson_interval(0, 10).high == pytest.approx(0.2775, abs=1e-4)
    assert (wilson_interval(0, 0).low, wilson_interval(0, 0).high) == (0.0, 1.0)
    with pytest.raises(ValueError):
        wilson_interval(11, 10)


def test_mcnemar_exact_is_the_two_sided_binomial_tail_of_the_flips():
    # 14 flips, 2 one way: 2 * (C(14,0) + C(14,1) + C(14,2)) / 2**14 = 212 / 16384
    assert mcnemar_exact(2, 12) == pytest.approx(212 / 16384, rel=1e-12)
    assert mcnemar_exact(12, 2) == mcnemar_exact(2, 12)
    assert mcnemar_exact(5, 5) == 1.0 and mcnemar_exact(0, 0) == 1.0
    assert mcnemar_exact(0, 1) == 1.0  # one flip proves nothing


def test_the_paired_bootstrap_agrees_with_the_normal_interval_on_a_large_sample():
    rng = np.random.default_rng(3)
    baseline = rng.uniform(0, 1, 800)
    candidate = np.clip(baseline + rng.normal(0.05, 0.2, 800), 0, 1)
    differences = candidate - baseline
    interval = paired_bootstrap(baseline, candidate)
    half = Z95 * differences.std(ddof=1) / math.sqrt(len(differences))
    assert interval.estimate == pytest.approx(differences.mean())
    assert interval.low == pytest.approx(differences.mean() - half, abs=half * 0.1)
    assert interval.high == pytest.approx(differences.mean() + half, abs=half * 0.1)
    assert paired_bootstrap(baseline, candidate) == interval  # seeded: the same every time
    same = paired_bootstrap([0.2, 0.4, 0.6], [0.3, 0.5, 0.7])
    assert (same.low, same.high) == pytest.approx((0.1, 0.1))


def test_a_run_compared_with_its_baseline_gives_one_verdict_line():
    baseline = {f"case-{n}": (n < 10, 1.0 if n < 10 else 0.0) for n in range(30)}
    candidate = {f"case-{n}": (n < 22, 1.0 if n < 22 else 0.0) for n in range(30)}
    comparison = compare_runs(baseline, candidate)
    assert comparison.only_candidate == sorted(f"case-{n}" for n in range(10, 22))
    assert comparison.p_value == pytest.approx(2 * 0.5**12)
    assert comparison.significant and not comparison.regression
    line = comparison.verdict()
    assert line.startswith("B passes 12 more cases than A, p = 0.000488; mean score +0.40 [")

    worse = compare_runs(candidate, baseline)
    assert worse.regression and worse.verdict().startswith("B passes 12 fewer cases than A")


def test_a_case_missing_from_the_candidate_counts_as_failed():
    baseline = {"a": (True, 1.0), "b": (True, 1.0), "c": (False, 0.0)}
    candidate = {"a": (True, 1.0), "c": (True, 1.0)}  # "b" was dropped
    comparison = compare_runs(baseline, candidate)
    assert (comparison.only_baseline, comparison.only_candidate) == (["b"], ["c"])
    assert comparison.cases == 3 and comparison.gained == 0
    assert "(not significant)" in comparison.verdict()


def test_bradley_terry_two_models_three_wins_in_four_is_three_to_one_odds():
    duels = [Duel("a", "b", "first")] * 3 + [Duel("a", "b", "second")]
    best, worst = bradley_terry(duels, prior=0, resamples=0)
    assert (best.model, worst.model) == ("a", "b")
    assert best.rating - worst.rating == pytest.approx(400 * math.log10(3), abs=1e-6)
    assert best.rating + worst.rating == pytest.approx(2000)


def test_bradley_terry_matches_a_direct_maximum_likelihood_fit_with_ties():
    outcomes = {("a", "b"): (7, 3, 2), ("b", "c"): (6, 4, 0), ("a", "c"): (9, 2, 1)}
    duels = [
        Duel(x, y, outcome)
        for (x, y), counts in outcomes.items()
        for outcome, count in zip(("first", "second", "tie"), counts, strict=True)
        for _ in range(count)
    ]
    index = {"a": 0, "b": 1, "c": 2}

    def negative_log_likelihood(free: np.ndarray) -> float:
        logs = np.array([0.0, *free])
        total = 0.0
        for duel in duels:
            i, j = index[duel.first], index[duel.second]
            win = 1 / (1 + math.exp(logs[j] - logs[i]))
            share = {"first": 1.0, "second": 0.0, "tie": 0.5}[duel.outcome]
            total -= share * math.log(win) + (1 - share) * math.log(1 - win)
        return total

    direct = optimize.minimize(negative_log_likelihood, np.zeros(2), method="BFGS").x
    expected = np.array([0.0, *direct])
    expected = 1000 + 400 / math.log(10) * (expected - expected.mean())
    ratings = {r.model: r.rating for r in bradley_terry(duels, prior=0, resamples=0)}
    assert [ratings[m] for m in "abc"] == pytest.approx(list(expected), abs=0.01)


def test_bradley_terry_recovers_known_strengths_within_its_intervals():
    rng = np.random.default_rng(11)
    truth = {"small": -0.5, "medium": 0.0, "large": 0.5}
    names = list(truth)
    duels = []
    for _ in range(3000):
        x, y = rng.choice(names, size=2, replace=False)
        p = 1 / (1 + math.exp(truth[y] - truth[x]))
        duels.append(Duel(str(x), str(y), "first" if rng.random() < p else "second"))
    ratings = bradley_terry(duels, resamples=200)
    assert [r.model for r in ratings] == ["large", "medium", "small"]
    for rating in ratings:
        expected = 1000 + 400 / math.log(10) * truth[rating.model]
        assert rating.low < expected < rating.high
        assert rating.high - rating.low < 60 and rating.games > 1500


def test_a_model_that_never_won_still_gets_a_finite_rating():
    duels = [Duel("a", "b", "first")] * 5 + [Duel("b", "c", "tie")] * 2
    ratings = {r.model: r for r in bradley_terry(duels, resamples=50)}
    assert all(math.isfinite(r.rating) and math.isfinite(r.low) for r in ratings.values())
    assert ratings["a"].rating > max(ratings["b"].rating, ratings["c"].rating)
    assert ratings["a"].high < 1000 + 400  # the prior keeps an unbeaten model from infinity
