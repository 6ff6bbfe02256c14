"""Deterministic answers: the same request always gets the same text, tool calls, vectors
and relevance scores.

Tokens are whitespace-separated words, so tests can predict usage exactly.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import dataclass, field
from typing import Any

from providers.simulator.judging import judge_reply

JSON = dict[str, Any]
DEFAULT_MAX_TOKENS = 256
TERSE_WORDS = 3  # what a "terse…" model says at most
EMBEDDING_DIMENSIONS = 32
CONTEXT_WINDOW = 32_768
# Pretend prices (USD per token, OpenRouter's format) so cost tracking shows real numbers.
PRICING = {"prompt": "0.000001", "completion": "0.000002"}

MODELS: tuple[JSON, ...] = (
    {"id": "echo", "context_window": CONTEXT_WINDOW, "max_output_tokens": 4096},
    {"id": "echo-large", "context_window": 131_072, "max_output_tokens": 8192},
    {"id": "embed", "context_window": 8192, "embedding": True},
    {"id": "rerank-mini", "context_window": 8192, "rerank": True},
)


def words(text: str) -> list[str]:
    return text.split()


def count_tokens(text: str) -> int:
    return len(words(text))


def text_of(content: Any) -> str:
    """The text in an OpenAI message content: a string or a list of parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(part.get("text", "") for part in content if isinstance(part, dict)).strip()
    return ""


def prompt_tokens(messages: list[JSON]) -> int:
    return sum(count_tokens(text_of(m.get("content"))) + 1 for m in messages) + 1


@dataclass
class Answer:
    """What the simulated model says: text, or tool calls, with its finish reason."""

    text: str = ""
    tool_calls: list[JSON] = field(default_factory=list)
    finish_reason: str = "stop"
    prompt_tokens: int = 0

    @property
    def completion_tokens(self) -> int:
        arguments = " ".join(c["function"]["arguments"] for c in self.tool_calls)
        return count_tokens(self.text) + count_tokens(arguments)

    @property
    def pieces(self) -> list[str]:
        """The text as stream deltas, one word (token) each, spacing kept."""
        parts = words(self.text)
        return [part if i == 0 else " " + part for i, part in enumerate(parts)]


def answer(request: JSON) -> Answer:
    """The reply to an OpenAI-shaped chat request."""
    messages = request.get("messages") or []
    used = prompt_tokens(messages)
    calls = _tool_calls(request, messages)
    if calls:
        return Answer(tool_calls=calls, finish_reason="tool_calls", prompt_tokens=used)
    verdict = judge_reply(request, messages)
    if verdict is not None:
        return Answer(text=verdict, prompt_tokens=used)
    last: JSON = next((m for m in reversed(messages) if m.get("role") in ("user", "tool")), {})
    if last.get("role") == "tool":
        text = _results_text(messages)
    else:
        text = f"You said: {text_of(last.get('content'))}".strip()
    limit = request.get("max_tokens") or request.get("max_completion_tokens") or DEFAULT_MAX_TOKENS
    if str(request.get("model") or "").startswith("terse"):  # a model of few words
        limit = min(limit, TERSE_WORDS)
    parts = words(text)
    finish = "stop"
    if len(parts) > limit:
        parts, finish = parts[:limit], "length"
    text = " ".join(parts)
    for stop in _stops(request):
        if stop and stop in text:
            text, finish = text[: text.index(stop)], "stop"
    if (request.get("response_format") or {}).get("type") in ("json_object", "json_schema"):
        text = json.dumps({"echo": text})
    return Answer(text=text, finish_reason=finish, prompt_tokens=used)


def tool_pairing_check(messages: list[JSON]) -> None:
    """What OpenAI and Anthropic refuse: an assistant's tool calls not each answered by a
    tool result right after it, or a tool result answering no call (ValueError, a 400)."""
    waiting: set[str] = set()
    for number, message in enumerate(messages):
        if message.get("role") == "tool":
            call_id = message.get("tool_call_id")
            if call_id not in waiting:
                raise ValueError(f"messages[{number}]: a tool result for {call_id!r}, which "
                                 "answers no tool call of the assistant message before it")  # fmt: skip
            waiting.discard(call_id)
            continue
        if waiting:
            raise ValueError(f"messages[{number}]: tool calls {sorted(waiting)} were not each "
                             "followed by their tool result")  # fmt: skip
        waiting = {str(c.get("id")) for c in message.get("tool_calls") or []}
    if waiting:
        raise ValueError(f"tool calls {sorted(waiting)} have no tool result")


def _results_text(messages: list[JSON]) -> str:
    """The trailing tool results, each named after the call it answers, so a test sees that
    every result reached the model paired with its call."""
    results: list[JSON] = []
    for message in reversed(messages):
        if message.get("role") != "tool":
            break
        results.insert(0, message)
    if len(results) == 1:
        return f"The tool answered: {text_of(results[0].get('content'))}"
    names = {str(call.get("id")): call["function"]["name"] for m in messages
             for call in m.get("tool_calls") or []}  # fmt: skip
    paired = [f"{names.get(str(r.get('tool_call_id')), '?')}: {text_of(r.get('content'))}"
              for r in results]  # fmt: skip
    return "The tools answered: " + "; ".join(paired)


