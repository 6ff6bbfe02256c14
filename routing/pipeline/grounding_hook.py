"""The ``hub`` extension of ``/v1/chat/completions``: ``"hub": {"collections": [...],
"top_k": 5}`` grounds any OpenAI-SDK call in the workspace's RAG collections.

RAG sits above routing, so routing cannot import it: RAG registers its grounder here when
its app is ready (``rag.apps``), and the chat endpoint calls it before routing the request.
The answer carries ``"hub": {"sources": [...]}`` (a stream: in a first chunk without choices).
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable

from providers.adapters.base import JSON
from routing.pipeline.errors import ApiError
from workspaces.access import Actor

# (actor, the request's "hub" object, the chat body) -> (the body to send, the "hub" answer)
Grounder = Callable[[Actor, JSON, JSON], Awaitable[tuple[JSON, JSON]]]
FIELD = "hub"
_grounders: list[Grounder] = []


def grounder_register(grounder: Grounder) -> None:
    _grounders[:] = [grounder]


async def request_grounded(actor: Actor, sent: JSON) -> tuple[JSON, JSON | None]:
    """``sent`` without its ``hub`` field, grounded when it had one; the ``hub`` answer."""
    if not isinstance(sent, dict) or FIELD not in sent:
        return sent, None
    options = sent[FIELD]
    body = {key: value for key, value in sent.items() if key != FIELD}
    if not isinstance(options, dict):
        raise ApiError(
            'hub must be an object, like {"collections": ["handbook"], "top_k": 5}.',
            status=400, code="invalid_request_error", param=FIELD,
        )  # fmt: skip
    if not _grounders:
        raise ApiError(
            "This hub cannot ground requests.",
            status=400,
            code="invalid_request_error",
            param=FIELD,
        )
    return await _grounders[0](actor, options, body)


def with_hub_answer(completion: JSON, answer: JSON | None) -> JSON:
    return completion if answer is None else {**completion, FIELD: answer}


async def hub_chunk_first(
    events: AsyncIterator[bytes], answer: JSON | None, model: str
) -> AsyncIterator[bytes]:
    """A stream's events after one chunk without choices that carries the ``hub`` answer
    (the OpenAI SDKs read such chunks as they read the usage chunk)."""
    if answer is not None:
        chunk = {
            "id": "chatcmpl-hub-sources", "object": "chat.completion.chunk",
            "created": int(time.time()), "model": model, "choices": [], FIELD: answer,
        }  # fmt: skip
        yield b"data: " + json.dumps(chunk).encode() + b"\n\n"
    async for event in events:
        yield event
