"""Bradley-Terry controlling for style: the chance that the first answer wins is
sigma(beta_first - beta_second + gamma . style), where ``style`` holds the normalised
differences in answer length and markdown use (first minus second). A judge or voter who
just likes long, bulleted answers then moves ``gamma``, not the models' ratings, as in
Chatbot Arena's style control.

Fitted by maximum likelihood (scipy's L-BFGS) with the same prior as ``ranking``: every model
plays ``2 * prior`` virtual games against an average model and ties half of them. With no
style differences it is the plain Bradley-Terry fit of ``ranking``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import optimize
from scipy.special import expit, log_expit

from hub.evals.statistics.ranking import BASE, SCALE, Duel, Rating

STYLE_FEATURES = ("length", "markdown")


@dataclass(frozen=True)
class StyledDuel:
    duel: Duel
    style: tuple[float, ...]  # per STYLE_FEATURES: (first - second) / (first + second)


@dataclass(frozen=True)
class StyledRanking:
    ratings: list[Rating]
    style_effects: dict[str, float]  # gamma per feature: > 0, the longer / richer side wins


def style_difference(first: float, second: float) -> float:
    total = first + second
    return (first - second) / total if total else 0.0


def markdown_marks(text: str) -> int:
    """Headers, list items, bold and code fences: how much markdown an answer uses."""
    lines = text.splitlines()
    listed = sum(1 for line in lines if line.lstrip()[:2] in ("- ", "* ") or _numbered(line))
    headers = sum(1 for line in lines if line.lstrip().startswith("#"))
    return listed + headers + text.count("**") // 2 + text.count("```") // 2


def _numbered(line: str) -> bool:
    head, _, rest = line.lstrip().partition(". ")
    return head.isdigit() and bool(rest)


def _fit(names: list[str], duels: Sequence[StyledDuel], prior: float) -> np.ndarray:
    """Parameters: the models' log strengths, then gamma; strengths centred on 0."""
    index = {name: i for i, name in enumerate(names)}
    size, features = len(names), len(STYLE_FEATURES)
    first = np.array([index[d.duel.first] for d in duels], dtype=int)
    second = np.array([index[d.duel.second] for d in duels], dtype=int)
    won = np.array([{"first": 1.0, "second": 0.0, "tie": 0.5}[d.duel.outcome] for d in duels])
    style = np.array([d.style for d in duels], dtype=float).reshape(len(duels), features)

    def loss(params: np.ndarray) -> tuple[float, np.ndarray]:
        beta, gamma = params[:size], params[size:]
        margin = beta[first] - beta[second] + style @ gamma
        nll = -np.sum(won * log_expit(margin) + (1 - won) * log_expit(-margin))
        residual = expit(margin) - won  # d nll / d margin
        grad = np.zeros_like(params)
        np.add.at(grad, first, residual)
        np.add.at(grad, second, -residual)
        grad[size:] = style.T @ residual
        # The prior: 2 * prior ties against an average model (log strength 0).
        nll -= 2 * prior * np.sum(0.5 * log_expit(beta) + 0.5 * log_expit(-beta))
        grad[:size] += 2 * prior * (expit(beta) - 0.5)
        return float(nll), grad

    result = optimize.minimize(loss, np.zeros(size + features), jac=True, method="L-BFGS-B")
    params = result.x
    params[:size] -= params[:size].mean()
    return params


def bradley_terry_styled(
    duels: Sequence[StyledDuel], *, prior: float = 1.0, resamples: int = 200, seed: int = 0
) -> StyledRanking:
    """Ratings (Elo scale, best first, bootstrap 95 % intervals) net of style."""
    names = sorted({d.duel.first for d in duels} | {d.duel.second for d in duels})
    if not names:
        return StyledRanking([], {f: 0.0 for f in STYLE_FEATURES})
    fitted = _fit(names, duels, prior)
    rng = np.random.default_rng(seed)
    size = len(names)
    low = high = fitted[:size]
    if resamples:
        samples = np.array(
            [_fit(names, [duels[i] for i in rng.integers(0, len(duels), len(duels))], prior)
             for _ in range(resamples)]
        )  # fmt: skip
        low, high = np.percentile(samples[:, :size], [2.5, 97.5], axis=0)
    played = {name: 0 for name in names}
    for d in duels:
        played[d.duel.first] += 1
        played[d.duel.second] += 1
    ratings = [
        Rating(model=name, rating=BASE + SCALE * float(fitted[i]), low=BASE + SCALE * float(low[i]),
               high=BASE + SCALE * float(high[i]), games=played[name])
        for i, name in enumerate(names)
    ]  # fmt: skip
    effects = {f: float(fitted[size + k]) for k, f in enumerate(STYLE_FEATURES)}
    return StyledRanking(sorted(ratings, key=lambda r: r.rating, reverse=True), effects)
