"""Fusing the dense and keyword rankings into one, as Qdrant's Query API does.

RRF scores a chunk ``sum(1 / (k + position))`` over the lists it is in (position from 0,
Qdrant's form); DBSF maps each list's scores to [0, 1] through mean ± 3 standard deviations
and sums them. The embedded store fuses here; the Qdrant server fuses itself, the same way.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

RRF_K = 60
Ranked = Sequence[tuple[int, float]]  # (chunk id, score), best first


def reciprocal_rank_fusion(rankings: Sequence[Ranked], *, k: int = RRF_K) -> dict[int, float]:
    fused: dict[int, float] = {}
    for ranking in rankings:
        for position, (chunk_id, _) in enumerate(ranking):
            fused[chunk_id] = fused.get(chunk_id, 0.0) + 1.0 / (k + position)
    return fused


def distribution_based_fusion(rankings: Sequence[Ranked]) -> dict[int, float]:
    fused: dict[int, float] = {}
    for ranking in rankings:
        for chunk_id, score in _normalised(ranking):
            fused[chunk_id] = fused.get(chunk_id, 0.0) + score
    return fused


def _normalised(ranking: Ranked) -> list[tuple[int, float]]:
    if len(ranking) == 1:
        return [(ranking[0][0], 0.5)]
    scores = [score for _, score in ranking]
    mean = sum(scores) / len(scores) if scores else 0.0
    variance = sum((s - mean) ** 2 for s in scores) / max(1, len(scores) - 1)
    if variance == 0:
        return [(chunk_id, 0.5) for chunk_id, _ in ranking]
    spread = 6 * math.sqrt(variance)
    low = mean - spread / 2
    return [(chunk_id, (score - low) / spread) for chunk_id, score in ranking]
