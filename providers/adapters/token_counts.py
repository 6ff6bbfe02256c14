"""Providers' own token-counting endpoints: the exact count of a prompt, free of charge.

Anthropic's ``POST /v1/messages/count_tokens`` and Gemini's ``models/{m}:countTokens``. An
Anthropic-shaped request is sent to Anthropic as the caller wrote it; a chat request is
expressed in the provider's format when it is plain text (system, user and assistant turns),
and otherwise not counted here (None): the caller estimates instead.
"""

from __future__ import annotations

from typing import Any

import httpx

from providers.adapters import errors
from providers.adapters.base import JSON, Target
from providers.adapters.plain_http import request_json
from providers.adapters.timeouts import timeouts_for
from providers.kinds import ProviderKind

ANTHROPIC_COUNTED_FIELDS = ("messages", "system", "tools", "tool_choice", "thinking")
Turns = tuple[str, list[tuple[str, str]]]  # the system text, then (role, text) turns


async def provider_token_count(
    target: Target, chat_body: JSON, anthropic_body: JSON | None = None
) -> int | None:
    """The provider's count of the prompt; None where it has no count endpoint or the prompt
    is not plain text. UpstreamError when the provider fails."""
    if target.kind == ProviderKind.ANTHROPIC:
        body = anthropic_body
        if body is None and (turns := text_turns(chat_body)) is not None:
            body = _anthropic_body(turns)
        if body is None:
            return None
        counted = {k: body[k] for k in ANTHROPIC_COUNTED_FIELDS if k in body}
        data = await _post(
            target, "/v1/messages/count_tokens", {**counted, "model": target.model},
            {"x-api-key": target.api_key, "anthropic-version": "2023-06-01"},
        )  # fmt: skip
        return _count(data.get("input_tokens"))
    if target.kind == ProviderKind.GEMINI and (turns := text_turns(chat_body)) is not None:
        data = await _post(
            target, f"/v1beta/models/{target.model}:countTokens",
            {"generateContentRequest": {"model": f"models/{target.model}",
                                        **_gemini_body(turns)}},
            {"x-goog-api-key": target.api_key},
        )  # fmt: skip
        return _count(data.get("totalTokens"))
    return None


def text_turns(chat_body: JSON) -> Turns | None:
    """The chat prompt as system text and plain turns; None when it holds anything else
    (tools, tool calls, images)."""
    if chat_body.get("tools"):
        return None
    system: list[str] = []
    turns: list[tuple[str, str]] = []
    for message in chat_body.get("messages") or []:
        text = _plain(message.get("content"))
        role = message.get("role")
        if text is None or message.get("tool_calls") or role not in (
            "system", "developer", "user", "assistant"
        ):  # fmt: skip
            return None
        if role in ("system", "developer"):
            system.append(text)
        else:
            turns.append((role, text))
    return ("\n".join(system), turns) if turns else None


def _plain(content: Any) -> str | None:
    if isinstance(content, str):
        return content
    if isinstance(content, list) and all(
        isinstance(p, dict) and p.get("type") == "text" and isinstance(p.get("text"), str)
        for p in content
    ):
        return "".join(p["text"] for p in content)
    return None


def _anthropic_body(turns: Turns) -> JSON:
    system, messages = turns
    body: JSON = {"messages": [{"role": role, "content": text} for role, text in messages]}
    return {**body, "system": system} if system else body


def _gemini_body(turns: Turns) -> JSON:
    system, messages = turns
    contents = [
        {"role": "model" if role == "assistant" else "user", "parts": [{"text": text}]}
        for role, text in messages
    ]
    body: JSON = {"contents": contents}
    return {**body, "systemInstruction": {"parts": [{"text": system}]}} if system else body


async def _post(target: Target, path: str, body: JSON, headers: dict[str, str]) -> JSON:
    limits = timeouts_for(target)
    timeout = httpx.Timeout(min(limits.total, 30.0), connect=limits.connect)
    url = target.base_url.rstrip("/") + path
    return await request_json(
        "POST", url, headers=headers, timeout=timeout, what="token count", body=body
    )


def _count(tokens: Any) -> int:
    if not isinstance(tokens, int) or isinstance(tokens, bool) or tokens < 0:
        raise errors.malformed("the token count is not a number")
    return tokens
