"""The machine the worker runs on: CPU cores, RAM, NVIDIA GPUs and their free memory, and
whether this llama.cpp build can offload to a GPU. No driver simply means CPU only."""

from __future__ import annotations

import contextlib
import functools
from dataclasses import asdict, dataclass, field
from typing import Any

import psutil


@dataclass(frozen=True)
class GPU:
    index: int
    name: str
    total_bytes: int
    free_bytes: int


@dataclass(frozen=True)
class Hardware:
    cpu_cores: int
    ram_total_bytes: int
    ram_available_bytes: int
    gpus: tuple[GPU, ...] = field(default_factory=tuple)
    gpu_offload: bool = False  # this llama.cpp build was compiled with a GPU backend

    @property
    def gpu_free_bytes(self) -> int:
        return sum(g.free_bytes for g in self.gpus) if self.gpu_offload else 0

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "gpus": [asdict(g) for g in self.gpus]}


def nvidia_gpus() -> tuple[GPU, ...]:
    try:
        import pynvml

        pynvml.nvmlInit()
    except Exception:  # no library, no driver, no device: CPU only
        return ()
    try:
        gpus = []
        for index in range(pynvml.nvmlDeviceGetCount()):
            handle = pynvml.nvmlDeviceGetHandleByIndex(index)
            memory = pynvml.nvmlDeviceGetMemoryInfo(handle)
            name = pynvml.nvmlDeviceGetName(handle)
            gpus.append(
                GPU(index, name.decode() if isinstance(name, bytes) else str(name),
                    int(memory.total), int(memory.free))
            )  # fmt: skip
        return tuple(gpus)
    except Exception:
        return ()
    finally:
        with contextlib.suppress(Exception):  # shutting down a half-initialised NVML is harmless
            pynvml.nvmlShutdown()


@functools.cache
def llama_gpu_offload() -> bool:
    try:
        import llama_cpp

        return bool(llama_cpp.llama_supports_gpu_offload())
    except Exception:
        return False


def hardware_detect() -> Hardware:
    memory = psutil.virtual_memory()
    return Hardware(
        cpu_cores=psutil.cpu_count(logical=False) or psutil.cpu_count() or 1,
        ram_total_bytes=int(memory.total),
        ram_available_bytes=int(memory.available),
        gpus=nvidia_gpus(),
        gpu_offload=llama_gpu_offload(),
    )
