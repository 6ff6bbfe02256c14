"""Request validation: every bad body becomes a 400 naming the offending field, never a 500.

Checks cover the fields the hub itself relies on or that providers reject obscurely; any
other field passes through to the provider untouched.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from providers.adapters.base import JSON
from routing.pipeline.errors import ApiError, invalid

MAX_BODY_BYTES: int = getattr(settings, "HUB_MAX_REQUEST_BYTES", 10 * 1024 * 1024)
MAX_RERANK_DOCUMENTS = 1000
ROLES = {"system", "developer", "user", "assistant", "tool", "function"}

# The one table of sampling parameters the hub checks, for /v1 and the workbench alike:
# name -> (int or float, lowest, highest); None leaves that side open.
PARAMETER_RANGES: dict[str, tuple[type, float | None, float | None]] = {
    "temperature": (float, 0, 2),
    "top_p": (float, 0, 1),
    "presence_penalty": (float, -2, 2),
    "frequency_penalty": (float, -2, 2),
    "max_tokens": (int, 1, None),
    "max_completion_tokens": (int, 1, None),
    "n": (int, 1, 128),
    "seed": (int, None, None),
}


def parameter_problem(name: str, value: Any) -> str | None:
    """What is wrong with ``value`` for the sampling parameter ``name``; None if nothing."""
    kind, low, high = PARAMETER_RANGES[name]
    if isinstance(value, bool) or not isinstance(value, int if kind is int else int | float):
        return f"{name} must be {'an integer' if kind is int else 'a number'}."
    if (low is not None and value < low) or (high is not None and value > high):
        if low is not None and high is not None:
            return f"{name} must be between {low:g} and {high:g}."
        return (
            f"{name} must be at least {low:g}."
            if low is not None
            else f"{name} must be at most {high:g}."
        )
    return None


def body_json(request: HttpRequest) -> JSON:
    """The request body as a JSON object; 413 over the size limit, 400 when not a JSON object."""
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise _too_large()
    raw = request.body if hasattr(request, "_body") else request.read(MAX_BODY_BYTES + 1)
    if len(raw) > MAX_BODY_BYTES:
        raise _too_large()
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise invalid("The request body is not valid JSON.", code="invalid_json") from None
    except RecursionError:
        raise invalid("The request body is nested too deeply.", code="invalid_json") from None
    if not isinstance(body, dict):
        raise invalid("The request body must be a JSON object.", code="invalid_json")
    return body


def _too_large() -> ApiError:
    return ApiError(
        f"The request body is larger than {MAX_BODY_BYTES} bytes.",
        status=413,
        code="request_too_large",
    )


def chat_body_validate(body: JSON) -> JSON:
    """An OpenAI chat.completions request the pipeline can route."""
    _model(body)
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise invalid("messages must be a non-empty array.", param="messages")
    for index, message in enumerate(messages):
        _message(message, f"messages[{index}]")
    _optional(body, "stream", bool)
    for name in PARAMETER_RANGES:
        if body.get(name) is not None and (problem := parameter_problem(name, body[name])):
            raise invalid(problem, param=name)
    _stop(body)
    _tools(body)
    _tool_choice(body)
    _optional(body, "parallel_tool_calls", bool)
    _response_format(body)
    options = _optional(body, "stream_options", dict)
    if options is not None:
        _optional(options, "include_usage", bool, prefix="stream_options.")
    return body


def embeddings_body_validate(body: JSON) -> JSON:
    _model(body)
    value = body.get("input")
    ok = (isinstance(value, str) and value) or (
        isinstance(value, list)
        and value
        and (
            all(isinstance(v, str) for v in value)
            or all(_is_int(v) for v in value)
            or all(isinstance(v, list) and all(_is_int(t) for t in v) for v in value)
        )
    )
    if not ok:
        raise invalid(
            "input must be a non-empty string, array of strings or array of token arrays.",
            param="input",
        )
    dimensions = body.get("dimensions")
    if dimensions is not None and (not _is_int(dimensions) or dimensions < 1):
        raise invalid("dimensions must be a positive integer.", param="dimensions")
    if "encoding_format" in body and body["encoding_format"] not in ("float", "base64"):
        raise invalid("encoding_format must be 'float' or 'base64'.", param="encoding_format")
    return body


def rerank_body_validate(body: JSON) -> JSON:
    """A rerank request in Cohere's or Jina's shape, its documents as plain strings (what
    every reranker takes); other fields pass through, as for embeddings."""
    _model(body)
    query = body.get("query")
    if not isinstance(query, str) or not query.strip():
        raise invalid("query must be a non-empty string.", param="query")
    documents = body.get("documents")
    if not isinstance(documents, list) or not 0 < len(documents) <= MAX_RERANK_DOCUMENTS:
        raise invalid(
            f"documents must be an array of 1 to {MAX_RERANK_DOCUMENTS} strings "
            "or {'text': ...} objects.",
            param="documents",
        )
    texts = []
    for index, document in enumerate(documents):
        text = document.get("text") if isinstance(document, dict) else document
        if not isinstance(text, str):
            raise invalid(
                "each document must be a string or an object with a text string.",
                param=f"documents[{index}]",
            )
        texts.append(text)
    top_n = body.get("top_n")
    if top_n is not None and (not _is_int(top_n) or top_n < 1):
        raise invalid("top_n must be a positive integer.", param="top_n")
    _optional(body, "return_documents", bool)
    return {**body, "documents": texts}


def _model(body: JSON) -> None:
    model = body.get("model")
    if not isinstance(model, str) or not model.strip():
        raise invalid("model is required: a string like '<provider>/<model>'.", param="model")


def _message(message: Any, where: str) -> None:
    if not isinstance(message, dict):
        raise invalid(f"{where} must be an object.", param=where)
    role = message.get("role")
    if not isinstance(role, str) or role not in ROLES:
        raise invalid(f"{where}.role must be one of {sorted(ROLES)}.", param=f"{where}.role")
    content = message.get("content")
    if content is None:
        if role != "assistant":
            raise invalid(f"{where}.content is required.", param=f"{where}.content")
    elif isinstance(content, list):
        for index, part in enumerate(content):
            if not isinstance(part, dict) or not isinstance(part.get("type"), str):
                raise invalid(
                    "content parts must be objects with a type.",
                    param=f"{where}.content[{index}]",
                )
    elif not isinstance(content, str):
        raise invalid(f"{where}.content must be a string or an array.", param=f"{where}.content")
    if role == "tool" and not isinstance(message.get("tool_call_id"), str):
        raise invalid("tool messages need a tool_call_id.", param=f"{where}.tool_call_id")
    if "tool_calls" in message and not isinstance(message["tool_calls"], list):
        raise invalid(f"{where}.tool_calls must be an array.", param=f"{where}.tool_calls")


def _tools(body: JSON) -> None:
    tools = _optional(body, "tools", list)
    for index, tool in enumerate(tools or []):
        where = f"tools[{index}]"
        if not isinstance(tool, dict) or tool.get("type") != "function":
            raise invalid("each tool must be {'type': 'function', 'function': {...}}.", param=where)
        function = tool.get("function")
        if not isinstance(function, dict) or not isinstance(function.get("name"), str):
            raise invalid("each tool function needs a name.", param=f"{where}.function.name")
        if "parameters" in function and not isinstance(function["parameters"], dict):
            raise invalid(
                "parameters must be a JSON schema object.", param=f"{where}.function.parameters"
            )


def _tool_choice(body: JSON) -> None:
    if "tool_choice" not in body:
        return
    choice = body["tool_choice"]
    if isinstance(choice, str) and choice in ("none", "auto", "required"):
        return
    function = choice.get("function") if isinstance(choice, dict) else None
    if isinstance(function, dict) and isinstance(function.get("name"), str):
        return
    raise invalid(
        "tool_choice must be 'none', 'auto', 'required' or a function choice.", param="tool_choice"
    )


def _response_format(body: JSON) -> None:
    value = _optional(body, "response_format", dict)
    if value is None:
        return
    if value.get("type") not in ("text", "json_object", "json_schema"):
        raise invalid(
            "response_format.type must be text, json_object or json_schema.",
            param="response_format.type",
        )
    if value["type"] == "json_schema" and not isinstance(value.get("json_schema"), dict):
        raise invalid(
            "json_schema response formats need a json_schema object.",
            param="response_format.json_schema",
        )


def _stop(body: JSON) -> None:
    stop = body.get("stop")
    if stop is None or isinstance(stop, str):
        return
    if isinstance(stop, list) and len(stop) <= 4 and all(isinstance(s, str) for s in stop):
        return
    raise invalid("stop must be a string or an array of up to 4 strings.", param="stop")


def _optional(body: JSON, name: str, kind: type, *, prefix: str = "") -> Any:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, kind):
        raise invalid(f"{prefix}{name} must be a {_type_name(kind)}.", param=prefix + name)
    return value


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _type_name(kind: type) -> str:
    return {bool: "boolean", dict: "object", list: "array", str: "string"}.get(kind, kind.__name__)
