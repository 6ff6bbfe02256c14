"""Rerank answers in one shape, whatever the provider sent: Cohere's v2 and Jina's, which
vLLM, llama.cpp's server, Infinity and Together follow too.

Results are sorted best first and cut to ``top_n`` here, since not every server does
(llama.cpp's answers in document order). Documents are attached from the request, not
from the answer: Cohere's v2 returns none and Jina's returns them unless told not to, so
every provider answers ``return_documents`` alike.
"""

from __future__ import annotations

import math
import uuid
from typing import Any

from providers.adapters import errors
from providers.adapters.base import JSON

SCORE_FIELDS = ("relevance_score", "score")
API_VERSION = {"version": "2"}  # the Cohere shape the hub answers in


def rerank_response(raw: Any, *, body: JSON, model: str) -> JSON:
    """The answer to the rerank request ``body``; ``model`` names it when the provider does
    not. A provider answer without usable results is malformed (502, worth a fallback)."""
    if not isinstance(raw, dict):
        raise errors.malformed("the rerank answer is not an object")
    texts = [_text(document) for document in body.get("documents") or []]
    items = raw.get("results", raw.get("data"))
    if not isinstance(items, list):
        raise errors.malformed("no results list in the rerank answer")
    results = sorted(
        (_result(item, len(texts)) for item in items),
        key=lambda result: (-result["relevance_score"], result["index"]),
    )
    top_n = body.get("top_n")
    if isinstance(top_n, int) and top_n > 0:
        results = results[:top_n]
    if body.get("return_documents"):
        for result in results:
            result["document"] = {"text": texts[result["index"]]}
    meta = raw.get("meta")
    response: JSON = {
        "id": raw["id"] if isinstance(raw.get("id"), str) else f"rerank-{uuid.uuid4().hex[:24]}",
        "results": results,
        "model": raw["model"] if isinstance(raw.get("model"), str) else model,
        "meta": {"api_version": API_VERSION, **(meta if isinstance(meta, dict) else {})},
    }
    tokens = rerank_tokens(raw)
    if tokens is not None:
        response["usage"] = {"total_tokens": tokens}
    return response


def rerank_tokens(raw: JSON) -> int | None:
    """The tokens a provider says the call read; None when it counts in search units only
    (Cohere) or not at all."""
    usage = raw.get("usage")
    meta = raw.get("meta")
    billed = meta.get("billed_units") if isinstance(meta, dict) else None
    counted = meta.get("tokens") if isinstance(meta, dict) else None
    for source, name in (
        (usage, "total_tokens"), (usage, "prompt_tokens"), (billed, "total_tokens"),
        (billed, "input_tokens"), (counted, "input_tokens"),
    ):  # fmt: skip
        value = source.get(name) if isinstance(source, dict) else None
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return value
    return None


def _result(item: Any, documents: int) -> JSON:
    index = item.get("index") if isinstance(item, dict) else None
    if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < documents:
        raise errors.malformed(f"a rerank result names no document of the {documents} sent")
    score = next((item[name] for name in SCORE_FIELDS if name in item), None)
    if not isinstance(score, int | float) or isinstance(score, bool) or not math.isfinite(score):
        raise errors.malformed("a rerank result has no relevance_score")
    return {"index": index, "relevance_score": float(score)}


def _text(document: Any) -> str:
    """A document as sent: a string, or an object with its text (validation made sure)."""
    if isinstance(document, dict):
        return str(document.get("text", ""))
    return str(document)
