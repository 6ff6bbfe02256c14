"""The fast path's HTTP client: keep-alive reuse, sessions closed with their loop, streams
parsed however the bytes arrive. A counting TCP relay stands between adapter and simulator."""

from __future__ import annotations

import asyncio
import gc
import warnings
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import urlsplit

from asgiref.sync import async_to_sync

from providers.adapters.base import Target
from providers.adapters.openai_compatible import OpenAICompatibleAdapter

CHAT = {"model": "echo", "messages": [{"role": "user", "content": "one two three"}]}


class Relay:
    """Forwards TCP to the simulator, counting connections; ``dribble`` sends replies a
    byte at a time, so every possible split of the SSE stream reaches the client."""

    def __init__(self, upstream_url: str, *, dribble: bool = False) -> None:
        parts = urlsplit(upstream_url)
        self.upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.dribble = dribble
        self.connections = 0
        self.url = ""

    async def _pipe(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, *, slow: bool
    ) -> None:
        try:
            while data := await reader.read(65536):
                for piece in [data[i : i + 1] for i in range(len(data))] if slow else [data]:
                    writer.write(piece)
                    await writer.drain()
        finally:
            writer.close()

    async def _serve(
        self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter
    ) -> None:
        self.connections += 1
        up_reader, up_writer = await asyncio.open_connection(*self.upstream)
        await asyncio.gather(
            self._pipe(client_reader, up_writer, slow=False),
            self._pipe(up_reader, client_writer, slow=self.dribble),
            return_exceptions=True,
        )

    @asynccontextmanager
    async def running(self) -> AsyncIterator[Relay]:
        server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/v1"
        async with server:
            yield self


def target(url: str) -> Target:
    return Target(provider_id=1, provider_slug="sim", kind="simulated", base_url=url, model="echo")


async def test_calls_on_one_loop_share_one_keepalive_connection(simulator):
    adapter = OpenAICompatibleAdapter()
    async with Relay(simulator.url).running() as relay:
        for _ in range(20):
            answer = await adapter.chat(target(relay.url), CHAT)
            assert answer["choices"][0]["message"]["content"] == "You said: one two three"
        await adapter.aclose()
    assert relay.connections == 1


async def test_stream_delivered_a_byte_at_a_time_parses_the_same(simulator):
    adapter = OpenAICompatibleAdapter()
    body = {**CHAT, "stream": True, "stream_options": {"include_usage": True}}
    async with Relay(simulator.url, dribble=True).running() as relay:
        chunks = [chunk async for chunk in adapter.chat_stream(target(relay.url), body)]
        await adapter.aclose()
    text = "".join(
        c.data["choices"][0]["delta"].get("content", "") for c in chunks if c.data["choices"]
    )
    assert text == "You said: one two three"
    assert chunks[-1].data["usage"]["completion_tokens"] == 5
    assert all(c.raw is not None and c.raw.startswith(b"{") for c in chunks)


def test_a_short_lived_loop_closes_its_session_and_warns_nothing(simulator):
    """Health checks and model sync call the adapter through async_to_sync: a new loop each
    time. Each loop's pooled session must close with it, not leak sockets."""
    adapter = OpenAICompatibleAdapter()
    sessions = []

    async def list_and_keep_session() -> list:
        sessions.append(await adapter.sessions.session())
        return await adapter.list_models(target(simulator.url + "/v1"))

    gc.collect()  # what earlier tests of this worker left is theirs, not this test's
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(3):
            assert any(m.id == "echo" for m in async_to_sync(list_and_keep_session)())
        gc.collect()
    assert len(sessions) == 3 and all(session.closed for session in sessions)
    assert not [w for w in caught if "nclosed" in str(w.message)]


def test_a_provider_behind_a_private_ca_is_trusted_through_ssl_cert_file(tmp_path, monkeypatch):
    """Public CAs are trusted out of the box (certifi); a self-hosted server's or a corporate
    proxy's CA is added with SSL_CERT_FILE, and an unknown CA is refused."""
    import pytest

    from providers.adapters.base import UpstreamError
    from providers.adapters.upstream_http import tls_context
    from tests.loopback import HttpServer
    from tests.private_ca import private_ca

    ca_file, server_tls = private_ca(tmp_path)
    server = HttpServer(lambda *_: (200, {"data": [{"id": "private-model"}]}), tls=server_tls)
    secured = target(server.url + "/v1")
    try:
        tls_context.cache_clear()
        with pytest.raises(UpstreamError) as refused:
            async_to_sync(OpenAICompatibleAdapter().list_models)(secured)
        assert refused.value.error_class == "connect_error"
        assert "ClientConnectorCertificateError" in str(refused.value)  # as the README says
        monkeypatch.setenv("SSL_CERT_FILE", str(ca_file))
        tls_context.cache_clear()
        models = async_to_sync(OpenAICompatibleAdapter().list_models)(secured)
        assert [m.id for m in models] == ["private-model"]
    finally:
        server.stop()
        monkeypatch.delenv("SSL_CERT_FILE")
        tls_context.cache_clear()
