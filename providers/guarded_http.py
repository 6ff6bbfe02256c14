"""HTTP for URLs a user gave the hub (agent tools, and next webhooks and MCP servers): the
private-address guard enforced where the connection is made, not only where the URL was
typed. Every address a host name resolves to is checked at connect time, and the socket goes
to a checked address, so a name that resolves to a public address when saved and to
127.0.0.1 when called (DNS rebinding) is still refused. Proxies from the environment are
ignored: they would connect on the hub's behalf, past the check.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from typing import Any

import anyio
import httpcore
import httpx

from providers.adapters.upstream_http import tls_context
from providers.url_guard import is_internal_address

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class AddressRefused(httpcore.ConnectError):
    """The host is, or resolves to, a private, loopback or otherwise internal address."""


class _GuardedBackend(httpcore.AsyncNetworkBackend):
    def __init__(self, *, allow_internal: bool) -> None:
        self._inner = httpcore.AnyIOBackend()
        self._allow_internal = allow_internal

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await _resolved(host, port)
        if not addresses:
            raise httpcore.ConnectError(f"{host} does not resolve")
        if not self._allow_internal and (
            _named_local(host) or any(is_internal_address(a) for a in addresses)
        ):
            raise AddressRefused(
                f"{host} is a private or loopback address; the hub will not call it"
            )
        failure: Exception | None = None
        for address in addresses:  # connect to what was checked, never to the name again
            try:
                return await self._inner.connect_tcp(
                    str(address), port, timeout=timeout, local_address=local_address,
                    socket_options=socket_options,
                )  # fmt: skip
            except httpcore.ConnectError as error:
                failure = error
        assert failure is not None
        raise failure

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.AsyncNetworkStream:
        raise AddressRefused("unix sockets are not reachable from here")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def _named_local(host: str) -> bool:
    name = host.lower().rstrip(".")
    return name in {"localhost", "localhost.localdomain"} or name.endswith(".localhost")


async def _resolved(host: str, port: int) -> list[Address]:
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    try:
        infos = await anyio.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return []
    found = dict.fromkeys(
        ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos
    )  # fmt: skip
    return list(found)


class GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport over a connection pool whose every socket passes the guard."""

    def __init__(self, *, allow_internal: bool = False, max_connections: int = 20) -> None:
        super().__init__(trust_env=False)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=tls_context(),
            max_connections=max_connections,
            network_backend=_GuardedBackend(allow_internal=allow_internal),
        )


def guarded_client(*, allow_internal: bool = False, timeout: float = 10.0) -> httpx.AsyncClient:
    """An HTTP client that refuses internal addresses unless ``allow_internal`` (a site
    administrator's choice); redirects are not followed (each hop would need the check)."""
    return httpx.AsyncClient(
        transport=GuardedTransport(allow_internal=allow_internal),
        timeout=httpx.Timeout(timeout),
        follow_redirects=False,
        trust_env=False,
    )


async def body_limited(response: httpx.Response, max_bytes: int) -> bytes:
    """The response body, refused past ``max_bytes`` without reading the rest."""
    chunks, size = [], 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise ValueError(f"the response is larger than {max_bytes} bytes")
        chunks.append(chunk)
    return b"".join(chunks)
