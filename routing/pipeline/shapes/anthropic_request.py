"""An Anthropic Messages request as the OpenAI chat request the pipeline routes. Every field
the translation reads is type-checked first, so a malformed body is a 400 naming the field,
never an exception of the translation itself."""

from __future__ import annotations

import json
from typing import Any

from providers.adapters.base import JSON
from routing.pipeline.errors import invalid
from routing.pipeline.validation import chat_body_validate

PASSED_THROUGH = ("temperature", "top_p", "top_k", "stream")
IMAGE_SOURCES = ("base64", "url")


def anthropic_request_to_openai(body: JSON) -> JSON:
    if not isinstance(body.get("max_tokens"), int) or isinstance(body["max_tokens"], bool):
        raise invalid("max_tokens is required and must be an integer.", param="max_tokens")
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise invalid("messages must be a non-empty array.", param="messages")
    converted = _system(body.get("system"))
    for index, message in enumerate(messages):
        converted.extend(_message(message, f"messages[{index}]"))
    chat: JSON = {"model": body.get("model"), "messages": converted}
    chat["max_tokens"] = body["max_tokens"]
    chat.update({k: body[k] for k in PASSED_THROUGH if k in body})
    if "stop_sequences" in body:
        chat["stop"] = body["stop_sequences"]
    if body.get("tools"):
        chat["tools"] = _tools(body["tools"])
    if body.get("tool_choice") is not None:
        chat.update(_tool_choice(body["tool_choice"]))
    return chat_body_validate(chat)


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise invalid(f"{where} must be a string.", param=where)
    return value


def _text_blocks(blocks: list[Any], where: str) -> str:
    """The text of a list of text blocks (a system prompt, a tool result)."""
    texts = []
    for index, block in enumerate(blocks):
        if not isinstance(block, dict) or block.get("type", "text") != "text":
            raise invalid("only text blocks are allowed here.", param=f"{where}[{index}]")
        texts.append(_text(block.get("text", ""), f"{where}[{index}].text"))
    return "\n".join(texts)


def _system(system: Any) -> list[JSON]:
    if system is None:
        return []
    if isinstance(system, str):
        return [{"role": "system", "content": system}]
    if isinstance(system, list):
        return [{"role": "system", "content": _text_blocks(system, "system")}]
    raise invalid("system must be a string or an array of text blocks.", param="system")


def _message(message: Any, where: str) -> list[JSON]:
    """One Anthropic message as OpenAI messages: tool results become separate tool messages."""
    if not isinstance(message, dict) or message.get("role") not in ("user", "assistant"):
        raise invalid(f"{where}.role must be 'user' or 'assistant'.", param=f"{where}.role")
    role, content = message["role"], message.get("content")
    if isinstance(content, str):
        return [{"role": role, "content": content}]
    if not isinstance(content, list):
        raise invalid(f"{where}.content must be a string or an array.", param=f"{where}.content")
    parts: list[JSON] = []
    tool_calls: list[JSON] = []
    results: list[JSON] = []
    for index, block in enumerate(content):
        at = f"{where}.content[{index}]"
        kind = block.get("type") if isinstance(block, dict) else None
        if kind == "text":
            parts.append({"type": "text", "text": _text(block.get("text", ""), f"{at}.text")})
        elif kind == "image":
            parts.append({"type": "image_url", "image_url": {"url": _image_url(block, at)}})
        elif kind == "tool_use":
            tool_calls.append(_tool_use(block, at))
        elif kind == "tool_result":
            results.append(_tool_result(block, at))
        else:
            raise invalid("unsupported content block.", param=at)
    converted: list[JSON] = list(results)
    if parts or tool_calls:
        text_only = all(p["type"] == "text" for p in parts)
        body: JSON = {
            "role": role,
            "content": "".join(p["text"] for p in parts) if text_only else parts,
        }
        if tool_calls:
            body["tool_calls"] = tool_calls
            body["content"] = body["content"] or None
        converted.append(body)
    return converted


def _image_url(block: JSON, where: str) -> str:
    source = block.get("source")
    if not isinstance(source, dict) or source.get("type") not in IMAGE_SOURCES:
        raise invalid("an image needs a base64 or url source.", param=f"{where}.source")
    if source["type"] == "url":
        return _text(source.get("url"), f"{where}.source.url")
    media_type = _text(source.get("media_type", "image/png"), f"{where}.source.media_type")
    return f"data:{media_type};base64,{_text(source.get('data'), f'{where}.source.data')}"


def _tool_use(block: JSON, where: str) -> JSON:
    arguments = block.get("input", {})
    if not isinstance(arguments, dict):
        raise invalid("a tool_use input must be an object.", param=f"{where}.input")
    return {
        "id": _text(block.get("id"), f"{where}.id"),
        "type": "function",
        "function": {"name": _text(block.get("name"), f"{where}.name"), "arguments": json.dumps(arguments)},
    }  # fmt: skip


def _tool_result(block: JSON, where: str) -> JSON:
    content = block.get("content")
    if isinstance(content, list):
        text = _text_blocks(content, f"{where}.content")
    elif content is None or isinstance(content, str):
        text = content or ""
    else:
        raise invalid(
            "a tool_result content must be a string or text blocks.", param=f"{where}.content"
        )
    return {"role": "tool", "tool_call_id": _text(block.get("tool_use_id"), f"{where}.tool_use_id"), "content": text}  # fmt: skip


def _tools(tools: Any) -> list[JSON]:
    if not isinstance(tools, list):
        raise invalid("tools must be an array.", param="tools")
    converted = []
    for index, tool in enumerate(tools):
        where = f"tools[{index}]"
        if not isinstance(tool, dict) or not isinstance(tool.get("name"), str):
            raise invalid("each tool needs a name.", param=f"{where}.name")
        function: JSON = {"name": tool["name"], "parameters": tool.get("input_schema") or {}}
        if tool.get("description") is not None:
            function["description"] = _text(tool["description"], f"{where}.description")
        converted.append({"type": "function", "function": function})
    return converted


def _tool_choice(choice: Any) -> JSON:
    if not isinstance(choice, dict):
        raise invalid("tool_choice must be an object.", param="tool_choice")
    kind = choice.get("type")
    extra: JSON = {}
    if choice.get("disable_parallel_tool_use"):
        extra["parallel_tool_calls"] = False
    choices: dict[Any, JSON] = {"auto": {"tool_choice": "auto", **extra},
                                "any": {"tool_choice": "required", **extra},
                                "none": {"tool_choice": "none"}}  # fmt: skip
    if isinstance(kind, str) and kind in choices:
        return choices[kind]
    if kind == "tool" and isinstance(choice.get("name"), str):
        return {"tool_choice": {"type": "function", "function": {"name": choice["name"]}}, **extra}
    raise invalid("tool_choice.type must be auto, any, tool or none.", param="tool_choice.type")
