"""``manage.py simulate_provider``: the simulated provider as a real HTTP server."""

from __future__ import annotations

import logging
from typing import Any

import uvicorn
from django.core.management.base import BaseCommand, CommandError, CommandParser

from providers.simulator.app import Simulator
from providers.simulator.exchange import ConnectionCut
from providers.simulator.faults import FAULTS, FaultPlan, ScriptError


class _HideDeliberateCuts(logging.Filter):
    """A ``cut`` fault drops the connection by raising; that is not an error worth a traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], ConnectionCut))


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # a test double starts fast and asks nothing of the DB
    help = (
        "Serve a simulated provider speaking OpenAI (/v1/chat/completions, /v1/embeddings, "
        "/v1/models), Jina's and Cohere's rerank (/v1/rerank, /v2/rerank), Anthropic "
        "(/v1/messages) and Gemini (/v1beta/models/...). Model names "
        "fault-<name> fail on purpose: " + ", ".join(f"{k} ({v})" for k, v in FAULTS.items())
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8099)
        parser.add_argument("--latency-ms", type=float, default=0.0, help="Delay before answering.")
        parser.add_argument(
            "--tokens-per-second", type=float, default=0.0, help="Stream pace; 0 is unlimited."
        )
        parser.add_argument(
            "--script", help='JSON file {"sequence": ["500", "ok", ...], "repeat": false}.'
        )

    def handle(self, *args: Any, **options: Any) -> None:

        try:
            plan = FaultPlan.from_file(options["script"]) if options["script"] else FaultPlan()
        except ScriptError as error:
            raise CommandError(str(error)) from None
        app = Simulator(
            latency_ms=options["latency_ms"],
            tokens_per_second=options["tokens_per_second"],
            plan=plan,
        )
        logging.getLogger("uvicorn.error").addFilter(_HideDeliberateCuts())
        self.stdout.write(f"Simulated provider on http://{options['host']}:{options['port']}")
        uvicorn.run(
            app, host=options["host"], port=options["port"], log_level="warning",
            access_log=False, timeout_graceful_shutdown=2,
        )  # fmt: skip
