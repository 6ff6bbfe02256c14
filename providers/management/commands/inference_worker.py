"""``manage.py inference_worker``: the one process that loads GGUF models with llama.cpp and
serves them on loopback as an OpenAI-compatible API (the ``local`` provider kind)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import uvicorn
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from providers.local.manager import ModelManager
from providers.local.model_files import model_files_scan, registered_files
from providers.local.server import InferenceWorker


class Command(BaseCommand):
    help = "Serve the GGUF models of a directory through llama.cpp (the local provider)."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--models-dir", default=os.environ.get("HUB_MODELS_DIR", ""))
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8088)
        parser.add_argument(
            "--memory-budget-mb", type=int, default=int(os.environ.get("HUB_LOCAL_MEMORY_MB", "0"))
        )
        parser.add_argument(
            "--context", type=int, default=int(os.environ.get("HUB_LOCAL_CONTEXT", "2048"))
        )
        parser.add_argument(
            "--keep-alive", type=float, default=float(os.environ.get("HUB_LOCAL_KEEP_ALIVE", "300"))
        )
        parser.add_argument(
            "--concurrency", type=int, default=1, help="Requests at once per model."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            import llama_cpp  # noqa: F401
        except ImportError:
            raise CommandError(
                "llama-cpp-python is not installed: pip install -e '.[local]' (it compiles; "
                "a few minutes)."
            ) from None

        models_dir = Path(options["models_dir"] or settings.DATA_DIR / "models")
        models_dir.mkdir(parents=True, exist_ok=True)

        def scan():
            return model_files_scan([models_dir], registered_files())

        model_files = scan()
        manager = ModelManager(
            model_files,
            memory_budget=options["memory_budget_mb"] * 2**20 or None,
            context=options["context"],
            keep_alive=options["keep_alive"] or None,
            concurrency=options["concurrency"],
        )
        self.stdout.write(
            f"Inference worker on http://{options['host']}:{options['port']} with "
            f"{len(model_files.models)} models from {models_dir} "
            f"(budget {manager.memory_budget / 2**20:.0f} MiB, "
            f"GPU offload {'on' if manager.hardware.gpu_offload else 'off'})"
        )
        for name, why in model_files.rejected.items():
            self.stderr.write(f"skipped {name}: {why}")
        uvicorn.run(
            InferenceWorker(manager, rescan=scan), host=options["host"], port=options["port"],
            log_level="warning", access_log=False, timeout_graceful_shutdown=5,
        )  # fmt: skip
