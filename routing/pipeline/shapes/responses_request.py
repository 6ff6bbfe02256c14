"""A Responses API request (``POST /v1/responses``) as the chat request the pipeline routes.

Input items become chat messages: messages as they are, ``function_call`` items as an
assistant's tool calls, ``function_call_output`` items as tool messages; function tools,
``tool_choice`` and ``text.format`` map onto their chat equivalents. Every field read is
type-checked first, so a malformed body is a 400 naming the field. What the hub cannot do
(tools OpenAI hosts, stored prompts, server-side conversations) is a 400 that says so.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from providers.adapters.base import JSON
from routing.pipeline.errors import invalid
from routing.pipeline.validation import chat_body_validate

PASSED_THROUGH = ("temperature", "top_p", "parallel_tool_calls", "user", "stream")
NOT_SERVED = {
    "conversation": "conversations are not stored by the hub; use previous_response_id",
    "prompt": "stored prompt templates are OpenAI's; send the prompt as input",
    "background": "background responses are not supported; call with stream instead",
}
TEXT_PARTS = ("input_text", "output_text", "text", "summary_text")
MESSAGE_ROLES = {"user": "user", "assistant": "assistant", "system": "system",
                 "developer": "system"}  # fmt: skip


@dataclass(frozen=True)
class ResponsesRequest:
    body: JSON  # as sent: echoed back in the Response object
    instructions: list[JSON]  # the system message, when ``instructions`` is set
    input_items: list[JSON]  # the input as items with ids, as GET …/input_items lists them
    input_messages: list[JSON]  # the same input as chat messages
    parameters: JSON  # model, sampling, tools, response format: the chat body but messages

    @property
    def store(self) -> bool:
        return self.body.get("store") is not False

    @property
    def previous_response_id(self) -> str | None:
        return self.body.get("previous_response_id")

    def chat_body(self, history: list[JSON]) -> JSON:
        """The chat request: instructions, the conversation so far, then this input."""
        messages = [*self.instructions, *history, *self.input_messages]
        return chat_body_validate({**self.parameters, "messages": messages})


def responses_request_parse(body: JSON) -> ResponsesRequest:
    for name, reason in NOT_SERVED.items():
        if body.get(name) not in (None, False):
            raise invalid(f"{name}: {reason}.", param=name)
    items = _input_items(body.get("input"))
    previous = body.get("previous_response_id")
    if previous is not None and not isinstance(previous, str):
        raise invalid("previous_response_id must be a string.", param="previous_response_id")
    if not isinstance(body.get("store", True), bool):
        raise invalid("store must be true or false.", param="store")
    _metadata(body.get("metadata"))
    instructions = body.get("instructions")
    if instructions is not None and not isinstance(instructions, str):
        raise invalid("instructions must be a string.", param="instructions")
    parameters: JSON = {"model": body.get("model")}
    parameters.update({k: body[k] for k in PASSED_THROUGH if body.get(k) is not None})
    if body.get("max_output_tokens") is not None:
        parameters["max_tokens"] = body["max_output_tokens"]
    if body.get("tools"):
        parameters["tools"] = _tools(body["tools"])
    if body.get("tool_choice") is not None:
        parameters["tool_choice"] = _tool_choice(body["tool_choice"])
    parameters.update(_text_format(body.get("text")))
    effort = body.get("reasoning")
    if isinstance(effort, dict) and isinstance(effort.get("effort"), str):
        parameters["reasoning_effort"] = effort["effort"]
    request = ResponsesRequest(
        body=body,
        instructions=[{"role": "system", "content": instructions}] if instructions else [],
        input_items=items,
        input_messages=items_to_messages(items, "input"),
        parameters=parameters,
    )
    request.chat_body([])  # validated now: a bad field is a 400 before any lookup
    return request


def _input_items(value: Any) -> list[JSON]:
    """The input as a list of items with ids (a string is one user message)."""
    if isinstance(value, str):
        return [{"type": "message", "role": "user", "id": new_id("msg_"),
                 "content": [{"type": "input_text", "text": value}]}]  # fmt: skip
    if not isinstance(value, list) or not value:
        raise invalid("input must be a string or a non-empty array of items.", param="input")
    items = []
    for index, item in enumerate(value):
        if not isinstance(item, dict):
            raise invalid("each input item must be an object.", param=f"input[{index}]")
        kind = item.get("type", "message")
        if not isinstance(kind, str):
            raise invalid("type must be a string.", param=f"input[{index}].type")
        prefix = {"message": "msg_", "function_call": "fc_"}.get(kind, "item_")
        given = item.get("id")
        items.append({**item, "type": kind, "id": given if isinstance(given, str) and given
                      else new_id(prefix)})  # fmt: skip
    return items


def items_to_messages(items: list[JSON], where: str) -> list[JSON]:
    """Input or output items as chat messages; consecutive function calls, and the text an
    assistant said before them, become one assistant message with its tool calls."""
    messages: list[JSON] = []
    for index, item in enumerate(items):
        at = f"{where}[{index}]"
        kind = item.get("type")
        if kind == "message":
            messages.append(_message(item, at))
        elif kind == "function_call":
            call = _function_call(item, at)
            last = messages[-1] if messages else None
            if last is not None and last["role"] == "assistant":
                last.setdefault("tool_calls", []).append(call)
            else:
                messages.append({"role": "assistant", "content": None, "tool_calls": [call]})
        elif kind == "function_call_output":
            call_id = _string(item.get("call_id"), f"{at}.call_id")
            output = item.get("output")
            text = output if isinstance(output, str) else _parts_text(output, f"{at}.output")
            messages.append({"role": "tool", "tool_call_id": call_id, "content": text})
        elif kind == "reasoning":
            continue  # a model's own reasoning is not sent back to other models
        else:
            raise invalid(f"input items of type {kind!r} are not supported.", param=f"{at}.type")
    return messages


def _message(item: JSON, at: str) -> JSON:
    role = item.get("role")
    role = MESSAGE_ROLES.get(role) if isinstance(role, str) else None
    if role is None:
        raise invalid("role must be user, assistant, system or developer.", param=f"{at}.role")
    content = item.get("content")
    if isinstance(content, str):
        return {"role": role, "content": content}
    if not isinstance(content, list):
        raise invalid("content must be a string or an array of parts.", param=f"{at}.content")
    if role != "user":
        return {"role": role, "content": _parts_text(content, f"{at}.content")}
    parts: list[JSON] = []
    for index, part in enumerate(content):
        where = f"{at}.content[{index}]"
        if isinstance(part, dict) and part.get("type") == "input_image":
            url = part.get("image_url")
            if not isinstance(url, str):
                raise invalid("give the image as image_url (a URL or data: URL).", param=where)
            image = {"url": url, **({"detail": part["detail"]} if part.get("detail") else {})}
            parts.append({"type": "image_url", "image_url": image})
        else:
            parts.append({"type": "text", "text": _part_text(part, where)})
    return {"role": role, "content": parts}


def _parts_text(parts: Any, where: str) -> str:
    if not isinstance(parts, list):
        raise invalid("must be a string or an array of text parts.", param=where)
    return "".join(_part_text(part, f"{where}[{index}]") for index, part in enumerate(parts))


def _part_text(part: Any, where: str) -> str:
    if not isinstance(part, dict):
        raise invalid("each part must be an object.", param=where)
    if part.get("type") == "refusal":
        return _string(part.get("refusal"), f"{where}.refusal")
    if part.get("type") not in TEXT_PARTS:
        raise invalid(f"parts of type {part.get('type')!r} are not supported here.", param=where)
    return _string(part.get("text"), f"{where}.text")


def _function_call(item: JSON, at: str) -> JSON:
    return {
        "id": _string(item.get("call_id"), f"{at}.call_id"),
        "type": "function",
        "function": {
            "name": _string(item.get("name"), f"{at}.name"),
            "arguments": _string(item.get("arguments", "{}"), f"{at}.arguments"),
        },
    }


def _tools(tools: Any) -> list[JSON]:
    if not isinstance(tools, list):
        raise invalid("tools must be an array.", param="tools")
    converted = []
    for index, tool in enumerate(tools):
        at = f"tools[{index}]"
        if not isinstance(tool, dict):
            raise invalid("each tool must be an object.", param=at)
        if tool.get("type") != "function":
            raise invalid(
                f"tools of type {tool.get('type')!r} are hosted by OpenAI; the hub serves "
                "function tools.", param=f"{at}.type",
            )  # fmt: skip
        function: JSON = {"name": _string(tool.get("name"), f"{at}.name")}
        for name in ("description", "parameters", "strict"):
            if tool.get(name) is not None:
                function[name] = tool[name]
        converted.append({"type": "function", "function": function})
    return converted


def _tool_choice(choice: Any) -> Any:
    if choice in ("auto", "none", "required"):
        return choice
    if isinstance(choice, dict) and choice.get("type") == "function":
        return {"type": "function", "function": {"name": _string(choice.get("name"),
                                                                 "tool_choice.name")}}  # fmt: skip
    raise invalid(
        'tool_choice must be "auto", "none", "required" or {"type": "function", "name": …}.',
        param="tool_choice",
    )


def _text_format(text: Any) -> JSON:
    """``text.format`` as a chat ``response_format``."""
    if text is None:
        return {}
    if not isinstance(text, dict):
        raise invalid("text must be an object.", param="text")
    format_ = text.get("format")
    if format_ is None:
        return {}
    if not isinstance(format_, dict):
        raise invalid("text.format must be an object.", param="text.format")
    kind = format_.get("type")
    if kind == "text":
        return {}
    if kind == "json_object":
        return {"response_format": {"type": "json_object"}}
    if kind == "json_schema":
        schema: JSON = {"name": _string(format_.get("name"), "text.format.name")}
        if not isinstance(format_.get("schema"), dict):
            raise invalid("text.format.schema must be a JSON schema.", param="text.format.schema")
        for name in ("schema", "description", "strict"):
            if format_.get(name) is not None:
                schema[name] = format_[name]
        return {"response_format": {"type": "json_schema", "json_schema": schema}}
    raise invalid(
        'text.format.type must be "text", "json_object" or "json_schema".',
        param="text.format.type",
    )


def _metadata(metadata: Any) -> None:
    if metadata is None:
        return
    if not isinstance(metadata, dict) or len(metadata) > 16:
        raise invalid("metadata must be an object of at most 16 pairs.", param="metadata")
    for key, value in metadata.items():
        if not isinstance(value, str) or len(key) > 64 or len(value) > 512:
            raise invalid(
                "metadata keys are at most 64 characters, values strings of at most 512.",
                param=f"metadata.{key}"[:80],
            )  # fmt: skip


def _string(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise invalid(f"{where} must be a string.", param=where)
    return value


def new_id(prefix: str) -> str:
    return prefix + uuid.uuid4().hex
