"""Rerank wire formats: Jina's /v1/rerank (which vLLM and llama.cpp's server follow) and
Cohere's /v2/rerank. Scores are word overlap (content.relevance), so tests can predict
the order; tokens are the query's words once per document plus the document's."""

from __future__ import annotations

import uuid

from providers.simulator import content, openai_wire
from providers.simulator.content import JSON

error = openai_wire.error  # the faults' error bodies; Cohere's clients read its message


def rerank(body: JSON, model: str, *, cohere: bool) -> JSON:
    """Results best first, cut to ``top_n``; Jina's shape carries usage and (by default)
    the documents, Cohere's v2 search units and never the documents."""
    query, texts = _request(body)
    scored = sorted(
        ((index, content.relevance(query, text)) for index, text in enumerate(texts)),
        key=lambda pair: (-pair[1], pair[0]),
    )
    top_n = body.get("top_n")
    if isinstance(top_n, int) and top_n > 0:
        scored = scored[:top_n]
    results: list[JSON] = [{"index": index, "relevance_score": score} for index, score in scored]
    if cohere:
        return {
            "id": str(uuid.uuid4()),
            "results": results,
            "meta": {"api_version": {"version": "2"}, "billed_units": {"search_units": 1}},
        }
    if body.get("return_documents", True):
        for result in results:
            result["document"] = {"text": texts[result["index"]]}
    tokens = sum(content.count_tokens(query) + content.count_tokens(text) for text in texts)
    return {"model": model, "usage": {"total_tokens": tokens}, "results": results}


def _request(body: JSON) -> tuple[str, list[str]]:
    query, documents = body.get("query"), body.get("documents")
    if not isinstance(query, str) or not query:
        raise ValueError("query must be a non-empty string")
    if not isinstance(documents, list) or not documents:
        raise ValueError("documents must be a non-empty array")
    texts = [d.get("text") if isinstance(d, dict) else d for d in documents]
    if not all(isinstance(text, str) for text in texts):
        raise ValueError("documents must be strings or objects with a text")
    return query, [str(text) for text in texts]
