"""Grounding a chat request in collections: retrieve for its last question, fit the chunks
into what the model's context window leaves, and put them before the question as numbered
sources the answer cites as [1], [2].

The one service behind grounded chat, the playground (retrieved once for every slot), prompt
versions that name collections, and ``/v1/chat/completions``' ``hub`` extension. The stored
messages are never changed: only the request sent to the model carries the sources.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse

from rag.models import Collection
from rag.retrieval import RetrievedChunk, retrieve
from routing.pipeline.tokens import tokens_in_text
from routing.selectors import model_list
from workspaces.access import Actor

DEFAULT_TOP_K = 5
DEFAULT_WINDOW = 8192  # a model whose window the catalog does not know
ANSWER_RESERVE = 1024  # tokens left for the answer, when the request sets no max_tokens
MAX_SOURCE_TOKENS = 6000  # more context rarely helps and always costs
INSTRUCTIONS = (
    "Answer from the numbered sources below when they hold the answer, and cite each claim "
    "with the number of its source in brackets, like [1] or [2][3]. If the sources do not "
    "hold the answer, say so, and answer from what you know without citations."
)

Message = dict[str, Any]


@dataclass
class Grounding:
    """The request's messages with the sources in, and the sources as citations (numbered
    from 1, in the order given to the model)."""

    messages: list[Message]
    sources: list[dict[str, Any]] = field(default_factory=list)
    budget_tokens: int = 0


def ground(
    *,
    actor: Actor,
    collections: list[Collection],
    messages: list[Message],
    models: list[str],
    top_k: int = DEFAULT_TOP_K,
    max_tokens: int | None = None,
    query: str | None = None,
) -> Grounding:
    """``messages`` grounded for every model of ``models`` (the playground's slots: the
    budget fits the smallest window); unchanged (no sources) when there is no question or no
    collection. Only collections of the actor's workspace are searched."""
    question_at = _last_user_message(messages)
    question = (
        query
        if query is not None
        else _text(messages[question_at])
        if question_at is not None
        else ""
    )
    if not collections or question_at is None or not question.strip():
        return Grounding(messages=messages)
    budget = min(
        context_budget(actor=actor, model=model, messages=messages, max_tokens=max_tokens)
        for model in models or [""]
    )
    found = retrieve(actor=actor, collections=collections, query=question[:2000], top_k=top_k)
    sources: list[dict[str, Any]] = []
    blocks: list[str] = []
    used = 0
    for item in found:
        block = _block(len(sources) + 1, item)
        cost = tokens_in_text(block)
        if used + cost > budget:
            break
        blocks.append(block)
        sources.append(citation(actor, item, number=len(sources) + 1))
        used += cost
    if not sources:
        return Grounding(messages=messages, budget_tokens=budget)
    grounded = copy.deepcopy(messages)
    preamble = f"{INSTRUCTIONS}\n\nSources:\n\n" + "\n\n".join(blocks) + "\n\nQuestion: "
    content = grounded[question_at].get("content")
    if isinstance(content, list):  # keep images and other parts where they were
        grounded[question_at]["content"] = [{"type": "text", "text": preamble}, *content]
    else:
        grounded[question_at]["content"] = preamble + (content or "")
    return Grounding(messages=grounded, sources=sources, budget_tokens=budget)


def context_budget(
    *, actor: Actor, model: str, messages: list[Message], max_tokens: int | None
) -> int:
    """Tokens the sources may take: the model's window less the conversation and the answer."""
    window = context_window_of(actor=actor, model=model) or DEFAULT_WINDOW
    used = sum(tokens_in_text(_text(message)) for message in messages)
    left = window - used - (max_tokens or ANSWER_RESERVE)
    return max(0, min(left, MAX_SOURCE_TOKENS))


def context_window_of(*, actor: Actor, model: str) -> int | None:
    """A model's window, or an alias's smallest candidate's (a fallback may answer)."""
    entries = {entry["id"]: entry for entry in model_list(actor=actor)}
    entry = entries.get(model)
    if entry is None:
        return None
    if entry.get("owned_by") != "alias":
        return entry.get("context_window")
    windows = [
        entries[c].get("context_window") for c in entry.get("candidates", []) if c in entries
    ]
    known = [w for w in windows if w]
    return min(known) if known else None


def citation(actor: Actor, item: RetrievedChunk, *, number: int) -> dict[str, Any]:
    chunk, scores = item.chunk, item.scores
    url = reverse(
        "document-detail", args=[actor.workspace.slug, chunk.collection_id, chunk.document_id]
    )
    return {
        "number": number,
        **item.citation,
        "url": f"{url}?chunk={chunk.pk}#chunk-{chunk.pk}",
        "excerpt": chunk.text[:300],
        "score": scores.score,
        "dense_rank": scores.dense_rank,
        "keyword_rank": scores.keyword_rank,
        "rerank_score": scores.rerank_score,
    }


def _block(number: int, item: RetrievedChunk) -> str:
    chunk = item.chunk
    where = " / ".join(chunk.heading_path)
    page = f", page {chunk.page}" if chunk.page else ""
    label = f"{chunk.document.name}{page}" + (f" — {where}" if where else "")
    return f"[{number}] {label}\n{chunk.text}"


def _last_user_message(messages: list[Message]) -> int | None:
    for index in range(len(messages) - 1, -1, -1):
        if messages[index].get("role") == "user":
            return index
    return None


def _text(message: Message) -> str:
    """A message's text; for a list of parts, its text parts (images are not searched)."""
    content = message.get("content")
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(
            part.get("text", "")
            for part in content
            if isinstance(part, dict) and part.get("type") == "text"
        )
    return ""
