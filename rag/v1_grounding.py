"""The grounder behind ``/v1/chat/completions``' ``hub`` extension (registered with
``routing.pipeline.grounding_hook`` when the app is ready)."""

from __future__ import annotations

from typing import Any

from asgiref.sync import sync_to_async
from django.core.exceptions import ValidationError

from rag.embedding import EmbeddingFailed
from rag.grounding import ground
from rag.selectors import collections_named
from routing.pipeline.errors import ApiError
from workspaces.access import Actor

MAX_COLLECTIONS = 10
MAX_TOP_K = 20


def _invalid(message: str, param: str) -> ApiError:
    return ApiError(message, status=400, code="invalid_request_error", param=f"hub.{param}")


def _options(options: dict[str, Any]) -> tuple[list[str], int]:
    names = options.get("collections")
    if isinstance(names, str):
        names = [names]
    if not isinstance(names, list) or not names or len(names) > MAX_COLLECTIONS:
        raise _invalid(
            f"collections: 1 to {MAX_COLLECTIONS} collection names or ids.", "collections"
        )
    if not all(isinstance(n, str | int) and not isinstance(n, bool) for n in names):
        raise _invalid("collections: names (strings) or ids.", "collections")
    top_k = options.get("top_k", 5)
    if isinstance(top_k, bool) or not isinstance(top_k, int) or not 1 <= top_k <= MAX_TOP_K:
        raise _invalid(f"top_k: a whole number from 1 to {MAX_TOP_K}.", "top_k")
    unknown = set(options) - {"collections", "top_k"}
    if unknown:
        raise _invalid(f"Unknown field {sorted(unknown)[0]}.", sorted(unknown)[0])
    return [str(n) for n in names], top_k


def _grounded(actor: Actor, options: dict[str, Any], body: dict[str, Any]) -> tuple[dict, dict]:
    names, top_k = _options(options)
    collections = collections_named(workspace=actor.workspace, names=names)
    found = {c.name for c in collections} | {str(c.pk) for c in collections}
    missing = [n for n in names if n not in found]
    if missing:  # another workspace's collection is as unknown as one that does not exist
        raise ApiError(
            f"This workspace has no collection {missing[0]!r}.",
            status=404, code="collection_not_found", param="hub.collections",
        )  # fmt: skip
    messages = body.get("messages")
    if not isinstance(messages, list) or not all(isinstance(m, dict) for m in messages):
        return body, {"sources": []}  # the chat body's own checks answer this one
    max_tokens = body.get("max_completion_tokens") or body.get("max_tokens")
    try:
        grounding = ground(
            actor=actor,
            collections=collections,
            messages=messages,
            models=[str(body.get("model") or "")],
            top_k=top_k,
            max_tokens=max_tokens if isinstance(max_tokens, int) else None,
        )
    except EmbeddingFailed as error:
        raise ApiError(
            f"Searching the collections failed: {error}",
            status=error.status,
            code="grounding_failed",
        ) from error
    except ValidationError as error:
        raise _invalid(error.messages[0], "collections") from error
    answer = {"collections": [c.name for c in collections], "sources": grounding.sources}
    return {**body, "messages": grounding.messages}, answer


async def v1_grounder(
    actor: Actor, options: dict[str, Any], body: dict[str, Any]
) -> tuple[dict, dict]:
    return await sync_to_async(_grounded)(actor, options, body)
