"""Pooled aiohttp sessions for upstream calls, one per event loop, closed with their loop.

aiohttp rather than httpx on the hot path: against a local upstream at concurrency 32,
httpx's pool spent about 2 ms of CPU per request (it polls every pooled connection on
each checkout) where aiohttp spent about 0.1 ms, on the same core. Sessions belong to the loop that opened them: the web server has one
long-lived loop, while ``async_to_sync`` callers (health checks, model sync, Celery tasks)
run short-lived ones. Each session is paired with a parked async generator, so when
``asyncio.run`` finalises the loop's generators the session closes cleanly with it.
"""

from __future__ import annotations

import asyncio
import functools
import ssl
import weakref
from collections.abc import AsyncIterator

import aiohttp
import certifi

POOL_SIZE = 512  # connections per session, across all upstream hosts
KEEPALIVE_SECONDS = 60


class UpstreamSessions:
    def __init__(self) -> None:
        self._by_loop: weakref.WeakKeyDictionary[
            asyncio.AbstractEventLoop, tuple[aiohttp.ClientSession, AsyncIterator[None]]
        ] = weakref.WeakKeyDictionary()

    async def session(self) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        held = self._by_loop.get(loop)
        if held is not None and not held[0].closed:
            return held[0]
        session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(
                limit=POOL_SIZE,
                limit_per_host=0,
                keepalive_timeout=KEEPALIVE_SECONDS,
                ssl=tls_context(),
            ),
            trust_env=False,
        )
        keeper = _close_with_loop(session)
        await anext(keeper)  # parked; the loop's async-generator shutdown resumes it
        self._by_loop[loop] = (session, keeper)
        return session

    async def aclose(self) -> None:
        """Close the running loop's session now (tests, graceful shutdown)."""
        held = self._by_loop.pop(asyncio.get_running_loop(), None)
        if held is not None:
            await held[0].close()


@functools.cache
def tls_context() -> ssl.SSLContext:
    """The system's trust store (and SSL_CERT_FILE / SSL_CERT_DIR) plus certifi's bundle, so
    slim images without CA packages still verify provider certificates."""
    context = ssl.create_default_context()
    context.load_verify_locations(cafile=certifi.where())
    return context


async def _close_with_loop(session: aiohttp.ClientSession) -> AsyncIterator[None]:
    try:
        yield
    finally:
        await session.close()


async def sse_lines(response: aiohttp.ClientResponse) -> AsyncIterator[bytes]:
    """The body's lines as they arrive, without line endings, however the bytes are split."""
    pending = b""
    async for data in response.content.iter_any():
        pending += data
        *lines, pending = pending.split(b"\n")
        for line in lines:
            yield line.rstrip(b"\r")
    if pending:
        yield pending.rstrip(b"\r")
