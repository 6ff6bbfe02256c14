"""The benchmark's ranking metrics against values worked out by hand."""

import math

import pytest

from rag.benchmark.metrics import ndcg_at, percentile, recall_at, reciprocal_rank


def test_ndcg_of_relevant_items_at_ranks_one_and_three():
    # DCG = 1/log2(2) + 1/log2(4) = 1.5; ideal with two relevant = 1 + 1/log2(3)
    assert ndcg_at(["a", "x", "b", "y"], {"a", "b"}) == pytest.approx(1.5 / (1 + 1 / math.log2(3)))
    assert ndcg_at(["a", "b"], {"a", "b"}) == pytest.approx(1.0)
    assert ndcg_at(["x"] * 10 + ["a"], {"a"}) == 0.0  # past the cut-off


def test_recall_and_reciprocal_rank():
    assert recall_at(["a", "x", "b"], {"a", "b", "c", "d"}) == 0.5
    assert recall_at(["x"], set()) == 0.0
    assert reciprocal_rank(["x", "y", "a"], {"a"}) == pytest.approx(1 / 3)
    assert reciprocal_rank(["x"], {"a"}) == 0.0


def test_nearest_rank_percentiles():
    values = list(range(1, 101))
    assert (
        percentile(values, 0.5) == 50
        and percentile(values, 0.95) == 95
        and percentile([7], 0.95) == 7
    )
