"""The resource manager: which models are loaded, within what memory budget, with how many
GPU layers; LRU unloading, keep-alive, pinning, and the per-model request queues.

Only the inference worker process creates one; it alone holds llama.cpp models.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import psutil

from providers.local.gguf_meta import GGUFInfo
from providers.local.hardware import Hardware, hardware_detect
from providers.local.memory import MemoryEstimate, gpu_layers_for, memory_estimate, variant_choose
from providers.local.model_files import LocalModelFiles
from providers.local.queueing import PriorityGate


class LocalModelError(Exception):
    """A model cannot be served; ``status`` is the HTTP status the worker answers with."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass
class LoadedModel:
    info: GGUFInfo
    llama: Any
    embedding: bool
    context: int
    gpu_layers: int
    estimate: MemoryEstimate
    measured_bytes: int
    load_seconds: float
    gate: PriorityGate
    keep_alive: float | None
    pinned: bool = False
    last_used: float = field(default_factory=time.monotonic)
    lock: threading.Lock = field(default_factory=threading.Lock)  # one llama.cpp call at a time
    speeds: deque[float] = field(default_factory=lambda: deque(maxlen=20))  # tokens/s

    @property
    def key(self) -> str:
        return f"{self.info.id}{'#embed' if self.embedding else ''}"

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.info.id, "embedding": self.embedding, "context": self.context,
            "gpu_layers": self.gpu_layers, "estimated_bytes": self.estimate.total_bytes,
            "measured_bytes": self.measured_bytes, "load_seconds": round(self.load_seconds, 3),
            "pinned": self.pinned, "keep_alive": self.keep_alive,
            "idle_seconds": round(time.monotonic() - self.last_used, 1),
            "queue_depth": self.gate.waiting, "in_flight": self.gate.in_flight,
            "tokens_per_second": round(sum(self.speeds) / len(self.speeds), 1) if self.speeds else None,
        }  # fmt: skip


