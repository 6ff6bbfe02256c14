"""The inference worker's HTTP API on loopback: OpenAI-compatible model calls plus the
resource manager's status and controls. Raw ASGI (the simulator's plumbing), so the worker
adds nearly nothing to llama.cpp's own time.

    GET  /health                 GET  /v1/models
    POST /v1/chat/completions    POST /v1/completions    POST /v1/embeddings
    GET  /v1/system              POST /v1/system/{load,unload,pin,unpin}  {"model": id}

With HUB_INFERENCE_TOKEN set, every request must send it as a bearer token.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable
from typing import Any

from providers.local import generate
from providers.local.manager import LoadedModel, LocalModelError, ModelManager
from providers.local.model_files import LocalModelFiles
from providers.simulator.exchange import Exchange, lifespan, sse

JSON = dict[str, Any]
HOUSEKEEPING_SECONDS = 5.0  # how often idle models past their keep-alive are unloaded


def _error(status: int, message: str) -> JSON:
    kind = {400: "invalid_request_error", 401: "authentication_error", 404: "not_found_error"}
    return {"error": {"message": message, "type": kind.get(status, "server_error"),
                      "code": None, "param": None}}  # fmt: skip


class InferenceWorker:
    def __init__(
        self,
        manager: ModelManager,
        *,
        token: str | None = None,
        rescan: Callable[[], LocalModelFiles] | None = None,
    ) -> None:
        self.manager = manager
        self.rescan = rescan
        self.token = token if token is not None else os.environ.get("HUB_INFERENCE_TOKEN", "")

    async def __call__(self, scope: JSON, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await lifespan(receive, send, on_startup=self._start_housekeeping)
            return
        exchange = Exchange(scope, receive, send)
        if self.token and exchange.headers.get("authorization") != f"Bearer {self.token}":
            await exchange.respond(401, _error(401, "A valid inference token is required."))
            return
        try:
            await self.route(exchange)
        except LocalModelError as error:
            await exchange.respond(error.status, _error(error.status, error.message))

    async def _start_housekeeping(self) -> None:
        async def expire_forever() -> None:
            while True:
                await asyncio.sleep(HOUSEKEEPING_SECONDS)
                await asyncio.to_thread(self.housekeeping)

        self._housekeeping = asyncio.get_running_loop().create_task(expire_forever())

    def housekeeping(self) -> None:
        """Unload idle models; pick up GGUF files dropped into the folder or registered."""
        self.manager.expire_idle()
        if self.rescan is not None:
            self.manager.rescan(self.rescan())

    async def route(self, exchange: Exchange) -> None:
        method, path = exchange.method, exchange.path
        if method == "GET" and path in ("/health", "/v1/health"):
            await exchange.respond(200, {"status": "ok", "loaded": len(self.manager.loaded)})
        elif method == "GET" and path == "/v1/models":
            await exchange.respond(200, self.model_list())
        elif method == "GET" and path == "/v1/system":
            await exchange.respond(200, self.manager.status())
        elif method == "POST" and path.startswith("/v1/system/"):
            await self.control(exchange, path.removeprefix("/v1/system/"))
        elif method == "POST" and path in (
            "/v1/chat/completions",
            "/v1/completions",
            "/v1/embeddings",
        ):
            await self.infer(exchange, path)
        else:
            await exchange.respond(404, _error(404, f"No route {method} {path}."))

    def model_list(self) -> JSON:
        return {
            "object": "list",
            "data": [
                {"id": info.id, "object": "model", "created": 0, "owned_by": "local",
                 "family": info.family, "quantisation": info.quantisation,
                 "context_length": info.context_length, "size_bytes": info.size_bytes,
                 "type": "embedding" if info.is_embedding_model else "chat"}
                for info in self.manager.model_files.models.values()
            ],
        }  # fmt: skip

    async def control(self, exchange: Exchange, action: str) -> None:
        body = await exchange.json_body() or {}
        model = str(body.get("model") or "")
        if action == "load":
            loaded = await asyncio.to_thread(self.manager.acquire, model)
            await exchange.respond(200, loaded.as_json())
            return
        if action == "rescan" and self.rescan is not None:
            await asyncio.to_thread(self.housekeeping)
            await exchange.respond(
                200, {"ok": True, "models": len(self.manager.model_files.models)}
            )
            return
        done = {
            "unload": lambda: self.manager.unload(model),
            "pin": lambda: self.manager.pin(model, True),
            "unpin": lambda: self.manager.pin(model, False),
        }.get(action)
        if done is None:
            await exchange.respond(404, _error(404, f"Unknown action {action!r}."))
        elif not done():
            await exchange.respond(404, _error(404, f"{model!r} is not loaded."))
        else:
            await exchange.respond(200, {"ok": True, "model": model, "action": action})

    async def infer(self, exchange: Exchange, path: str) -> None:
        body = await exchange.json_body()
        if body is None:
            raise LocalModelError("The body is not a JSON object.")
        embedding = path.endswith("embeddings")
        loaded = await asyncio.to_thread(
            self.manager.acquire, str(body.get("model") or ""), embedding=embedding
        )
        priority = int(exchange.headers.get("x-hub-priority", "10") or 10)
        async with loaded.gate.slot(priority):
            if embedding:
                await exchange.respond(200, await generate.embeddings(loaded, body))
            elif path.endswith("/completions") and "chat" not in path:
                await exchange.respond(200, await generate.completion(loaded, body))
            elif body.get("stream"):
                await self.stream(exchange, loaded, body)
            else:
                await exchange.respond(200, await generate.chat_complete(loaded, body))
            loaded.last_used = time.monotonic()

    async def stream(self, exchange: Exchange, loaded: LoadedModel, body: JSON) -> None:
        chunks = generate.chat_stream(loaded, body)
        try:
            first = await anext(chunks)
        except StopAsyncIteration:
            first = None
        await exchange.start_stream()
        try:
            if first is not None:
                await exchange.event(sse(first))
            async for chunk in chunks:
                if exchange.disconnected.is_set():
                    break
                await exchange.event(sse(chunk))
        except LocalModelError as error:
            await exchange.event(sse(_error(error.status, error.message)))
        finally:
            await chunks.aclose()
        await exchange.event(b"data: [DONE]\n\n")
        await exchange.end_stream()
