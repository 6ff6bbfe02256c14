"""The guard where connections are made: a loopback server is refused by address and by name,
and reached when a site administrator allows internal addresses; IPv6 and IPv4-in-IPv6
loopback, the unspecified address and unix sockets are refused too; public addresses pass."""

from __future__ import annotations

import ipaddress

import httpx
import pytest
from asgiref.sync import async_to_sync

from providers.guarded_http import body_limited, guarded_client
from providers.url_guard import is_internal_address
from tests.loopback import HttpServer


@pytest.fixture
def server():
    running = HttpServer(lambda *_: (200, {"ok": True, "padding": "x" * 5000}))
    yield running
    running.stop()


async def get(url: str, *, allow_internal: bool = False, max_bytes: int = 1_000_000):
    client = guarded_client(allow_internal=allow_internal, timeout=5)
    async with client, client.stream("GET", url) as response:
        return response.status_code, await body_limited(response, max_bytes)


def test_loopback_is_refused_by_address_and_by_name_and_reached_when_allowed(server):
    port = server.url.rsplit(":", 1)[1]
    for url in (server.url, f"http://localhost:{port}/", f"http://api.localhost:{port}/",
                f"http://[::1]:{port}/", f"http://0.0.0.0:{port}/"):  # fmt: skip
        with pytest.raises(httpx.ConnectError, match=r"private or loopback|does not resolve"):
            async_to_sync(get)(url)
    assert server.requests == []  # nothing reached it
    status, body = async_to_sync(get)(server.url, allow_internal=True)
    assert status == 200 and b'"ok": true' in body
    with pytest.raises(ValueError, match="larger than 100 bytes"):
        async_to_sync(get)(server.url, allow_internal=True, max_bytes=100)


def test_which_addresses_are_internal():
    internal = ["127.0.0.1", "10.1.2.3", "192.168.0.1", "172.16.5.5", "169.254.169.254",
                "::1", "fe80::1", "::ffff:127.0.0.1", "0.0.0.0", "224.0.0.1"]  # noqa: S104  # fmt: skip
    public = ["93.184.215.14", "1.1.1.1", "2606:4700:4700::1111"]
    assert all(is_internal_address(ipaddress.ip_address(a)) for a in internal)
    assert not any(is_internal_address(ipaddress.ip_address(a)) for a in public)
