"""The processes of the embedded default, and the services they need on one machine."""

from __future__ import annotations

import sys

from workspaces.models import Workspace


def embedded_processes(*, host: str, port: int, with_worker: bool) -> dict[str, list[str]]:
    """Command lines for web and (optionally) the Celery worker with embedded beat."""
    python = sys.executable
    processes = {
        "web": [
            python,
            "-m",
            "uvicorn",
            "hub.asgi:application",
            "--host",
            host,
            "--port",
            str(port),
            "--no-access-log",
            "--timeout-graceful-shutdown",
            "10",
        ],
    }
    if with_worker:
        processes["worker"] = [
            python,
            "-m",
            "celery",
            "-A",
            "hub",
            "worker",
            "--beat",
            "--pool",
            "solo",
            "--loglevel",
            "warning",
        ]
    return processes


def prepare_embedded_services(*, workspace: Workspace) -> list[str]:
    """Set up what the embedded default offers out of the box; returns lines to print."""
    return []
