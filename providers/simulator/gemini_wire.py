"""Google Gemini's format: /v1beta/models/{model}:generateContent, :streamGenerateContent,
:embedContent, :batchEmbedContents and the model list."""

from __future__ import annotations

import json
from typing import Any

from providers.simulator import content
from providers.simulator.content import JSON, Answer
from providers.simulator.exchange import sse

FINISH = {"stop": "STOP", "length": "MAX_TOKENS", "tool_calls": "STOP"}
STATUSES = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 404: "NOT_FOUND",
            429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 503: "UNAVAILABLE"}  # fmt: skip


def error(status: int, message: str) -> JSON:
    return {
        "error": {"code": status, "message": message, "status": STATUSES.get(status, "UNKNOWN")}
    }


def request_to_openai(body: JSON) -> JSON:
    """generateContent's body as an OpenAI chat request, enough for the simulated answer."""
    contents = body.get("contents")
    if not isinstance(contents, list) or not contents:
        raise ValueError("contents must be a non-empty array")
    messages: list[JSON] = []
    system = _either(body, "systemInstruction")
    if system:
        messages.append({"role": "system", "content": _text(system.get("parts"))})
    calls: list[JSON] = []  # the last model turn's function calls, still to be answered
    for number, turn in enumerate(contents):
        parts = [p for p in turn.get("parts") or [] if isinstance(p, dict)]
        results = [_either(p, "functionResponse") for p in parts if _either(p, "functionResponse")]
        if calls or results:
            messages += _responses(calls, results, number)
            calls = []
            if results:
                continue
        role = "assistant" if turn.get("role") == "model" else "user"
        message: JSON = {"role": role, "content": _text(parts)}
        calls = [
            {"id": f"gemini_{number}_{i}", "type": "function",
             "function": {"name": c.get("name"), "arguments": json.dumps(c.get("args") or {})}}
            for i, c in enumerate(_either(p, "functionCall") for p in parts) if c
        ]  # fmt: skip
        if calls:
            message["tool_calls"] = calls
        messages.append(message)
    config = _either(body, "generationConfig") or {}
    request: JSON = {"messages": messages, "max_tokens": _either(config, "maxOutputTokens")}
    if _either(config, "stopSequences"):
        request["stop"] = _either(config, "stopSequences")
    if _either(config, "responseMimeType") == "application/json":
        request["response_format"] = {"type": "json_object"}
    declarations = [d for tool in body.get("tools") or [] for d in tool.get("functionDeclarations")
                    or tool.get("function_declarations") or []]  # fmt: skip
    if declarations:
        request["tools"] = [{"type": "function", "function": d} for d in declarations]
        mode = (_either(_either(body, "toolConfig") or {}, "functionCallingConfig") or {}).get(
            "mode"
        )
        request["tool_choice"] = {"ANY": "required", "NONE": "none"}.get(mode or "", "auto")
    return request


def _responses(calls: list[JSON], results: list[JSON], number: int) -> list[JSON]:
    """The turn after a function-call turn, as Gemini checks it: one functionResponse part
    per functionCall part, all in that one turn, with the calls' names."""
    if len(results) != len(calls):
        raise ValueError(
            f"contents[{number}]: the number of function response parts ({len(results)}) must "
            f"equal the number of function call parts of the function call turn ({len(calls)})"
        )
    names = sorted(str(c["function"]["name"]) for c in calls)
    if sorted(str(r.get("name")) for r in results) != names:
        raise ValueError(f"contents[{number}]: function responses must answer {names} by name")
    unanswered = list(calls)
    messages = []
    for result in results:  # paired by name, in order, as Gemini pairs them
        call = next(c for c in unanswered if c["function"]["name"] == result.get("name"))
        unanswered.remove(call)
        messages.append({"role": "tool", "tool_call_id": call["id"],
                         "content": _response_text(result.get("response"))})  # fmt: skip
    return messages


def _response_text(response: Any) -> str:
    """A response object of one text field (how clients wrap a plain result) as that text."""
    if isinstance(response, dict) and len(response) == 1:
        [value] = response.values()
        if isinstance(value, str):
            return value
    return json.dumps(response)


def _either(data: JSON, camel: str) -> Any:
    """Gemini's JSON accepts camelCase and snake_case field names alike."""
    snake = "".join(f"_{c.lower()}" if c.isupper() else c for c in camel)
    return data.get(camel, data.get(snake))


def _text(parts: Any) -> str:
    return " ".join(p.get("text", "") for p in parts or [] if isinstance(p, dict)).strip()


def _candidate(parts: list[JSON], finish: str | None) -> JSON:
    candidate: JSON = {"content": {"role": "model", "parts": parts}, "index": 0}
    if finish:
        candidate["finishReason"] = finish
    return candidate


def _usage(answer: Answer) -> JSON:
    return {"promptTokenCount": answer.prompt_tokens,
            "candidatesTokenCount": answer.completion_tokens,
            "totalTokenCount": answer.prompt_tokens + answer.completion_tokens}  # fmt: skip


def _calls(answer: Answer) -> list[JSON]:
    return [{"functionCall": {"name": c["function"]["name"],
             "args": json.loads(c["function"]["arguments"])}} for c in answer.tool_calls]  # fmt: skip


def completion(answer: Answer, model: str, request: JSON) -> JSON:
    parts = ([{"text": answer.text}] if answer.text else []) + _calls(answer)
    return {
        "candidates": [_candidate(parts, FINISH[answer.finish_reason])],
        "usageMetadata": _usage(answer),
        "modelVersion": model,
    }


def stream_events(answer: Answer, model: str, request: JSON) -> list[bytes]:
    events = [sse({"candidates": [_candidate([{"text": piece}], None)], "modelVersion": model})
              for piece in answer.pieces]  # fmt: skip
    last = _candidate(_calls(answer) or [{"text": ""}], FINISH[answer.finish_reason])
    events.append(
        sse({"candidates": [last], "usageMetadata": _usage(answer), "modelVersion": model})
    )
    return events


def embeddings(body: JSON, model: str) -> JSON:
    if "requests" in body:
        texts = [_text((r.get("content") or {}).get("parts")) for r in body["requests"] or []]
        return {"embeddings": [{"values": content.embedding(t)} for t in texts]}
    text = _text((body.get("content") or {}).get("parts"))
    return {"embedding": {"values": content.embedding(text)}}


def model_list() -> JSON:
    return {
        "models": [
            {"name": f"models/{m['id']}", "displayName": m["id"],
             "inputTokenLimit": m["context_window"], "outputTokenLimit": m.get("max_output_tokens", 0),
             "supportedGenerationMethods": ["embedContent"] if m.get("embedding")
             else ["generateContent", "streamGenerateContent"]}
            for m in content.MODELS if not m.get("rerank")
        ]
    }  # fmt: skip


def stall_event(model: str) -> bytes:
    """A keep-alive comment and no candidate (the ``stall`` fault)."""
    return b": waiting\n\n"
