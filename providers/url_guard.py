"""Where a provider may point: private and loopback addresses are for site admins only.

Without this rule any workspace admin could make the hub call internal services (SSRF).
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError


def _addresses(host: str) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        return []  # unresolvable now; the call-time check sees it again
    # Over TCP every answer is an IPv4 or IPv6 socket address, whose first item is a str.
    addresses = [info[4][0] for info in infos]
    return [ipaddress.ip_address(a.split("%")[0]) for a in addresses if isinstance(a, str)]


def is_internal_address(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Private, loopback, link-local, reserved, unspecified or multicast (an IPv4 address
    mapped into IPv6 is judged as the IPv4 address it carries)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_reserved
        or address.is_unspecified
        or address.is_multicast
    )


def is_internal_host(host: str) -> bool:
    if host.lower() in {"localhost", "localhost.localdomain"} or host.lower().endswith(
        ".localhost"
    ):
        return True
    return any(is_internal_address(address) for address in _addresses(host))


def base_url_validate(url: str, *, allow_internal: bool) -> str:
    """The cleaned URL, or a ValidationError on the ``base_url`` field."""
    url = url.strip().rstrip("/")
    if not url:
        return url
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValidationError({"base_url": "Enter an http:// or https:// URL with a host."})
    if parts.username or parts.password:
        raise ValidationError({"base_url": "Put credentials in a credential, not in the URL."})
    if not allow_internal and is_internal_host(parts.hostname):
        raise ValidationError(
            {
                "base_url": "Only site administrators may point a provider at a private or "
                "loopback address."
            }
        )
    return url
