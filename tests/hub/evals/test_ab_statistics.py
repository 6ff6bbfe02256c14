"""The A/B test's numbers against values worked by hand: self-agreement of repeats, the
exact Mann-Whitney p-value of two small samples, and a winner's bootstrap confidence."""

from __future__ import annotations

import pytest

from hub.evals.statistics import consistency, distribution_difference, winner


def test_consistency_is_the_share_of_repeat_pairs_that_agree():
    assert consistency(["Paris", " paris ", "Lyon"]) == pytest.approx(1 / 3)
    assert consistency(["same"] * 4) == 1.0 and consistency(["only one"]) == 1.0


def test_mann_whitney_on_two_samples_that_never_overlap():
    # Of the C(6, 3) = 20 ways to split six ranks, one puts all of a lowest: p = 2 / 20.
    difference = distribution_difference([110.0, 120.0, 130.0], [240.0, 250.0, 260.0])
    assert difference.p_value == pytest.approx(0.1)
    assert difference.a_below_b == 1.0
    same = distribution_difference([1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 3.0, 4.0])
    assert same.a_below_b == 0.5 and same.p_value == pytest.approx(1.0)


def test_the_winner_and_how_often_resampling_keeps_it_on_top():
    clear = winner({"small": [0.1] * 10, "large": [0.9] * 10})
    assert clear is not None and (clear.model, clear.confidence) == ("large", 1.0)
    # "b" scores 0 always; "a" loses its lead only when all 4 draws are its one 0, a tie
    # (shared): 1 - (1/4)**4 / 2.
    close = winner({"a": [1.0, 1.0, 1.0, 0.0], "b": [0.0] * 4})
    assert close is not None and close.model == "a"
    assert close.confidence == pytest.approx(1 - 0.5 / 256, abs=0.003)
    even = winner({"a": [1.0, 0.0] * 5, "b": [0.0, 1.0] * 5})
    assert even is not None and even.confidence == pytest.approx(0.5, abs=0.02)
    assert winner({}) is None
