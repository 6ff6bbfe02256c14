"""Providers' own token-counting endpoints: the exact count of a prompt, free of charge.

Anthropic's ``POST /v1/messages/count_tokens`` takes a Messages request as Anthropic reads
it, so the hub sends the caller's own Anthropic-shaped body there, with the upstream model.
"""

from __future__ import annotations

import json

import httpx

from providers.adapters import errors
from providers.adapters.base import JSON, Target
from providers.adapters.timeouts import timeouts_for
from providers.adapters.upstream_http import tls_context

ANTHROPIC_COUNTED_FIELDS = ("messages", "system", "tools", "tool_choice", "thinking")


async def anthropic_token_count(target: Target, body: JSON) -> int:
    """The input tokens Anthropic counts for a Messages body; UpstreamError on failure."""
    limits = timeouts_for(target)
    timeout = httpx.Timeout(min(limits.total, 30.0), connect=limits.connect)
    counted = {k: body[k] for k in ANTHROPIC_COUNTED_FIELDS if k in body}
    headers = {"x-api-key": target.api_key, "anthropic-version": "2023-06-01"}
    url = target.base_url.rstrip("/") + "/v1/messages/count_tokens"
    try:
        async with httpx.AsyncClient(
            timeout=timeout, trust_env=False, verify=tls_context()
        ) as http:
            response = await http.post(
                url, json={**counted, "model": target.model}, headers=headers
            )
    except httpx.TimeoutException:
        raise errors.timed_out("token count") from None
    except httpx.TransportError as error:
        raise errors.unreachable(error) from None
    if response.status_code >= 400:
        raise errors.from_status(response.status_code, response.content)
    try:
        tokens = json.loads(response.content).get("input_tokens")
    except (ValueError, RecursionError, AttributeError) as error:
        raise errors.malformed(str(error)) from None
    if not isinstance(tokens, int) or isinstance(tokens, bool) or tokens < 0:
        raise errors.malformed("the token count is not a number")
    return tokens
