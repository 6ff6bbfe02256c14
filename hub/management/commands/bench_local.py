"""``manage.py bench_local``: tokens/s of one GGUF model called in-process through
llama-cpp-python, then served by the inference worker and called through the hub's /v1.

Without ``--model`` it writes a random-weight llama big enough (``--embedding``,
``--layers``) that generation, not HTTP, dominates — as with real models.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from hub.benchmarks import bench_key, bench_workspace, free_port, port_wait, processes_stop
from providers.local.hardware import hardware_detect
from providers.local.tiny_model import write_tiny_llama
from providers.models import Provider, ProviderModel

if TYPE_CHECKING:
    from llama_cpp.llama_types import ChatCompletionRequestMessage

PROMPT: list[ChatCompletionRequestMessage] = [
    {"role": "user", "content": "hello world the hub model"}
]


class Command(BaseCommand):
    help = "Compare tokens/s in-process vs through the inference worker and the hub."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--model", help="A GGUF file; default: a generated random model.")
        parser.add_argument("--embedding", type=int, default=768)
        parser.add_argument("--layers", type=int, default=12)
        parser.add_argument("--tokens", type=int, default=128)
        parser.add_argument("--runs", type=int, default=5)

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        models_dir = Path(tempfile.mkdtemp(prefix="bench-local-"))
        model = self._model(options, models_dir)
        tokens, runs = options["tokens"], options["runs"]
        direct = self._in_process(model, tokens, runs)
        self.stdout.write(f"in-process llama-cpp-python: {direct:8.1f} tokens/s")
        served = self._through_hub(model, tokens, runs)
        self.stdout.write(f"worker + hub /v1 (stream):  {served:8.1f} tokens/s")
        self.stdout.write(f"ratio: {served / direct * 100:.1f} %")

    def _model(self, options: dict[str, Any], models_dir: Path) -> Path:
        if options["model"]:
            target = models_dir / Path(options["model"]).name
            target.symlink_to(Path(options["model"]).resolve())
            return target
        path = write_tiny_llama(
            models_dir / "bench-F16.gguf", embedding=options["embedding"],
            layers=options["layers"], heads=12, kv_heads=4, context=2048, quantisation="F16",
        )  # fmt: skip
        self.stdout.write(f"model: {path.name}, {path.stat().st_size / 2**20:.0f} MiB")
        return path

    def _in_process(self, model: Path, tokens: int, runs: int) -> float:
        import llama_cpp  # heavy and optional (the local extra): loaded only to benchmark

        threads = hardware_detect().cpu_cores  # as the worker does
        llm = llama_cpp.Llama(model_path=str(model), n_ctx=2048, verbose=False, n_threads=threads)
        rates = []
        for _ in range(runs + 1):  # the first run warms up
            started, count = time.perf_counter(), 0
            chunks = llm.create_chat_completion(
                messages=PROMPT, max_tokens=tokens, stream=True, temperature=0
            )
            assert not isinstance(chunks, dict)  # stream=True: an iterator, not one response
            for chunk in chunks:
                if chunk["choices"] and chunk["choices"][0]["delta"].get("content"):
                    count += 1
            rates.append(count / (time.perf_counter() - started))
        llm.close()
        return statistics.median(rates[1:])

    def _through_hub(self, model: Path, tokens: int, runs: int) -> float:
        worker_port, hub_port = free_port(), free_port()
        key = self._workspace(f"http://127.0.0.1:{worker_port}/v1", model.stem)
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "inference_worker", "--models-dir", str(model.parent),
             "--port", str(worker_port)], stdout=subprocess.DEVNULL,
        )  # fmt: skip
        hub = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "hub.asgi:application", "--port", str(hub_port),
             "--no-access-log", "--log-level", "warning"],
        )  # fmt: skip
        try:
            port_wait(worker_port, worker, "the inference worker")
            port_wait(hub_port, hub, "the hub")
            rates = []
            body = {"model": f"localbench/{model.stem}", "messages": PROMPT, "max_tokens": tokens,
                    "stream": True, "temperature": 0}  # fmt: skip
            headers = {"Authorization": f"Bearer {key}"}
            for _ in range(runs + 1):
                started, count = time.perf_counter(), 0
                with httpx.stream("POST", f"http://127.0.0.1:{hub_port}/v1/chat/completions",
                                  json=body, headers=headers, timeout=300) as response:  # fmt: skip
                    for line in response.iter_lines():
                        if line.startswith("data: {"):
                            data = json.loads(line[6:])
                            if data.get("choices") and data["choices"][0]["delta"].get("content"):
                                count += 1
                rates.append(count / (time.perf_counter() - started))
            return statistics.median(rates[1:])
        finally:
            processes_stop(hub, worker)

    def _workspace(self, worker_url: str, model: str) -> str:
        """The bench workspace's ``localbench`` provider at the worker, serving ``model``."""
        workspace = bench_workspace()
        provider, _ = Provider.objects.update_or_create(
            workspace=workspace, slug="localbench",
            defaults={"kind": "local", "name": "Local bench", "base_url": worker_url},
        )  # fmt: skip
        ProviderModel.objects.get_or_create(workspace=workspace, provider=provider, name=model)
        return bench_key("bench-local")
