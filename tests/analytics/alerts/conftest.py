"""Fixtures for alert tests: a real SMTP server and a real webhook receiver on loopback."""

from tests.loopback import smtp_server, webhook_receiver  # noqa: F401
