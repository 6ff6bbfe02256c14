"""Style-controlled Bradley-Terry: with no style differences it is the plain fit; when a judge
prefers long answers, the length effect takes the credit and the models' ratings come close."""

from __future__ import annotations

import numpy as np
import pytest

from hub.evals.statistics import Duel, bradley_terry
from hub.evals.statistics.style_control import (
    StyledDuel,
    bradley_terry_styled,
    markdown_marks,
    style_difference,
)

PLAIN = [Duel("a", "b", "first")] * 7 + [Duel("a", "b", "second")] * 3 + [
    Duel("b", "c", "first")] * 6 + [Duel("b", "c", "tie")] * 2 + [Duel("c", "a", "second")] * 5  # fmt: skip


def test_without_style_differences_it_is_the_plain_fit():
    plain = {r.model: r.rating for r in bradley_terry(PLAIN, resamples=0)}
    styled = bradley_terry_styled([StyledDuel(d, (0.0, 0.0)) for d in PLAIN], resamples=0)
    assert {r.model: r.rating for r in styled.ratings} == pytest.approx(plain, abs=0.01)
    assert styled.style_effects == pytest.approx({"length": 0.0, "markdown": 0.0}, abs=1e-6)


def test_a_taste_for_long_answers_is_taken_out_of_the_ratings():
    rng = np.random.default_rng(7)
    duels = []
    for _ in range(400):
        # "verbose" writes the longer answer 80 % of the time; the judge picks the longer
        # answer 85 % of the time, whoever wrote it: the models are equally good.
        verbose_long = rng.random() < 0.8
        long_len, short_len = rng.integers(600, 900), rng.integers(100, 300)
        first_len, second_len = (long_len, short_len) if verbose_long else (short_len, long_len)
        longer_wins = rng.random() < 0.85
        first_won = verbose_long == longer_wins
        duel = Duel("verbose", "terse", "first" if first_won else "second")
        duels.append(StyledDuel(duel, (style_difference(first_len, second_len), 0.0)))
    plain = {r.model: r.rating for r in bradley_terry([d.duel for d in duels], resamples=0)}
    styled = bradley_terry_styled(duels, resamples=50)
    net = {r.model: r for r in styled.ratings}
    # It wins about 0.8 * 0.85 + 0.2 * 0.15 = 71 % of duels: some 155 Elo points ahead.
    assert plain["verbose"] - plain["terse"] > 120
    assert abs(net["verbose"].rating - net["terse"].rating) < 60
    assert net["verbose"].low < net["terse"].rating < net["verbose"].high
    assert styled.style_effects["length"] > 1.5


def test_markdown_is_counted_by_its_marks():
    text = "# Plan\n- one\n- two\n1. first\nSome **bold** text\n```\ncode\n```"
    assert markdown_marks(text) == 1 + 2 + 1 + 1 + 1
    assert markdown_marks("Just a sentence - with a dash.") == 0
    assert style_difference(0, 0) == 0.0 and style_difference(3, 1) == 0.5