class ModelManager:
    def __init__(
        self,
        model_files: LocalModelFiles,
        *,
        memory_budget: int | None = None,
        context: int = 2048,
        keep_alive: float | None = 300.0,
        concurrency: int = 1,
        hardware: Hardware | None = None,
    ) -> None:
        self.model_files = model_files
        self.hardware = hardware or hardware_detect()
        self.memory_budget = memory_budget or int(
            self.hardware.ram_available_bytes * 0.8 + self.hardware.gpu_free_bytes
        )
        self.context = context
        self.keep_alive = keep_alive
        self.concurrency = concurrency
        self.loaded: dict[str, LoadedModel] = {}
        self._lock = threading.RLock()

    @property
    def used_bytes(self) -> int:
        return sum(m.estimate.total_bytes for m in self.loaded.values())

    def resolve(self, model: str) -> GGUFInfo:
        """A file id, or a family name (then the best variant that fits the free budget)."""
        if model in self.model_files.models:
            return self.model_files.models[model]
        variants = self.model_files.families().get(model)
        if not variants:
            raise LocalModelError(f"No local model {model!r}; GET /v1/models lists them.", 404)
        context = min(self.context, max(v.context_length for v in variants))
        chosen = variant_choose(variants, context, self.memory_budget - self._unpinned_free())
        if chosen is None:
            chosen = variant_choose(variants, context, self.memory_budget)
        if chosen is None:
            raise LocalModelError(f"No variant of {model!r} fits in the memory budget.", 507)
        return chosen

    def acquire(self, model: str, *, embedding: bool = False) -> LoadedModel:
        """The loaded model, loading it (and unloading least recently used ones) if needed."""
        info = self.resolve(model)
        key = f"{info.id}{'#embed' if embedding else ''}"
        with self._lock:
            loaded = self.loaded.get(key)
            if loaded is None:
                loaded = self._load(info, embedding=embedding)
            loaded.last_used = time.monotonic()
            return loaded

    def _load(self, info: GGUFInfo, *, embedding: bool) -> LoadedModel:
        context = min(self.context, info.context_length)
        estimate = memory_estimate(info, context)
        if estimate.total_bytes > self.memory_budget:
            raise LocalModelError(
                f"{info.id} needs about {estimate.total_bytes / 2**20:.0f} MiB, more than the "
                f"{self.memory_budget / 2**20:.0f} MiB memory budget; it will not be loaded.",
                507,
            )
        self._make_room(estimate.total_bytes)
        gpu_layers = gpu_layers_for(info, estimate, self.hardware.gpu_free_bytes)
        before = psutil.Process().memory_info().rss
        started = time.perf_counter()
        try:
            import llama_cpp

            # UNSPECIFIED is Llama's own default: the model's pooling type.
            pooling = (
                llama_cpp.LLAMA_POOLING_TYPE_MEAN
                if embedding
                else llama_cpp.LLAMA_POOLING_TYPE_UNSPECIFIED
            )
            llama = llama_cpp.Llama(
                model_path=str(info.path), n_ctx=context, n_gpu_layers=gpu_layers,
                embedding=embedding, verbose=False, n_threads=max(self.hardware.cpu_cores, 1),
                pooling_type=pooling,
            )  # fmt: skip
        except (ValueError, RuntimeError, OSError) as error:
            raise LocalModelError(f"llama.cpp could not load {info.id}: {error}", 422) from None
        loaded = LoadedModel(
            info=info, llama=llama, embedding=embedding, context=context,
            gpu_layers=gpu_layers, estimate=estimate,
            measured_bytes=max(psutil.Process().memory_info().rss - before, 0),
            load_seconds=time.perf_counter() - started,
            gate=PriorityGate(self.concurrency), keep_alive=self.keep_alive,
        )  # fmt: skip
        self.loaded[loaded.key] = loaded
        return loaded

    def _unpinned_free(self) -> int:
        return self.used_bytes - sum(
            m.estimate.total_bytes for m in self.loaded.values() if m.pinned
        )

    def _make_room(self, needed: int) -> None:
        """Unload idle, unpinned models, least recently used first, until ``needed`` fits."""
        while self.used_bytes + needed > self.memory_budget:
            idle = [m for m in self.loaded.values() if not m.pinned and m.gate.in_flight == 0]
            if not idle:
                raise LocalModelError(
                    "Not enough memory: every loaded model is pinned or busy. Unload one or "
                    "raise the memory budget.",
                    503,
                )
            self.unload(min(idle, key=lambda m: m.last_used).key)

    def unload(self, key: str) -> bool:
        with self._lock:
            loaded = self.loaded.pop(key, None) or self.loaded.pop(f"{key}#embed", None)
        if loaded is None:
            return False
        close = getattr(loaded.llama, "close", None)
        if close is not None:
            close()
        return True

    def pin(self, key: str, pinned: bool) -> bool:
        loaded = self.loaded.get(key)
        if loaded is None:
            return False
        loaded.pinned = pinned
        return True

    def expire_idle(self) -> list[str]:
        """Unload models idle past their keep-alive; returns what was unloaded."""
        now = time.monotonic()
        expired = [
            m.key for m in list(self.loaded.values())
            if not m.pinned and m.keep_alive is not None and m.gate.in_flight == 0
            and now - m.last_used > m.keep_alive
        ]  # fmt: skip
        for key in expired:
            self.unload(key)
        return expired

    def rescan(self, model_files: LocalModelFiles) -> None:
        """Take a fresh scan of the models on disk; loaded models stay loaded."""
        with self._lock:
            self.model_files = model_files

    def status(self) -> dict[str, Any]:
        return {
            "hardware": self.hardware.as_json(),
            "memory_budget_bytes": self.memory_budget,
            "memory_used_bytes": self.used_bytes,
            "loaded": [m.as_json() for m in self.loaded.values()],
            "available": [
                {"id": i.id, "family": i.family, "quantisation": i.quantisation,
                 "size_bytes": i.size_bytes, "context_length": i.context_length,
                 "parameters": i.parameters, "architecture": i.architecture}
                for i in self.model_files.models.values()
            ],
            "rejected": self.model_files.rejected,
        }  # fmt: skip
