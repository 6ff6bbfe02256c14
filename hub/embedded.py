"""The processes of the embedded default, and the services they need on one machine.

Besides web and worker, ``make run`` starts the simulated provider and registers it in the
Default workspace, so a newcomer without any API key sees chat, playground and API working.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from decimal import Decimal
from pathlib import Path

from django.conf import settings

from hub.schedules import periodic_tasks_ensure
from providers.adapters.base import ModelInfo
from providers.catalog import catalog_merge
from providers.kinds import ProviderKind
from providers.local.model_files import model_files_scan, registered_files
from providers.models import Provider
from providers.simulator.content import JSON, MODELS, PRICING
from workspaces.models import Workspace

SIMULATED_SLUG = "simulated"
MILLION = Decimal(1_000_000)


def simulator_port() -> int | None:
    """The simulator's port, or None when HUB_SIMULATOR=false turns it off."""
    if os.environ.get("HUB_SIMULATOR", "true").strip().lower() in {"0", "false", "no", "off"}:
        return None
    return int(os.environ.get("HUB_SIMULATOR_PORT", "8099"))


def local_worker_port() -> int | None:
    """The inference worker's port when llama-cpp-python is installed (the ``local`` extra)
    and HUB_LOCAL_WORKER is not false; None otherwise."""

    if os.environ.get("HUB_LOCAL_WORKER", "true").strip().lower() in {"0", "false", "no", "off"}:
        return None
    if importlib.util.find_spec("llama_cpp") is None:
        return None
    return int(os.environ.get("HUB_LOCAL_WORKER_PORT", "8088"))


def embedded_processes(*, host: str, port: int, with_worker: bool) -> dict[str, list[str]]:
    """Command lines for web, the simulated provider and (optionally) the Celery workers: one
    with embedded beat for the hub's routine work, one for document ingestion."""
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
    sim_port = simulator_port()
    if sim_port is not None:
        processes["simulator"] = [
            python, "manage.py", "simulate_provider", "--port", str(sim_port),
            "--latency-ms", "120", "--tokens-per-second", "60",
        ]  # fmt: skip
    worker_port = local_worker_port()
    if worker_port is not None:
        processes["inference"] = [
            python, "manage.py", "inference_worker", "--port", str(worker_port),
        ]  # fmt: skip
    if with_worker:
        celery = [python, "-m", "celery", "-A", "hub", "worker", "--loglevel", "warning"]
        processes["worker"] = [*celery, "--beat", "--queues", "celery", "--pool", "solo",
                               "--hostname", "worker@%h"]  # fmt: skip
        # Documents are ingested, and evaluation and agent runs worked, beside each other, so a
        # long PDF never holds up the small files behind it; threads share one embedding model.
        processes["ingest"] = [*celery, "--queues", "rag,evals,agents", "--pool", "threads", "--concurrency",
                               str(settings.HUB_RAG_INGEST_CONCURRENCY), "--hostname", "ingest@%h"]  # fmt: skip
    return processes


def prepare_embedded_services(*, workspace: Workspace) -> list[str]:
    """Set up what the embedded default offers out of the box; returns lines to print."""

    periodic_tasks_ensure()
    notes = []
    sim_port = simulator_port()
    if sim_port is not None:
        provider = simulated_provider_register(workspace, f"http://127.0.0.1:{sim_port}")
        notes.append(
            f"simulated provider: {provider.name} ({provider.base_url}), try model simulated/echo"
        )
    worker_port = local_worker_port()
    if worker_port is not None:
        count = local_provider_register(workspace, f"http://127.0.0.1:{worker_port}/v1")
        notes.append(f"local models: {count} GGUF files in {local_models_dir()} (provider 'local')")
    return notes


def local_models_dir():

    return Path(os.environ.get("HUB_MODELS_DIR") or settings.DATA_DIR / "models")


def local_provider_register(workspace: Workspace, base_url: str) -> int:
    """The "Local" provider and the GGUF models on disk in its catalog; returns their count."""

    directory = local_models_dir()
    directory.mkdir(parents=True, exist_ok=True)
    provider, _ = Provider.objects.get_or_create(
        workspace=workspace,
        slug="local",
        defaults={"kind": ProviderKind.LOCAL, "name": "Local (llama.cpp)", "base_url": base_url},
    )
    found = model_files_scan([directory], registered_files()).models.values()
    catalog_merge(
        provider,
        [ModelInfo(id=i.id, context_window=i.context_length, is_embedding=i.is_embedding_model,
                   input_price_per_mtok=Decimal(0), output_price_per_mtok=Decimal(0)) for i in found],
    )  # fmt: skip
    return len(found)


def simulated_provider_register(workspace: Workspace, base_url: str):
    """The "Simulated" provider and its catalog; kept as the user left it when it exists."""

    provider, created = Provider.objects.get_or_create(
        workspace=workspace,
        slug=SIMULATED_SLUG,
        defaults={"kind": ProviderKind.SIMULATED, "name": "Simulated", "base_url": base_url},
    )
    if not created and provider.kind == ProviderKind.SIMULATED and provider.base_url != base_url:
        Provider.objects.filter(pk=provider.pk).update(base_url=base_url)
    # A reranker has no tools and no JSON mode; it routes like any model for /v1/rerank.
    listed = [
        ModelInfo(
            id=m["id"], context_window=m["context_window"],
            max_output_tokens=m.get("max_output_tokens"), is_embedding=bool(m.get("embedding")),
            is_rerank=bool(m.get("rerank")),
            supports_tools=_chats(m), supports_json=_chats(m),
            input_price_per_mtok=Decimal(PRICING["prompt"]) * MILLION,
            output_price_per_mtok=Decimal(PRICING["completion"]) * MILLION,
        )
        for m in MODELS
    ]  # fmt: skip
    catalog_merge(provider, listed)
    return provider


def _chats(model: JSON) -> bool:
    return not (model.get("embedding") or model.get("rerank"))
