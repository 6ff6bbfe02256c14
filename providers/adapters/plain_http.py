"""One JSON request to a provider off the chat fast path (model lists, token counts):
httpx with the hub's trust store (upstream_http.tls_context), failures as UpstreamError."""

from __future__ import annotations

import json
from typing import Any

import httpx

from providers.adapters import errors
from providers.adapters.base import JSON
from providers.adapters.upstream_http import tls_context


async def request_json(
    method: str,
    url: str,
    *,
    headers: dict[str, str],
    timeout: httpx.Timeout,
    what: str,
    body: JSON | None = None,
) -> dict[str, Any]:
    """The answer's JSON object ({} when it is JSON but no object); ``what`` names the call
    in a timeout's message."""
    try:
        async with httpx.AsyncClient(
            timeout=timeout, trust_env=False, verify=tls_context()
        ) as http:
            response = await http.request(method, url, headers=headers, json=body)
    except httpx.TimeoutException:
        raise errors.timed_out(what) from None
    except httpx.TransportError as error:
        raise errors.unreachable(error) from None
    if response.status_code >= 400:
        raise errors.from_status(response.status_code, response.content)
    try:
        data = json.loads(response.content)
    except (ValueError, RecursionError) as error:
        raise errors.malformed(str(error)) from None
    return data if isinstance(data, dict) else {}
