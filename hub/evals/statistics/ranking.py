"""A leaderboard from pairwise verdicts (playground votes, pairwise judges): Bradley-Terry
strengths fitted by maximum likelihood on the win counts, shown on the Elo scale (1000 is the average
model, +400 means ten-to-one odds), with bootstrap 95 % intervals from resampling the duels.

A tie counts as half a win for each side. ``prior`` adds that many virtual ties against an
average model to every model, so one that never won (or never lost) still gets a finite
rating; 0 gives the plain maximum-likelihood fit."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy import optimize
from scipy.special import expit, log_expit

Outcome = Literal["first", "second", "tie"]
SCALE = 400 / math.log(10)  # natural-log strength to Elo points
BASE = 1000.0


@dataclass(frozen=True)
class Duel:
    first: str
    second: str
    outcome: Outcome


@dataclass(frozen=True)
class Rating:
    model: str
    rating: float
    low: float
    high: float
    games: int


def _wins(first: np.ndarray, second: np.ndarray, share: np.ndarray, size: int) -> np.ndarray:
    """wins[i, j]: how many duels i won against j (a tie is half a win each)."""
    wins = np.zeros((size, size))
    np.add.at(wins, (first, second), share)
    np.add.at(wins, (second, first), 1.0 - share)
    return wins


def _fit(wins: np.ndarray, prior: float, start: np.ndarray | None = None) -> np.ndarray:
    """Log strengths by maximum likelihood (scipy's L-BFGS on the win counts, so the cost
    does not grow with the number of duels), centred on 0. ``prior``: every model ties
    ``2 * prior`` virtual games against an average model (log strength 0)."""
    size = len(wins)

    def loss(beta: np.ndarray) -> tuple[float, np.ndarray]:
        diff = beta[:, None] - beta[None, :]
        nll = -float(np.sum(wins * log_expit(diff)))
        lost = wins * expit(-diff)  # d nll / d diff, per pair
        grad = lost.sum(axis=0) - lost.sum(axis=1)
        if prior:
            nll -= prior * float(np.sum(log_expit(beta) + log_expit(-beta)))
            grad = grad + prior * (2 * expit(beta) - 1)
        return nll, grad

    x0 = np.zeros(size) if start is None else start
    result = optimize.minimize(
        loss,
        x0,
        jac=True,
        method="L-BFGS-B",
        options={"gtol": 1e-12, "ftol": 1e-15, "maxiter": 2000},
    )
    return result.x - result.x.mean()


def bradley_terry(
    duels: Sequence[Duel], *, prior: float = 1.0, resamples: int = 1000, seed: int = 0
) -> list[Rating]:
    """Every model met in ``duels``, best first, each with a 95 % interval."""
    names = sorted({d.first for d in duels} | {d.second for d in duels})
    if not names:
        return []
    index = {name: i for i, name in enumerate(names)}
    first = np.array([index[d.first] for d in duels])
    second = np.array([index[d.second] for d in duels])
    share = np.array([{"first": 1.0, "second": 0.0, "tie": 0.5}[d.outcome] for d in duels])
    size = len(names)
    fitted = _fit(_wins(first, second, share, size), prior)
    rng = np.random.default_rng(seed)
    samples = np.empty((resamples, size))
    for r in range(resamples):
        picked = rng.integers(0, len(duels), size=len(duels))
        wins = _wins(first[picked], second[picked], share[picked], size)
        samples[r] = _fit(wins, prior, start=fitted)
    low, high = np.percentile(samples, [2.5, 97.5], axis=0) if resamples else (fitted, fitted)
    played = np.bincount(first, minlength=size) + np.bincount(second, minlength=size)
    ratings = [
        Rating(
            model=name,
            rating=BASE + SCALE * float(fitted[i]),
            low=BASE + SCALE * float(low[i]),
            high=BASE + SCALE * float(high[i]),
            games=int(played[i]),
        )
        for i, name in enumerate(names)
    ]
    return sorted(ratings, key=lambda r: r.rating, reverse=True)
