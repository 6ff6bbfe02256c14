"""Counting a prompt's input tokens for the model a request would be routed to, without
calling it: ``/v1/messages/count_tokens``, ``/v1/responses/input_tokens`` and
``/v1/chat/completions/count_tokens``.

The count comes from, best first: the provider's own endpoint (Anthropic's and Gemini's;
see providers.adapters.token_counts), the model's tokenizer (tiktoken, for OpenAI families), or an
estimate with cl100k_base, marked as one. Counting is free: no budget, limit or usage record.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

from analytics.models import UsageSource
from providers.adapters.base import JSON, UpstreamError
from providers.adapters.token_counts import provider_token_count
from providers.deployments import Deployment
from routing.pipeline.call_log import CallLog
from routing.pipeline.route import route, route_request
from routing.pipeline.tokens import (
    ESTIMATING_ENCODING,
    openai_encoding,
    tokens_in_messages,
    tokens_in_text,
)
from routing.pipeline.workspace_routing import workspace_routing
from workspaces.access import Actor

logger = logging.getLogger(__name__)
TOOL_OVERHEAD = 8  # tokens OpenAI adds around a list of tools, roughly


@dataclass(frozen=True)
class TokenCount:
    input_tokens: int
    method: str  # "provider", "tokenizer" or "estimate"
    tokenizer: str  # the provider's kind ("anthropic", "gemini"), or tiktoken's encoding
    model: str  # the provider/model it was counted for

    def as_json(self) -> JSON:
        return {"input_tokens": self.input_tokens, "method": self.method,
                "tokenizer": self.tokenizer, "model": self.model}  # fmt: skip

    def headers(self) -> dict[str, str]:
        return {"x-hub-token-count": f"{self.method}; tokenizer={self.tokenizer}",
                "x-hub-model": self.model}  # fmt: skip


async def input_tokens_count(
    actor: Actor, chat_body: JSON, *, anthropic_body: JSON | None = None
) -> TokenCount:
    """The prompt's input tokens for the first deployment ``chat_body`` routes to."""
    deployment = await _target(actor, chat_body)
    label = deployment.label
    try:
        tokens = await provider_token_count(deployment.target, chat_body, anthropic_body)
    except UpstreamError as error:
        logger.warning("%s could not count tokens (%s); estimating", label, error.message)
        tokens = None
    if tokens is not None:
        return TokenCount(tokens, "provider", deployment.target.kind, label)
    messages = chat_body.get("messages") or []
    encoding = openai_encoding(deployment.model)
    method = "tokenizer" if encoding else "estimate"
    encoding = encoding or ESTIMATING_ENCODING
    tokens = tokens_in_messages(messages, encoding)
    if chat_body.get("tools"):
        tokens += TOOL_OVERHEAD + tokens_in_text(_tools_text(chat_body["tools"]), encoding)
        method = "estimate"  # how providers frame tools is not published
    return TokenCount(tokens, method, encoding, label)


async def _target(actor: Actor, body: JSON) -> Deployment:
    log = CallLog(source=UsageSource.API, endpoint="count_tokens", actor=actor)
    routing = await workspace_routing(actor.workspace.pk)
    request = route_request(actor, body, task="", budget_state="ok")
    return (await route(log, body, routing, request))[0]


def _tools_text(tools: list[JSON]) -> str:
    return json.dumps(tools, separators=(",", ":"))
