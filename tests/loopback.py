"""Real servers on loopback for tests that cross a network boundary: an SMTP server, an HTTP
server answering with a handler of the test's choosing, and one that never answers."""

from __future__ import annotations

import email
import json
import socket
import ssl
import threading
from collections.abc import Callable
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from tests.simulated import free_port

# (method, path, headers, body) -> (status, JSON body)
Handler = Callable[[str, str, dict[str, str], bytes], tuple[int, Any]]


class HttpServer:
    """A threaded HTTP server on a free port; records every request it gets."""

    def __init__(
        self, handler: Handler | None = None, *, tls: ssl.SSLContext | None = None
    ) -> None:
        self.scheme = "https" if tls else "http"
        self.requests: list[dict[str, Any]] = []
        self.handler: Handler = handler or (lambda *_: (200, {"ok": True}))
        server = self

        class _Request(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else b""
                headers = {k.lower(): v for k, v in self.headers.items()}
                server.requests.append(
                    {"method": self.command, "path": self.path, "headers": headers, "body": body}
                )
                status, payload = server.handler(self.command, self.path, headers, body)
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _answer

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Request)
        if tls is not None:
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self._server.server_address[1]}"

    def json_bodies(self) -> list[Any]:
        return [json.loads(r["body"]) for r in self.requests if r["body"]]

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


class SilentServer:
    """Accepts connections and never answers: a provider that hangs."""

    def __init__(self) -> None:
        self._socket = socket.socket()
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(64)
        self._held: list[socket.socket] = []
        self._stopped = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        self._socket.settimeout(0.2)
        while not self._stopped.is_set():
            try:
                connection, _ = self._socket.accept()
            except (TimeoutError, OSError):
                continue
            self._held.append(connection)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._socket.getsockname()[1]}"

    def stop(self) -> None:
        self._stopped.set()
        for connection in self._held:
            connection.close()
        self._socket.close()


class _Collect:
    def __init__(self) -> None:
        self.envelopes: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append(envelope)
        return "250 Message accepted"


class SmtpServer:
    """aiosmtpd on a free loopback port; ``messages`` are the parsed mails it received."""

    def __init__(self) -> None:
        self.port = free_port()
        self._handler = _Collect()
        self._controller = Controller(self._handler, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    @property
    def messages(self) -> list[Message]:
        return [email.message_from_bytes(e.original_content) for e in self._handler.envelopes]

    @property
    def recipients(self) -> list[str]:
        return sorted(rcpt for e in self._handler.envelopes for rcpt in e.rcpt_tos)

    def stop(self) -> None:
        self._controller.stop()


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server, with Django's SMTP backend pointed at it."""
    server = SmtpServer()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.stop()


@pytest.fixture
def webhook_receiver():
    """A real HTTP server that answers 200 and keeps what was posted."""
    server = HttpServer()
    yield server
    server.stop()
