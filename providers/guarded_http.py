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
from typing import Any, cast

import anyio
import httpcore
import httpx

from providers.adapters.upstream_http import tls_context
from providers.url_guard import is_internal_address

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


REFUSED = "is a private or loopback address; the hub will not call it"


class _GuardedBackend:
    """A network backend of ``core`` (httpcore, or httpcore2 under the MCP client's httpx2)
    whose every TCP connection passes the guard; errors are ``core``'s own, so the client
    above maps them as it maps any failed connect."""

    def __init__(self, *, allow_internal: bool, core: Any = httpcore) -> None:
        self._core = core
        self._inner = core.AnyIOBackend()
        self._allow_internal = allow_internal

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> Any:
        addresses = await _resolved(host, port)
        if not addresses:
            raise self._core.ConnectError(f"{host} does not resolve")
        if not self._allow_internal and (
            _named_local(host) or any(is_internal_address(a) for a in addresses)
        ):
            raise self._core.ConnectError(f"{host} {REFUSED}")
        failure: Exception | None = None
        for address in addresses:  # connect to what was checked, never to the name again
            try:
                return await self._inner.connect_tcp(
                    str(address), port, timeout=timeout, local_address=local_address,
                    socket_options=socket_options,
                )  # fmt: skip
            except self._core.ConnectError as error:
                failure = error
        assert failure is not None
        raise failure

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> Any:
        raise self._core.ConnectError(f"unix sockets {REFUSED}")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def refused(error: BaseException) -> bool:
    """Whether a failed connect was the guard refusing an internal address."""
    return REFUSED in str(error)


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
            network_backend=cast(
                httpcore.AsyncNetworkBackend, _GuardedBackend(allow_internal=allow_internal)
            ),
        )


def guarded_httpx2_client(*, allow_internal: bool, timeout: float, headers: dict[str, str]) -> Any:
    """The same guard for httpx2, the HTTP client the ``mcp`` package speaks through."""
    import httpcore2
    import httpx2

    transport = httpx2.AsyncHTTPTransport(trust_env=False)
    transport._pool = httpcore2.AsyncConnectionPool(
        ssl_context=tls_context(), max_connections=10,
        network_backend=cast(Any, _GuardedBackend(allow_internal=allow_internal, core=httpcore2)),
    )  # fmt: skip
    return httpx2.AsyncClient(
        transport=transport, timeout=httpx2.Timeout(timeout, read=max(timeout, 30.0)),
        headers=headers, follow_redirects=False, trust_env=False,
    )  # fmt: skip


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
