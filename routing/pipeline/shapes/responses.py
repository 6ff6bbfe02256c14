"""The Responses API shape: the pipeline's chat completion, or its chunks, as a Response
object, or as the Responses event stream (``response.created`` … ``response.completed``).

One ResponsesCall per request holds what the Response echoes (the request, its id) and, once
the answer is complete, hands it to ``on_complete`` (the store, when the caller asked for it).
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from providers.adapters.base import JSON, StreamChunk, UpstreamError
from routing.pipeline.call_log import CallLog
from routing.pipeline.errors import ApiError, api_error_body
from routing.pipeline.shapes.responses_request import ResponsesRequest, new_id
from routing.pipeline.tokens import tokens_in_text

INCOMPLETE = {"length": "max_output_tokens", "content_filter": "content_filter"}
OnComplete = Callable[[JSON], Awaitable[None]]


class ResponsesCall:
    def __init__(self, request: ResponsesRequest, *, stored: bool, on_complete: OnComplete):
        self.request = request
        self.stored = stored
        self.on_complete = on_complete
        self.id = new_id("resp_")
        self.created_at = int(time.time())

    def response(
        self, status: str, output: list[JSON], log: CallLog | None, finish: str | None = None
    ) -> JSON:
        body = self.request.body
        reason = INCOMPLETE.get(finish or "")
        if reason and status == "completed":
            status = "incomplete"
        return {
            "id": self.id, "object": "response", "created_at": self.created_at,
            "status": status, "background": False, "error": None,
            "incomplete_details": {"reason": reason} if status == "incomplete" else None,
            "instructions": body.get("instructions"),
            "max_output_tokens": body.get("max_output_tokens"), "model": body.get("model"),
            "output": output, "parallel_tool_calls": body.get("parallel_tool_calls", True),
            "previous_response_id": body.get("previous_response_id"),
            "reasoning": body.get("reasoning") or {"effort": None, "summary": None},
            "store": self.stored, "temperature": body.get("temperature", 1.0),
            "text": body.get("text") or {"format": {"type": "text"}},
            "tool_choice": body.get("tool_choice", "auto"), "tools": body.get("tools") or [],
            "top_p": body.get("top_p", 1.0), "truncation": body.get("truncation", "disabled"),
            "usage": _usage(log, output) if log is not None else None,
            "user": body.get("user"), "metadata": body.get("metadata") or {},
        }  # fmt: skip

    async def from_completion(self, completion: JSON, log: CallLog) -> JSON:
        choice = (completion.get("choices") or [{}])[0]
        output = output_items(choice.get("message") or {})
        response = self.response("completed", output, log, choice.get("finish_reason"))
        await self.on_complete(response)
        return response

    async def stream_events(
        self, chunks: AsyncIterator[StreamChunk], log: CallLog
    ) -> AsyncIterator[bytes]:
        events = _EventWriter()
        yield events.write("response.created", response=self.response("in_progress", [], None))
        yield events.write("response.in_progress", response=self.response("in_progress", [], None))
        output = _OutputBuilder(events)
        finish = None
        try:
            async for chunk in chunks:
                for choice in chunk.data.get("choices") or ():
                    delta = choice.get("delta") or {}
                    if delta.get("content"):
                        for event in output.text(delta["content"]):
                            yield event
                    for call in delta.get("tool_calls") or ():
                        for event in output.call(call):
                            yield event
                    finish = choice.get("finish_reason") or finish
        except UpstreamError as upstream:
            error = log.stream_failed(upstream)
            yield events.write("error", **_stream_error(error))
            failed = self.response("failed", output.close_all()[1], log)
            failed["error"] = {"code": error.code, "message": error.message}
            yield events.write("response.failed", response=failed)
            return
        closing, items = output.close_all()
        for event in closing:
            yield event
        response = self.response("completed", items, log, finish)
        await self.on_complete(response)
        kind = "response.completed" if response["status"] == "completed" else "response.incomplete"
        yield events.write(kind, response=response)


def output_items(message: JSON) -> list[JSON]:
    """A chat message as Response output items: a message, then one item per tool call."""
    items: list[JSON] = []
    parts: list[JSON] = []
    if message.get("content"):
        parts.append(_text_part(message["content"]))
    if message.get("refusal"):
        parts.append({"type": "refusal", "refusal": message["refusal"]})
    if parts:
        items.append(_message_item(new_id("msg_"), parts, "completed"))
    for call in message.get("tool_calls") or ():
        function = call.get("function") or {}
        items.append(_call_item(new_id("fc_"), call.get("id") or new_id("call_"),
                                function.get("name", ""), function.get("arguments") or "{}",
                                "completed"))  # fmt: skip
    return items


class _EventWriter:
    """SSE events numbered as the Responses API numbers them."""

    def __init__(self) -> None:
        self.sequence = 0

    def write(self, kind: str, **fields: Any) -> bytes:
        data = {"type": kind, **fields, "sequence_number": self.sequence}
        self.sequence += 1
        return f"event: {kind}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n".encode()


class _OutputBuilder:
    """Opens and closes output items as text and tool-call deltas arrive, and keeps them."""

    def __init__(self, events: _EventWriter) -> None:
        self.events = events
        self.items: list[JSON] = []
        self.open: JSON | None = None
        self.calls: dict[int, JSON] = {}  # the chunk's tool-call index -> its item

    def text(self, delta: str) -> list[bytes]:
        written: list[bytes] = []
        if self.open is None or self.open["type"] != "message":
            written += self._close()
            item = _message_item(new_id("msg_"), [], "in_progress")
            written += self._add(item)
            written.append(self._write("response.content_part.added", content_index=0,
                                       part=_text_part("")))  # fmt: skip
            item["content"].append(_text_part(""))
        assert self.open is not None
        self.open["content"][0]["text"] += delta
        written.append(self._write("response.output_text.delta", content_index=0, delta=delta,
                                   logprobs=[]))  # fmt: skip
        return written

    def call(self, call: JSON) -> list[bytes]:
        written: list[bytes] = []
        position = call.get("index", 0)
        function = call.get("function") or {}
        if position not in self.calls:
            written += self._close()
            item = _call_item(new_id("fc_"), call.get("id") or new_id("call_"),
                              function.get("name") or "", "", "in_progress")  # fmt: skip
            self.calls[position] = item
            written += self._add(item)
        item = self.calls[position]
        if function.get("arguments"):
            item["arguments"] += function["arguments"]
        if function.get("arguments") and item is self.open:  # calls arrive one after another
            written.append(self._write("response.function_call_arguments.delta",
                                       delta=function["arguments"]))  # fmt: skip
        return written

    def close_all(self) -> tuple[list[bytes], list[JSON]]:
        return self._close(), self.items

    def _add(self, item: JSON) -> list[bytes]:
        self.items.append(item)
        self.open = item
        return [self.events.write("response.output_item.added", output_index=len(self.items) - 1,
                                  item=item)]  # fmt: skip

    def _close(self) -> list[bytes]:
        item, self.open = self.open, None
        if item is None:
            return []
        written = []
        if item["type"] == "message":
            part = item["content"][0]
            written.append(self._write_for(item, "response.output_text.done", content_index=0,
                                           text=part["text"], logprobs=[]))  # fmt: skip
            written.append(self._write_for(item, "response.content_part.done", content_index=0,
                                           part=part))  # fmt: skip
        else:
            written.append(self._write_for(item, "response.function_call_arguments.done",
                                           arguments=item["arguments"],
                                           name=item["name"]))  # fmt: skip
        item["status"] = "completed"
        written.append(self.events.write("response.output_item.done",
                                         output_index=self.items.index(item), item=item))  # fmt: skip
        return written

    def _write(self, kind: str, **fields: Any) -> bytes:
        assert self.open is not None
        return self._write_for(self.open, kind, **fields)

    def _write_for(self, item: JSON, kind: str, **fields: Any) -> bytes:
        return self.events.write(
            kind, item_id=item["id"], output_index=self.items.index(item), **fields
        )


def _message_item(item_id: str, content: list[JSON], status: str) -> JSON:
    return {"type": "message", "id": item_id, "status": status, "role": "assistant",
            "content": content}  # fmt: skip


def _text_part(text: str) -> JSON:
    return {"type": "output_text", "text": text, "annotations": [], "logprobs": []}


def _call_item(item_id: str, call_id: str, name: str, arguments: str, status: str) -> JSON:
    return {"type": "function_call", "id": item_id, "call_id": call_id, "name": name,
            "arguments": arguments, "status": status}  # fmt: skip


def _usage(log: CallLog, output: list[JSON]) -> JSON:
    output_tokens = log.output_tokens or sum(
        tokens_in_text(part.get("text", "")) for item in output for part in item.get("content", ())
    ) + sum(tokens_in_text(item.get("arguments", "")) for item in output)
    input_tokens = log.input_tokens or log.prompt_tokens
    return {
        "input_tokens": input_tokens,
        "input_tokens_details": {"cached_tokens": log.cached_tokens},
        "output_tokens": output_tokens,
        "output_tokens_details": {"reasoning_tokens": 0},
        "total_tokens": input_tokens + output_tokens,
    }


def _stream_error(error: ApiError) -> JSON:
    body = api_error_body(error)["error"]
    return {"code": body.get("code"), "message": body.get("message"), "param": body.get("param")}
