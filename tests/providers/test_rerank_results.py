"""Rerank answers of every provider shape become one (translation details, in memory; the
whole path runs over HTTP in tests/routing/pipeline/test_rerank.py)."""

from __future__ import annotations

import pytest

from providers.adapters.base import UpstreamError
from providers.adapters.rerank_results import rerank_response, rerank_tokens

BODY = {"query": "q", "documents": ["zero", "one", "two"]}


def test_an_unsorted_answer_in_document_order_is_sorted_and_cut():
    """llama.cpp's server answers in document order, with "score" in some versions."""
    raw = {"results": [{"index": 0, "score": 0.1}, {"index": 1, "score": 0.9},
                       {"index": 2, "relevance_score": 0.5}]}  # fmt: skip
    answer = rerank_response(raw, body={**BODY, "top_n": 2}, model="m")
    assert answer["results"] == [
        {"index": 1, "relevance_score": 0.9},
        {"index": 2, "relevance_score": 0.5},
    ]
    assert answer["model"] == "m" and answer["id"].startswith("rerank-")
    assert "usage" not in answer


def test_documents_come_from_the_request_whatever_the_provider_sent():
    raw = {"results": [{"index": 1, "relevance_score": 1, "document": {"text": "cut"}},
                       {"index": 0, "relevance_score": 0}]}  # fmt: skip
    with_documents = rerank_response(raw, body={**BODY, "return_documents": True}, model="m")
    assert [r["document"]["text"] for r in with_documents["results"]] == ["one", "zero"]
    without = rerank_response(raw, body=BODY, model="m")
    assert all("document" not in r for r in without["results"])


@pytest.mark.parametrize(
    ("raw", "tokens"),
    [
        ({"usage": {"total_tokens": 12}}, 12),  # Jina, vLLM
        ({"usage": {"prompt_tokens": 7, "total_tokens": 7}}, 7),  # llama.cpp
        ({"meta": {"billed_units": {"search_units": 1}}}, None),  # Cohere
        ({"meta": {"billed_units": {"search_units": 1}, "tokens": {"input_tokens": 30}}}, 30),
        ({"usage": {"total_tokens": True}}, None),
        ({}, None),
    ],
)
def test_tokens_are_read_where_each_provider_reports_them(raw, tokens):
    assert rerank_tokens(raw) == tokens


def test_cohere_meta_is_kept():
    raw = {"id": "abc", "results": [], "meta": {"billed_units": {"search_units": 1}}}
    answer = rerank_response(raw, body=BODY, model="m")
    assert answer["id"] == "abc" and answer["results"] == []
    assert answer["meta"] == {"api_version": {"version": "2"}, "billed_units": {"search_units": 1}}


@pytest.mark.parametrize(
    "raw",
    [
        [],
        {"results": "nope"},
        {"results": [{"index": 3, "relevance_score": 0.1}]},
        {"results": [{"index": "0", "relevance_score": 0.1}]},
        {"results": [{"index": 0}]},
        {"results": [{"index": 0, "relevance_score": float("nan")}]},
    ],
)
def test_an_unusable_answer_is_malformed_and_worth_a_fallback(raw):
    with pytest.raises(UpstreamError) as caught:
        rerank_response(raw, body=BODY, model="m")
    assert caught.value.error_class == "malformed_response" and caught.value.retryable
