"""Chat and playground answers grounded in RAG collections: which collections a request
names (the actor's workspace's only), and the request body with the sources in, retrieved
through ``rag.grounding`` after the rows are written (searching may call an embedding model,
which must not hold a database transaction open)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from hub.workbench import services
from hub.workbench.models import GenerationStatus, Message, PlaygroundRun
from rag.embedding import EmbeddingFailed
from rag.grounding import Grounding, ground
from rag.models import Collection
from rag.selectors import collection_list
from workspaces.access import Actor

MAX_COLLECTIONS = 10


def collections_clean(*, actor: Actor, raw: Any) -> list[Collection]:
    """The collections named by id; ValidationError for anything else or another's."""
    if raw in (None, ""):
        return []
    if not isinstance(raw, list) or len(raw) > MAX_COLLECTIONS:
        raise ValidationError(f"Collections must be a list of at most {MAX_COLLECTIONS} ids.")
    if not all(isinstance(i, int) and not isinstance(i, bool) for i in raw):
        raise ValidationError("Collections must be a list of ids.")
    found = list(collection_list(workspace=actor.workspace).filter(pk__in=raw))
    if len(found) != len(set(raw)):
        raise ValidationError("A collection named is not in this workspace.")
    return found


def body_grounded(
    *, actor: Actor, collections: list[Collection], body: dict[str, Any]
) -> Grounding:
    """The body's messages grounded for its model; EmbeddingFailed when the search fails."""
    return ground(
        actor=actor,
        collections=collections,
        messages=body["messages"],
        models=[body["model"]],
        max_tokens=body.get("max_tokens"),
    )


def run_grounded(
    *, actor: Actor, run: PlaygroundRun, collections: list[Collection]
) -> list[dict[str, Any]]:
    """The run's messages, grounded once for all its slots (the budget fits the smallest
    window among their models); the sources saved on the run. A failed search deletes the
    run (the prompt is still on the page) and says why."""
    messages = services.playground_messages(run)
    if not collections:
        return messages
    slots = list(run.slots.all())
    try:
        grounding = ground(
            actor=actor,
            collections=collections,
            messages=messages,
            models=[slot.model for slot in slots],
            max_tokens=max((slot.params.get("max_tokens") or 0 for slot in slots), default=0)
            or None,
        )
    except (EmbeddingFailed, ValidationError) as error:
        run.delete()
        reason = error.messages[0] if isinstance(error, ValidationError) else str(error)
        raise ValidationError(f"Searching the collections failed: {reason}") from error
    run.collections.set(collections)
    run.sources = grounding.sources
    run.save(update_fields=["sources"])
    return grounding.messages


def answer_grounded(
    *, actor: Actor, answer: Message, collections: list[Collection], body: dict[str, Any]
) -> dict[str, Any] | None:
    """The body to send for ``answer`` with its sources saved on it; None, with the answer
    marked failed and the reason saved, when the collections could not be searched."""
    if not collections:
        return body
    try:
        grounding = body_grounded(actor=actor, collections=collections, body=body)
    except (EmbeddingFailed, ValidationError) as error:
        reason = error.messages[0] if isinstance(error, ValidationError) else str(error)
        answer.status, answer.error = (
            GenerationStatus.ERROR,
            f"Searching the collections failed: {reason}",
        )
        answer.heartbeat_at = None
        answer.save(update_fields=["status", "error", "heartbeat_at"])
        return None
    answer.sources = grounding.sources
    answer.save(update_fields=["sources"])
    return {**body, "messages": grounding.messages}
