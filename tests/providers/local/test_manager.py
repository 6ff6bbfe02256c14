"""The resource manager with real llama.cpp: loading within a budget, LRU unloading,
pinning, keep-alive, refusing what cannot fit, choosing a variant."""

from __future__ import annotations

import time

import pytest

from providers.local.manager import LocalModelError, ModelManager
from providers.local.memory import memory_estimate
from providers.local.model_files import model_files_scan


@pytest.fixture
def model_files(models_dir):
    return model_files_scan([models_dir])


def budget_for(model_files, *ids: str, context: int = 512) -> int:
    return sum(memory_estimate(model_files.models[i], context).total_bytes for i in ids)


def test_load_records_estimate_and_measurement_and_generates(model_files):
    manager = ModelManager(
        model_files, memory_budget=budget_for(model_files, "tiny-F16"), context=512
    )
    loaded = manager.acquire("tiny-F16")
    assert loaded.estimate.total_bytes > loaded.info.size_bytes
    assert loaded.measured_bytes >= 0 and loaded.load_seconds > 0
    print(
        f"estimate {loaded.estimate.total_bytes} B, measured RSS growth {loaded.measured_bytes} B"
    )
    out = loaded.llama.create_chat_completion(
        messages=[{"role": "user", "content": "hello"}], max_tokens=4
    )
    assert out["choices"][0]["message"]["role"] == "assistant"
    assert manager.status()["loaded"][0]["id"] == "tiny-F16"


def test_least_recently_used_is_unloaded_to_make_room(model_files):
    budget = max(budget_for(model_files, "tiny-F16"), budget_for(model_files, "other-F16")) + 1
    manager = ModelManager(model_files, memory_budget=budget, context=512)
    manager.acquire("tiny-F16")
    manager.acquire("other-F16")
    assert set(manager.loaded) == {"other-F16"}
    manager.pin("other-F16", True)
    with pytest.raises(LocalModelError, match="pinned or busy") as caught:
        manager.acquire("tiny-F16")
    assert caught.value.status == 503


def test_a_model_that_cannot_fit_is_refused_clearly(model_files):
    manager = ModelManager(model_files, memory_budget=1024 * 1024, context=512)
    with pytest.raises(LocalModelError, match="more than the 1 MiB memory budget") as caught:
        manager.acquire("tiny-F32")
    assert caught.value.status == 507 and not manager.loaded


def test_keep_alive_unloads_idle_models(model_files):
    manager = ModelManager(
        model_files, memory_budget=budget_for(model_files, "tiny-F16"), keep_alive=0.05
    )
    manager.acquire("tiny-F16")
    time.sleep(0.1)
    assert manager.expire_idle() == ["tiny-F16"] and not manager.loaded


def test_a_family_name_takes_the_best_variant_that_fits(model_files):
    roomy = ModelManager(
        model_files, memory_budget=budget_for(model_files, "tiny-F32") + 1, context=512
    )
    assert roomy.resolve("tiny").quantisation == "F32"
    tight = ModelManager(
        model_files, memory_budget=budget_for(model_files, "tiny-F16") + 1, context=512
    )
    assert tight.resolve("tiny").quantisation == "F16"
    with pytest.raises(LocalModelError) as caught:
        tight.resolve("nothing")
    assert caught.value.status == 404
