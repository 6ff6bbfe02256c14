"""Agents as models: ``"model": "agent:<name>"`` on ``/v1/chat/completions`` runs the
workspace's agent of that name and answers its result as a chat completion (streamed when
asked), so any OpenAI SDK can call an agent.

Agents sit above routing, so routing cannot import them: the agents app registers its
answerer here when it is ready (``agents.apps``), as RAG registers its grounder.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from django.http import HttpResponseBase

from providers.adapters.base import JSON
from routing.pipeline.errors import ApiError
from workspaces.access import Actor

PREFIX = "agent:"
# (actor, the request body) -> the response
AgentAnswerer = Callable[[Actor, JSON], Awaitable[HttpResponseBase]]
_answerers: list[AgentAnswerer] = []


def agent_answerer_register(answerer: AgentAnswerer) -> None:
    _answerers[:] = [answerer]


def names_an_agent(sent: object) -> bool:
    model = sent.get("model") if isinstance(sent, dict) else None
    return isinstance(model, str) and model.startswith(PREFIX)


async def agent_answer(actor: Actor, sent: JSON) -> HttpResponseBase:
    if not _answerers:
        raise ApiError("This hub runs no agents.", status=404, code="model_not_found",
                       param="model")  # fmt: skip
    return await _answerers[0](actor, sent)
