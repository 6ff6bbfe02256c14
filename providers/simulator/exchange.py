"""The raw ASGI plumbing of the simulator: read a request, send JSON, SSE, or nothing at all.

Raw ASGI rather than a framework keeps the simulator fast enough to benchmark the hub against.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any
from urllib.parse import parse_qs

JSON = dict[str, Any]
Receive = Any
Send = Any


class ConnectionCut(Exception):
    """Raised to make uvicorn drop the connection mid-response (the ``cut`` fault)."""


class Exchange:
    """One HTTP request and its response."""

    def __init__(self, scope: JSON, receive: Receive, send: Send) -> None:
        self.method: str = scope["method"]
        self.path: str = scope["path"]
        self.query = {
            k: v[-1] for k, v in parse_qs(scope.get("query_string", b"").decode()).items()
        }
        self.headers = {k.decode().lower(): v.decode() for k, v in scope.get("headers", [])}
        self._receive = receive
        self._send = send
        self.disconnected = asyncio.Event()

    async def body(self) -> bytes:
        chunks: list[bytes] = []
        while True:
            message = await self._receive()
            if message["type"] == "http.disconnect":
                self.disconnected.set()
                break
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        return b"".join(chunks)

    async def json_body(self) -> JSON | None:
        try:
            data = json.loads(await self.body() or b"{}")
        except ValueError:
            return None
        return data if isinstance(data, dict) else None

    async def respond(
        self, status: int, data: JSON | bytes, headers: dict[str, str] | None = None
    ) -> None:
        payload = data if isinstance(data, bytes) else json.dumps(data).encode()
        await self._start(status, "application/json", headers)
        await self._send({"type": "http.response.body", "body": payload})

    async def cut_mid_body(self) -> None:
        """Promise a body, send part of it, then drop the connection (uvicorn would answer a
        clean 500 for an app that fails before starting its response)."""
        await self._start(200, "application/json", {"content-length": "4096"})
        await self._send({"type": "http.response.body", "body": b'{"id": "', "more_body": True})
        raise ConnectionCut

    async def start_stream(self) -> None:
        await self._start(200, "text/event-stream", {"cache-control": "no-cache"})
        asyncio.get_running_loop().create_task(self._watch_disconnect())

    async def event(self, payload: bytes) -> None:
        await self._send({"type": "http.response.body", "body": payload, "more_body": True})

    async def end_stream(self) -> None:
        await self._send({"type": "http.response.body", "body": b""})

    async def wait_for_disconnect(self) -> None:
        """Hold the request open until the client leaves (the ``hang`` fault)."""
        while (await self._receive())["type"] != "http.disconnect":
            pass
        self.disconnected.set()

    async def _watch_disconnect(self) -> None:
        while not self.disconnected.is_set():
            if (await self._receive())["type"] == "http.disconnect":
                self.disconnected.set()

    async def _start(self, status: int, content_type: str, headers: dict[str, str] | None) -> None:
        pairs = [(b"content-type", content_type.encode())]
        pairs += [(k.encode(), v.encode()) for k, v in (headers or {}).items()]
        await self._send({"type": "http.response.start", "status": status, "headers": pairs})


def sse(data: JSON | str, event: str | None = None) -> bytes:
    text = data if isinstance(data, str) else json.dumps(data)
    prefix = f"event: {event}\n" if event else ""
    return f"{prefix}data: {text}\n\n".encode()


async def lifespan(receive: Receive, send: Send, on_startup=None) -> None:
    """Answer ASGI lifespan events; ``on_startup`` (a coroutine function) runs once at start."""
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            if on_startup is not None:
                await on_startup()
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
