"""Agents as models: ``"model": "agent:<name>"`` on ``/v1/chat/completions`` runs the
workspace's agent of that name and answers its result as a chat completion (streamed when
asked), so any OpenAI SDK can call an agent; the chat and the playground stream it through
``chat_stream`` like any model.

Agents sit above routing, so routing cannot import them: the agents app registers its
answerer here when it is ready (``agents.apps``), as RAG registers its grounder.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

from django.http import HttpResponseBase

from providers.adapters.base import JSON
from routing.pipeline.call_log import CallLog
from routing.pipeline.errors import ApiError
from workspaces.access import Actor

PREFIX = "agent:"
# (actor, the request body) -> the response
AgentAnswerer = Callable[[Actor, JSON], Awaitable[HttpResponseBase]]
# (actor, the request body, on_log) -> chat.completion.chunk dicts, for the chat and playground
AgentChunks = Callable[[Actor, JSON, Callable[[CallLog], None] | None], AsyncIterator[JSON]]
_answerers: list[AgentAnswerer] = []
_chunkers: list[AgentChunks] = []


def agent_answerer_register(answerer: AgentAnswerer, chunks: AgentChunks) -> None:
    _answerers[:] = [answerer]
    _chunkers[:] = [chunks]


def names_an_agent(sent: object) -> bool:
    model = sent.get("model") if isinstance(sent, dict) else None
    return isinstance(model, str) and model.startswith(PREFIX)


async def agent_answer(actor: Actor, sent: JSON) -> HttpResponseBase:
    if not _answerers:
        raise ApiError("This hub runs no agents.", status=404, code="model_not_found",
                       param="model")  # fmt: skip
    return await _answerers[0](actor, sent)


def agent_chunks(
    actor: Actor, body: JSON, on_log: Callable[[CallLog], None] | None
) -> AsyncIterator[JSON]:
    if not _chunkers:
        raise ApiError("This hub runs no agents.", status=404, code="model_not_found",
                       param="model")  # fmt: skip
    return _chunkers[0](actor, body, on_log)
