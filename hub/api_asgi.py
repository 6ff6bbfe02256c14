"""The /v1 model API skips Django's middleware stack and its per-request thread.

Each synchronous middleware costs a thread hop per request in an async view (about 15 hops
for the stack the pages need: sessions, CSRF, messages…). The /v1 views authenticate API
keys themselves, need no session, cookie or CSRF, and answer JSON errors, so they are served
by a second handler built with no middleware at all. Pages keep the full stack.

Django also gives every request its own executor thread (ThreadSensitiveContext), started
and joined per request; /v1 code touches the database only on cache misses, so its few sync
calls share asgiref's one long-lived thread instead.

What the skipped middleware would have done and /v1 still needs is done here: the Host
header must be one of ALLOWED_HOSTS (else 400, as pages answer), and every response says
``X-Content-Type-Options: nosniff``.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.handlers.asgi import ASGIHandler
from django.http.request import split_domain_port, validate_host

from providers.adapters.upstream_http import tls_context
from routing.pipeline.errors import error_body
from routing.pipeline.tokens import tokens_in_text

API_PREFIXES = ("/v1/",)
API_ROOTS = ("/v1",)


class MiddlewareFreeASGIHandler(ASGIHandler):
    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        await self.handle(scope, receive, send)  # no per-request ThreadSensitiveContext

    def load_middleware(self, is_async: bool = False) -> None:
        full = settings.MIDDLEWARE
        settings.MIDDLEWARE = []
        try:
            super().load_middleware(is_async=is_async)
        finally:
            settings.MIDDLEWARE = full


def split_api_traffic(pages_app: Any) -> Any:
    """An ASGI app sending /v1 requests to the middleware-free handler, the rest to pages."""
    api_app = MiddlewareFreeASGIHandler()

    async def app(scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not _is_api(scope["path"]):
            await pages_app(scope, receive, send)
        elif not host_allowed(scope):
            await _refuse_host(send)
        else:
            await api_app(scope, receive, _nosniff(send))

    return app


def _is_api(path: str) -> bool:
    return path.startswith(API_PREFIXES) or path in API_ROOTS


def host_allowed(scope: dict) -> bool:
    """The request's Host is one of ALLOWED_HOSTS, as Django checks it for pages."""
    host = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"host"), "")
    domain, _port = split_domain_port(host)
    return bool(domain) and validate_host(domain, settings.ALLOWED_HOSTS)


async def _refuse_host(send: Any) -> None:
    body = error_body(
        "Invalid Host header: add it to ALLOWED_HOSTS.", status_code=400, code="invalid_host"
    )
    await send(
        {"type": "http.response.start", "status": 400, "headers": [
            (b"content-type", b"application/json"), (b"x-content-type-options", b"nosniff"),
        ]}
    )  # fmt: skip
    await send({"type": "http.response.body", "body": json.dumps(body).encode()})


def _nosniff(send: Any) -> Any:
    async def sending(message: dict) -> None:
        if message["type"] == "http.response.start":
            message["headers"] = [
                *message.get("headers", ()),
                (b"x-content-type-options", b"nosniff"),
            ]
        await send(message)

    return sending


def warm_up_hot_path() -> None:
    """Load once per worker, at start-up, what the first /v1 call would otherwise wait for:
    the tokenizer that sizes prompts and the TLS trust store of upstream connections."""
    tls_context()
    tokens_in_text("warm up")
