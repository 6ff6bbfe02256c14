"""How much memory a model will take before loading it, and where to put its layers.

Estimate = weights (the file's size) + KV cache + a fixed compute overhead, where the KV
cache is layers x context x KV heads x head size x 2 (keys and values) x 2 bytes (f16).
"""

from __future__ import annotations

from dataclasses import dataclass

from providers.local.gguf_meta import GGUFInfo

KV_BYTES = 2  # llama.cpp keeps the KV cache in f16 by default
COMPUTE_OVERHEAD = 32 * 1024 * 1024  # scratch buffers, roughly constant for small contexts


@dataclass(frozen=True)
class MemoryEstimate:
    weights_bytes: int
    kv_cache_bytes: int
    overhead_bytes: int

    @property
    def total_bytes(self) -> int:
        return self.weights_bytes + self.kv_cache_bytes + self.overhead_bytes


def memory_estimate(info: GGUFInfo, context: int) -> MemoryEstimate:
    kv = info.block_count * context * info.head_count_kv * info.head_dim * 2 * KV_BYTES
    return MemoryEstimate(info.size_bytes, kv, COMPUTE_OVERHEAD)


def gpu_layers_for(info: GGUFInfo, estimate: MemoryEstimate, gpu_free_bytes: int) -> int:
    """All layers when the model fits on the GPU, else as many as fit (0 without a GPU)."""
    if gpu_free_bytes <= 0 or info.block_count == 0:
        return 0
    if estimate.total_bytes <= gpu_free_bytes:
        return -1  # llama.cpp: every layer
    per_layer = (estimate.weights_bytes + estimate.kv_cache_bytes) / info.block_count
    return max(int((gpu_free_bytes - estimate.overhead_bytes) // per_layer), 0)


QUALITY_ORDER = ["F32", "BF16", "F16", "Q8_0", "Q6_K", "Q5_K_M", "Q5_K_S", "Q5_0", "Q4_K_M",
                 "Q4_K_S", "Q4_0", "Q3_K_L", "Q3_K_M", "Q3_K_S", "Q2_K"]  # fmt: skip


def variant_choose(variants: list[GGUFInfo], context: int, available_bytes: int) -> GGUFInfo | None:
    """The best-quality variant that fits in ``available_bytes`` (Q8 when it fits, else Q4…)."""

    def rank(info: GGUFInfo) -> int:
        quant = info.quantisation.upper()
        return QUALITY_ORDER.index(quant) if quant in QUALITY_ORDER else len(QUALITY_ORDER)

    for info in sorted(variants, key=rank):
        if memory_estimate(info, context).total_bytes <= available_bytes:
            return info
    return None
