"""Custom tools: each call POSTed to the workspace's webhook, signed so the receiver can
tell it came from the hub and is fresh.

The body is ``{"tool", "arguments", "call_id", "run_id"}``. ``X-Hub-Timestamp`` is the Unix
time, ``X-Hub-Signature`` is ``sha256=`` and the hex HMAC-SHA256 of ``<timestamp>.<body>``
under the tool's secret. The answer is the result: a JSON ``{"content": "..."}``, any other
JSON (passed on as JSON) or text; a non-2xx status is an error result. Calls go through the
guarded client (no private addresses, no redirects) within the tool's time and size limits.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid

import httpx
from django.conf import settings

from agents.models import CustomTool
from agents.tools.base import JSON, ToolResult, ToolSpec
from providers.guarded_http import body_limited, guarded_client, refused
from providers.secrets import decrypt_secret

ERROR_BODY_CHARS = 500


def signature(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def webhook_tool(tool: CustomTool, *, run_id: int) -> ToolSpec:
    secret = decrypt_secret(tool.secret_encrypted)
    url, limit = tool.url, tool.max_response_bytes

    async def run(arguments: JSON) -> ToolResult:
        body = json.dumps({"tool": tool.name, "arguments": arguments,
                           "call_id": uuid.uuid4().hex, "run_id": run_id}).encode()  # fmt: skip
        timestamp = str(int(time.time()))
        headers = {"Content-Type": "application/json", "X-Hub-Timestamp": timestamp,
                   "X-Hub-Signature": signature(secret, timestamp, body)}  # fmt: skip
        client = guarded_client(allow_internal=settings.HUB_TOOLS_ALLOW_PRIVATE,
                                timeout=tool.timeout_s)  # fmt: skip
        try:
            async with client, client.stream("POST", url, content=body, headers=headers) as answer:
                data = await body_limited(answer, limit)
        except httpx.ConnectError as error:
            why = "is private; the hub will not call it" if refused(error) else "cannot be reached"
            return ToolResult(f"The tool's address {why}.", is_error=True)
        except httpx.TimeoutException:
            return ToolResult(f"The tool did not answer within {tool.timeout_s:g} s.",
                              is_error=True)  # fmt: skip
        except httpx.HTTPError as error:
            return ToolResult(f"The tool could not be reached: {type(error).__name__}.",
                              is_error=True)  # fmt: skip
        except ValueError:
            return ToolResult(f"The tool's answer is larger than {limit} bytes.", is_error=True)
        text = data.decode("utf-8", errors="replace")
        if not 200 <= answer.status_code < 300:
            return ToolResult(f"HTTP {answer.status_code}: {text[:ERROR_BODY_CHARS]}",
                              is_error=True)  # fmt: skip
        return ToolResult(_content(text, answer.headers.get("content-type", "")))

    return ToolSpec(name=tool.name, description=tool.description, parameters=tool.parameters,
                    run=run, timeout_s=tool.timeout_s + 1)  # fmt: skip


def _content(text: str, kind: str) -> str:
    if "json" not in kind:
        return text
    try:
        value = json.loads(text)
    except ValueError:
        return text
    if isinstance(value, dict) and isinstance(value.get("content"), str):
        return str(value["content"])
    return json.dumps(value, ensure_ascii=False)