def _stops(request: JSON) -> list[str]:
    stop = request.get("stop")
    if isinstance(stop, str):
        return [stop]
    return [s for s in stop or [] if isinstance(s, str)]


def _tool_calls(request: JSON, messages: list[JSON]) -> list[JSON]:
    """Call tools when told to, or when the last user message names one; never after a result
    (except a ``chain-N`` model, which calls its first tool until N results are in)."""
    tools = [t for t in request.get("tools") or [] if t.get("type") == "function"]
    chained = _chained_call(request, tools, messages)
    if chained is not None:
        return chained
    choice = request.get("tool_choice", "auto")
    if not tools or choice == "none" or not messages or messages[-1].get("role") != "user":
        return []
    if isinstance(choice, dict):
        wanted = (choice.get("function") or {}).get("name")
        chosen = [t for t in tools if t["function"]["name"] == wanted]
    elif choice == "required":
        chosen = [t for t in tools if _mentioned(t, messages[-1])] or tools[:1]
    else:
        chosen = [t for t in tools if _mentioned(t, messages[-1])]
    user_text = text_of(messages[-1].get("content"))
    explicit = _explicit_calls(tools, user_text)
    if explicit and not isinstance(choice, dict):
        calls = explicit
    else:
        calls = [_call(tool, user_text, number) for number, tool in enumerate(chosen)]
    return calls[:1] if request.get("parallel_tool_calls") is False else calls


def _chained_call(request: JSON, tools: list[JSON], messages: list[JSON]) -> list[JSON] | None:
    """A ``chain-N`` model is an agent's long task: one call of the first tool per turn, each
    with new arguments, until the conversation holds N tool results (then it answers)."""
    model = str(request.get("model") or "")
    if not model.startswith("chain-") or not tools or not model[6:].isdigit():
        return None
    done = sum(1 for m in messages if m.get("role") == "tool")
    if done >= int(model[6:]):
        return []
    function = tools[0]["function"]
    properties = ((function.get("parameters") or {}).get("properties")) or {}
    arguments = {name: f"{done}+1" if name == "expression" else f"step {done}"
                 for name in properties}  # fmt: skip
    return [{"id": f"call_chain_{done}", "type": "function",
             "function": {"name": function["name"], "arguments": json.dumps(arguments)}}]  # fmt: skip


def _explicit_calls(tools: list[JSON], text: str) -> list[JSON]:
    """``name({...})`` in the message asks for that call with exactly those arguments; each
    occurrence is one call, so a test chooses how many parallel calls it gets."""
    names = {t["function"]["name"] for t in tools}
    decoder = json.JSONDecoder()
    calls: list[JSON] = []
    for match in re.finditer(r"([A-Za-z0-9_-]+)\(", text):
        if match.group(1) not in names:
            continue
        try:
            arguments, _ = decoder.raw_decode(text, match.end())
        except ValueError:
            continue
        if isinstance(arguments, dict):
            digest = hashlib.sha256(f"{match.group(1)}:{text}:{len(calls)}".encode()).hexdigest()
            calls.append({"id": f"call_{digest[:24]}", "type": "function", "function":
                          {"name": match.group(1), "arguments": json.dumps(arguments)}})  # fmt: skip
    return calls


def _mentioned(tool: JSON, message: JSON) -> bool:
    text = text_of(message.get("content")).lower()
    name = tool["function"]["name"].lower()
    return any(len(part) >= 4 and part in text for part in name.split("_"))


def _call(tool: JSON, user_text: str, number: int) -> JSON:
    function = tool["function"]
    properties = ((function.get("parameters") or {}).get("properties")) or {}
    arguments = {name: _argument(spec, user_text) for name, spec in properties.items()}
    digest = hashlib.sha256(f"{function['name']}:{user_text}:{number}".encode()).hexdigest()
    return {
        "id": f"call_{digest[:24]}",
        "type": "function",
        "function": {"name": function["name"], "arguments": json.dumps(arguments)},
    }


def _argument(spec: JSON, user_text: str) -> Any:
    kind = spec.get("type")
    if spec.get("enum"):
        return spec["enum"][0]
    if kind in ("integer", "number"):
        return 1
    if kind == "boolean":
        return True
    if kind == "array":
        return []
    if kind == "object":
        return {}
    capitalised = [w.strip("?!.,") for w in words(user_text) if w[:1].isupper()]
    return capitalised[-1] if capitalised else user_text[:40]


def embedding(text: str, dimensions: int = EMBEDDING_DIMENSIONS) -> list[float]:
    """A unit vector derived from the text's words, so similar texts get similar vectors."""
    vector = [0.0] * dimensions
    for word in words(text.lower()) or [""]:
        digest = hashlib.sha256(word.encode()).digest()
        for i in range(dimensions):
            vector[i] += (digest[i % len(digest)] - 127.5) / 127.5
    norm = math.sqrt(sum(v * v for v in vector)) or 1.0
    return [round(v / norm, 6) for v in vector]


def relevance(query: str, document: str) -> float:
    """The share of the query's words the document contains, in [0, 1]."""
    asked = _terms(query)
    return round(len(asked & _terms(document)) / len(asked), 6) if asked else 0.0


def _terms(text: str) -> set[str]:
    return {word.strip("?!.,;:\"'()").lower() for word in words(text)} - {""}
