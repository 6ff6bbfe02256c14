"""The HTTP request tool: GET or POST to hosts the agent allows, through the guarded client
(every resolved address checked at connect time, no redirects, no proxies), the answer
bounded in time and size."""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx
from django.conf import settings

from agents.tools.base import JSON, ToolResult, ToolSpec
from providers.guarded_http import body_limited, guarded_client, refused

TIMEOUT_S = 15.0
MAX_RESPONSE_BYTES = 200_000
MAX_BODY_CHARS = 50_000


def host_allowed(host: str, allowed: list[str]) -> bool:
    """``example.com`` allows exactly that host; ``*.example.com`` its subdomains too."""
    host = host.lower().rstrip(".")
    for entry in allowed:
        entry = entry.lower().strip().rstrip(".")
        if entry.startswith("*.") and (host == entry[2:] or host.endswith(entry[1:])):
            return True
        if host == entry:
            return True
    return False


def http_request_tool(allowed_hosts: list[str]) -> ToolSpec:
    async def run(arguments: JSON) -> ToolResult:
        url = str(arguments["url"])
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return ToolResult("Only http and https URLs with a host.", is_error=True)
        if not host_allowed(parts.hostname, allowed_hosts):
            hosts = ", ".join(allowed_hosts)
            return ToolResult(f"{parts.hostname} is not an allowed host ({hosts}).", is_error=True)
        method = str(arguments.get("method") or "GET")
        body = arguments.get("body")
        client = guarded_client(allow_internal=settings.HUB_TOOLS_ALLOW_PRIVATE, timeout=TIMEOUT_S)
        try:
            async with client, client.stream(method, url, content=body) as response:
                data = await body_limited(response, MAX_RESPONSE_BYTES)
        except httpx.ConnectError as error:
            if refused(error):
                return ToolResult(f"{parts.hostname} is a private address.", is_error=True)
            return ToolResult(f"{parts.hostname} could not be reached.", is_error=True)
        except httpx.HTTPError as error:
            return ToolResult(f"The request failed: {type(error).__name__}.", is_error=True)
        except ValueError as error:
            return ToolResult(str(error), is_error=True)
        text = data.decode(response.encoding or "utf-8", errors="replace")
        kind = response.headers.get("content-type", "")
        return ToolResult(f"HTTP {response.status_code} {kind}\n\n{text}",
                          is_error=response.status_code >= 400)  # fmt: skip

    return ToolSpec(
        name="http_request",
        description="Fetch a URL (GET) or send text to it (POST). Allowed hosts: "
        + ", ".join(allowed_hosts),
        parameters={
            "type": "object",
            "properties": {
                "url": {"type": "string", "maxLength": 2000},
                "method": {"type": "string", "enum": ["GET", "POST"]},
                "body": {"type": "string", "maxLength": MAX_BODY_CHARS},
            },
            "required": ["url"],
            "additionalProperties": False,
        },
        run=run,
    )
