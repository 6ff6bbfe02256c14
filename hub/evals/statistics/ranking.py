"""A leaderboard from pairwise verdicts (playground votes, pairwise judges): Bradley-Terry
strengths fitted by Hunter's MM iteration, shown on the Elo scale (1000 is the average
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


def _fit(
    names: list[str], duels: Sequence[Duel], prior: float, iterations: int = 10_000
) -> np.ndarray:
    """Log strengths, centred on 0."""
    index = {name: i for i, name in enumerate(names)}
    size = len(names)
    wins = np.full(size, float(prior))  # the virtual ties: half of 2 * prior games won
    games = np.zeros((size, size))
    for duel in duels:
        a, b = index[duel.first], index[duel.second]
        games[a, b] += 1
        games[b, a] += 1
        share = {"first": 1.0, "second": 0.0, "tie": 0.5}[duel.outcome]
        wins[a] += share
        wins[b] += 1 - share
    strength = np.ones(size)
    for _ in range(iterations):
        pair = games / (strength[:, None] + strength[None, :])
        denominator = pair.sum(axis=1) + 2 * prior / (strength + 1.0)
        updated = np.where(denominator > 0, wins / np.maximum(denominator, 1e-300), 1.0)
        updated = np.maximum(updated, 1e-12)
        if prior == 0:
            updated /= math.exp(np.log(updated).mean())
        if np.max(np.abs(np.log(updated) - np.log(strength))) < 1e-10:
            strength = updated
            break
        strength = updated
    logs = np.log(strength)
    return logs - logs.mean()


def bradley_terry(
    duels: Sequence[Duel], *, prior: float = 1.0, resamples: int = 1000, seed: int = 0
) -> list[Rating]:
    """Every model met in ``duels``, best first, each with a 95 % interval."""
    names = sorted({d.first for d in duels} | {d.second for d in duels})
    if not names:
        return []
    fitted = _fit(names, duels, prior)
    rng = np.random.default_rng(seed)
    samples = np.empty((resamples, len(names)))
    for r in range(resamples):
        picked = rng.integers(0, len(duels), size=len(duels))
        samples[r] = _fit(names, [duels[i] for i in picked], prior, iterations=2000)
    low, high = np.percentile(samples, [2.5, 97.5], axis=0) if resamples else (fitted, fitted)
    played = {name: 0 for name in names}
    for duel in duels:
        played[duel.first] += 1
        played[duel.second] += 1
    ratings = [
        Rating(
            model=name,
            rating=BASE + SCALE * float(fitted[i]),
            low=BASE + SCALE * float(low[i]),
            high=BASE + SCALE * float(high[i]),
            games=played[name],
        )
        for i, name in enumerate(names)
    ]
    return sorted(ratings, key=lambda r: r.rating, reverse=True)
