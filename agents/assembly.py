"""A streamed answer put back together: its text and its tool calls, each call's argument
fragments joined in the order they came, keyed by the index the provider gave them.

Providers split a call differently (OpenAI sends the id and name once and the arguments in
pieces; translated providers send each call whole); both end as the same message here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

JSON = dict[str, Any]


@dataclass
class _Call:
    id: str = ""
    name: str = ""
    arguments: list[str] = field(default_factory=list)


@dataclass
class Assembly:
    text: list[str] = field(default_factory=list)
    calls: dict[int, _Call] = field(default_factory=dict)
    finish_reason: str = ""
    error: JSON | None = None

    def add(self, chunk: JSON) -> str:
        """Take one chat.completion.chunk; returns the text it added (for live display)."""
        if "error" in chunk and not chunk.get("choices"):
            self.error = chunk["error"] if isinstance(chunk["error"], dict) else {}
            return ""
        added = ""
        for choice in chunk.get("choices") or ():
            delta = choice.get("delta") or {}
            if delta.get("content"):
                added += delta["content"]
            for position, call in enumerate(delta.get("tool_calls") or ()):
                self._call_part(call, position)
            if choice.get("finish_reason"):
                self.finish_reason = choice["finish_reason"]
        if added:
            self.text.append(added)
        return added

    def _call_part(self, part: JSON, position: int) -> None:
        index = part.get("index")
        key = index if isinstance(index, int) else len(self.calls) + position
        call = self.calls.setdefault(key, _Call())
        call.id = call.id or str(part.get("id") or "")
        function = part.get("function") or {}
        call.name = call.name or str(function.get("name") or "")
        if function.get("arguments"):
            call.arguments.append(str(function["arguments"]))

    @property
    def content(self) -> str:
        return "".join(self.text)

    def tool_calls(self, *, id_prefix: str) -> list[JSON]:
        """The calls in OpenAI's message form; a call the provider gave no id gets one, so its
        result can be paired with it."""
        return [
            {
                "id": call.id or f"{id_prefix}_{number}",
                "type": "function",
                "function": {"name": call.name, "arguments": "".join(call.arguments) or "{}"},
            }
            for number, (_, call) in enumerate(sorted(self.calls.items()))
        ]
