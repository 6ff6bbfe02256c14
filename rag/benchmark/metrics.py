"""Ranking metrics over binary relevance: nDCG@k, recall@k and MRR (of the first relevant)."""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from collections.abc import Set as AbstractSet


def ndcg_at(ranking: Sequence[Hashable], relevant: AbstractSet[Hashable], k: int = 10) -> float:
    """DCG of the top ``k`` over the best DCG possible with ``relevant`` (gain 1, log2 discount)."""
    gains = [
        1.0 / math.log2(position + 2)
        for position, item in enumerate(ranking[:k])
        if item in relevant
    ]
    ideal = sum(1.0 / math.log2(position + 2) for position in range(min(k, len(relevant))))
    return sum(gains) / ideal if ideal else 0.0


def recall_at(ranking: Sequence[Hashable], relevant: AbstractSet[Hashable], k: int = 10) -> float:
    return len(set(ranking[:k]) & relevant) / len(relevant) if relevant else 0.0


def reciprocal_rank(ranking: Sequence[Hashable], relevant: AbstractSet[Hashable]) -> float:
    for position, item in enumerate(ranking):
        if item in relevant:
            return 1.0 / (position + 1)
    return 0.0


def percentile(values: Sequence[float], share: float) -> float:
    """The nearest-rank percentile (``share`` 0.95 for p95) of ``values``."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)] if ordered else 0.0
