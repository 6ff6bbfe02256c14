"""The simulator's ASGI application: route a request to a wire format, apply the fault plan,
answer deterministically, pace streams at the configured tokens per second."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from types import ModuleType

from providers.simulator import (
    anthropic_wire,
    completions_wire,
    content,
    gemini_wire,
    openai_wire,
    rerank_wire,
)
from providers.simulator.content import JSON
from providers.simulator.exchange import ConnectionCut, Exchange, Receive, Send, lifespan
from providers.simulator.faults import SLOW_FIRST_TOKEN_S, FaultPlan

GEMINI_CALL = re.compile(r"^/v1beta/models/(?P<model>[^:/]+):(?P<method>\w+)$")
FAULT_STATUS = {"500": 500, "503": 503, "429": 429, "401": 401}
CUT_AFTER_EVENTS = 3


@dataclass
class Simulator:
    """Settings of one simulated provider; an instance is the ASGI application."""

    latency_ms: float = 0.0
    tokens_per_second: float = 0.0
    plan: FaultPlan = field(default_factory=FaultPlan)

    async def __call__(self, scope: JSON, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        exchange = Exchange(scope, receive, send)
        await self.route(exchange)

    async def route(self, exchange: Exchange) -> None:
        path, method = exchange.path, exchange.method
        if method == "GET" and path in ("/healthz", "/"):
            await exchange.respond(200, {"status": "ok", "simulated": True})
        elif method == "GET" and path == "/v1/models":
            await exchange.respond(200, openai_wire.model_list())
        elif method == "GET" and path.startswith("/v1/models/"):
            await self.model_detail(exchange, path.removeprefix("/v1/models/"))
        elif method == "GET" and path == "/v1beta/models":
            await exchange.respond(200, gemini_wire.model_list())
        elif method == "POST" and path == "/v1/chat/completions":
            await self.chat(exchange, openai_wire, None)
        elif method == "POST" and path == "/v1/completions":
            await self.chat(exchange, completions_wire, None)
        elif method == "POST" and path == "/v1/messages":
            await self.chat(exchange, anthropic_wire, None)
        elif method == "POST" and path == "/v1/messages/count_tokens":
            await self.count_tokens(exchange)
        elif method == "POST" and path == "/v1/embeddings":
            await self.embed(exchange, openai_wire, None)
        elif method == "POST" and path in ("/v1/rerank", "/v2/rerank"):
            await self.rerank(exchange, cohere=path.startswith("/v2/"))
        elif method == "POST" and (match := GEMINI_CALL.match(path)):
            model, call = match["model"], match["method"]
            if call in ("generateContent", "streamGenerateContent"):
                await self.chat(exchange, gemini_wire, model, stream=call.startswith("stream"))
            elif call in ("embedContent", "batchEmbedContents"):
                await self.embed(exchange, gemini_wire, model)
            elif call == "countTokens":
                await self.gemini_count_tokens(exchange)
            else:
                await exchange.respond(404, gemini_wire.error(404, f"unknown method {call}"))
        else:
            await exchange.respond(404, openai_wire.error(404, f"no route {method} {path}"))

    async def count_tokens(self, exchange: Exchange) -> None:
        """Anthropic's count: the tokens the simulated model counts for this prompt."""
        body = await exchange.json_body()
        try:
            if body is None or "max_tokens" in body:
                raise ValueError("count_tokens takes a Messages body without max_tokens")
            request = anthropic_wire.request_to_openai({**body, "max_tokens": 1})
        except ValueError as invalid:
            await exchange.respond(400, anthropic_wire.error(400, str(invalid)))
            return
        tokens = content.prompt_tokens(request["messages"])
        await exchange.respond(200, {"input_tokens": tokens})

    async def gemini_count_tokens(self, exchange: Exchange) -> None:
        """Gemini's count, of ``contents`` or of a whole ``generateContentRequest``."""
        body = await exchange.json_body() or {}
        inner = body.get("generateContentRequest") or body
        try:
            request = gemini_wire.request_to_openai(inner)
        except (ValueError, AttributeError) as invalid:
            await exchange.respond(400, gemini_wire.error(400, str(invalid)))
            return
        await exchange.respond(200, {"totalTokens": content.prompt_tokens(request["messages"])})

    async def model_detail(self, exchange: Exchange, model_id: str) -> None:
        models = {m["id"]: m for m in openai_wire.model_list()["data"]}
        if model_id in models:
            await exchange.respond(200, models[model_id])
        else:
            await exchange.respond(404, openai_wire.error(404, f"model {model_id!r} not found"))

    async def chat(
        self, exchange: Exchange, wire: ModuleType, path_model: str | None, stream: bool = False
    ) -> None:
        body = await exchange.json_body()
        if body is None:
            await exchange.respond(400, wire.error(400, "the body is not a JSON object"))
            return
        model = path_model or str(body.get("model") or "")
        try:
            request = wire.request_to_openai(body)
        except ValueError as invalid:
            await exchange.respond(400, wire.error(400, str(invalid)))
            return
        streamed = stream or bool(body.get("stream"))
        fault = await self.apply_fault(exchange, wire, model, stream=streamed)
        if fault is None:
            return
        answer = content.answer(request)
        if not streamed:
            await self.pace(answer.completion_tokens)
            await exchange.respond(200, wire.completion(answer, model, body))
            return
        await exchange.start_stream()
        for number, event in enumerate(wire.stream_events(answer, model, body)):
            if exchange.disconnected.is_set():
                return
            if fault == "cut" and number == CUT_AFTER_EVENTS:
                raise ConnectionCut
            await exchange.event(event)
            await self.pace(1)
        await exchange.end_stream()

    async def embed(self, exchange: Exchange, wire: ModuleType, path_model: str | None) -> None:
        body = await exchange.json_body()
        if body is None:
            await exchange.respond(400, wire.error(400, "the body is not a JSON object"))
            return
        model = path_model or str(body.get("model") or "")
        if await self.apply_fault(exchange, wire, model, stream=False) is None:
            return
        try:
            result = wire.embeddings(body, model)
        except (ValueError, TypeError, AttributeError) as invalid:
            await exchange.respond(400, wire.error(400, str(invalid)))
            return
        await exchange.respond(200, result)

    async def rerank(self, exchange: Exchange, *, cohere: bool) -> None:
        """Jina's /v1/rerank, or Cohere's /v2/rerank with ``cohere``; faults apply as to
        embeddings."""
        body = await exchange.json_body()
        if body is None:
            await exchange.respond(400, rerank_wire.error(400, "the body is not a JSON object"))
            return
        model = str(body.get("model") or "")
        if await self.apply_fault(exchange, rerank_wire, model, stream=False) is None:
            return
        try:
            result = rerank_wire.rerank(body, model, cohere=cohere)
        except ValueError as invalid:
            await exchange.respond(400, rerank_wire.error(400, str(invalid)))
            return
        await exchange.respond(200, result)

    async def apply_fault(
        self, exchange: Exchange, wire: ModuleType, model: str, *, stream: bool
    ) -> str | None:
        """Apply latency and the planned fault: the fault to carry on with, or None when the
        fault has already answered."""
        fault = self.plan.next_fault(model)
        if self.latency_ms:
            await asyncio.sleep(self.latency_ms / 1000)
        if fault in FAULT_STATUS:
            status = FAULT_STATUS[fault]
            headers = {"retry-after": "1"} if status == 429 else {}
            await exchange.respond(status, wire.error(status, f"simulated fault {fault}"), headers)
            return None
        if fault == "hang":
            await exchange.wait_for_disconnect()
            return None
        if fault == "malformed":
            await exchange.respond(200, b'{"id": "broken", "choices": [')
            return None
        if fault == "cut" and not stream:
            await exchange.cut_mid_body()
        if fault == "slow":
            await asyncio.sleep(SLOW_FIRST_TOKEN_S)
        if fault == "stall":
            if stream:
                await exchange.start_stream()
                await exchange.event(wire.stall_event(model))
            await exchange.wait_for_disconnect()
            return None
        return fault

    async def pace(self, tokens: int) -> None:
        if self.tokens_per_second > 0 and tokens:
            await asyncio.sleep(tokens / self.tokens_per_second)
