"""The hub's ASGI app served by uvicorn on a free loopback port, in a thread of the test process,
so it shares the test database (use with ``transactional_db``)."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import ClassVar

import uvicorn

from tests.simulated import free_port


class LiveHub:
    running: ClassVar[list[LiveHub]] = []

    def __init__(self) -> None:
        from hub.asgi import application

        self.port = free_port()
        config = uvicorn.Config(
            application, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _serve(self) -> None:
        asyncio.run(self._serve_then_close())

    async def _serve_then_close(self) -> None:
        from asgiref.sync import sync_to_async
        from django.db import connections

        await self.server.serve()
        # Django's request threads keep their connections; close them so the test database
        # can be dropped at the end of the session.
        await sync_to_async(connections.close_all)()

    def start(self) -> LiveHub:
        self.thread.start()
        LiveHub.running.append(self)
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the hub did not start")
            time.sleep(0.02)
        return self

    def wait_idle(self, timeout: float = 10) -> None:
        """Wait until no request is being handled: a streamed response records its call after
        the client has read the last byte, and a test must not see it land in the next one."""
        deadline = time.monotonic() + timeout
        while self.server.server_state.tasks and time.monotonic() < deadline:
            time.sleep(0.01)

    def stop(self) -> None:
        LiveHub.running.remove(self)
        self.server.should_exit = True
        self.thread.join(timeout=5)
