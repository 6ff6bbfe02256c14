"""The web worker's ASGI lifespan: what it does when it starts and when it stops.

At start the usage writer begins, writing first what a stopped process left in its spool,
and the translated adapters are loaded when the installation uses them (see
providers/warm_up.py); the worker takes requests only then.
At a graceful stop (SIGTERM: uvicorn stops taking requests, lets those in flight finish,
then sends ``lifespan.shutdown``) the usage records still queued are written, or spooled to
disk when the database is away, before the process exits. Without this, uvicorn re-raising
SIGTERM after its shutdown skipped the ``atexit`` flush, and answered calls lost records.
"""

from __future__ import annotations

import asyncio
import gc
from typing import Any

from analytics.recorder import usage_recorder
from providers.warm_up import warm_up_at_start

SHUTDOWN_WRITE_S = 5.0  # how long a stopping worker tries to write before spooling the rest


def with_lifespan(app: Any) -> Any:
    """``app`` with the lifespan protocol handled; every other scope goes to ``app``."""

    async def wrapped(scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "lifespan":
            await app(scope, receive, send)
            return
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                usage_recorder.start()
                if await asyncio.to_thread(warm_up_at_start):
                    gc.freeze()  # litellm's modules live as long as the worker (see asgi.py)
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await asyncio.to_thread(usage_recorder.shutdown, SHUTDOWN_WRITE_S)
                await send({"type": "lifespan.shutdown.complete"})
                return

    return wrapped
