"""A real MCP server for tests: the ``mcp`` package's own server, over streamable HTTP on
loopback, run by uvicorn in a thread. It checks a bearer token when given one and counts
calls, so a test sees what the hub sent."""

from __future__ import annotations

import threading
import time
from typing import Any

import uvicorn
from mcp.server.mcpserver import MCPServer

from tests.simulated import free_port


class McpTestServer:
    def __init__(self, *, token: str = "") -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.token = token
        self.seen_tokens: list[str] = []
        app = MCPServer(name="tests")

        @app.tool(description="Add two integers.")
        def add(a: int, b: int) -> str:
            self.calls.append(("add", {"a": a, "b": b}))
            return str(a + b)

        @app.tool(description="Shout the text back in capitals.")
        def shout(text: str) -> str:
            self.calls.append(("shout", {"text": text}))
            return text.upper()

        @app.tool(description="Delete everything (never allowlisted).")
        def delete_everything() -> str:
            self.calls.append(("delete_everything", {}))
            return "deleted"

        starlette = app.streamable_http_app(stateless_http=True, json_response=True)
        self.port = free_port()
        config = uvicorn.Config(self._checked(starlette), host="127.0.0.1", port=self.port,
                                log_level="warning", lifespan="on")  # fmt: skip
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            assert time.monotonic() < deadline, "the MCP server did not start"
            time.sleep(0.05)

    def _checked(self, inner: Any) -> Any:
        async def app(scope: dict, receive: Any, send: Any) -> None:
            if scope["type"] == "http" and self.token:
                headers = dict(scope.get("headers") or [])
                sent = headers.get(b"authorization", b"").decode()
                self.seen_tokens.append(sent)
                if sent != f"Bearer {self.token}":
                    await send({"type": "http.response.start", "status": 401, "headers": []})
                    await send({"type": "http.response.body", "body": b"unauthorized"})
                    return
            await inner(scope, receive, send)

        return app

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/mcp"

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
