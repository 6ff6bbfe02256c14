"""Discovery and metadata of GGUF files, read without loading them; memory estimates."""

from __future__ import annotations

import pytest

from providers.local.gguf_meta import GGUFError, gguf_info
from providers.local.hardware import hardware_detect
from providers.local.memory import gpu_layers_for, memory_estimate, variant_choose
from providers.local.model_files import model_files_scan


def test_metadata_is_read_from_the_header(models_dir):
    info = gguf_info(models_dir / "tiny-F16.gguf")
    assert (info.architecture, info.family, info.quantisation) == ("llama", "tiny", "F16")
    assert info.context_length == 512 and info.block_count == 2
    assert info.head_count == 4 and info.head_count_kv == 2 and info.head_dim == 16
    assert info.parameters > 100_000 and "assistant" in info.chat_template
    assert info.size_bytes < 1_000_000


def test_a_corrupt_file_is_refused_clearly(models_dir):
    with pytest.raises(GGUFError, match=r"broken-Q4_0\.gguf is not a valid GGUF file"):
        gguf_info(models_dir / "broken-Q4_0.gguf")


def test_scan_groups_variants_and_lists_what_it_skipped(models_dir):
    model_files = model_files_scan([models_dir])
    assert set(model_files.models) == {"tiny-F32", "tiny-F16", "other-F16"}
    families = model_files.families()
    assert {i.quantisation for i in families["tiny"]} == {"F32", "F16"}
    assert "broken-Q4_0.gguf" in model_files.rejected


def test_kv_cache_estimate_follows_the_formula(models_dir):
    info = gguf_info(models_dir / "tiny-F16.gguf")
    estimate = memory_estimate(info, context=256)
    # layers x context x kv heads x head size x (K and V) x 2 bytes
    assert estimate.kv_cache_bytes == 2 * 256 * 2 * 16 * 2 * 2
    assert estimate.weights_bytes == info.size_bytes
    assert gpu_layers_for(info, estimate, gpu_free_bytes=0) == 0
    assert gpu_layers_for(info, estimate, gpu_free_bytes=10 * estimate.total_bytes) == -1


def test_the_best_variant_that_fits_is_chosen(models_dir):
    variants = model_files_scan([models_dir]).families()["tiny"]
    f32 = next(v for v in variants if v.quantisation == "F32")
    f16 = next(v for v in variants if v.quantisation == "F16")
    roomy = memory_estimate(f32, 512).total_bytes
    assert variant_choose(variants, 512, roomy) == f32
    assert variant_choose(variants, 512, memory_estimate(f16, 512).total_bytes) == f16
    assert variant_choose(variants, 512, 1000) is None


def test_hardware_without_a_gpu_is_cpu_only():
    hardware = hardware_detect()
    assert hardware.cpu_cores >= 1 and hardware.ram_total_bytes > 0
    if not hardware.gpus:
        assert hardware.gpu_free_bytes == 0


@pytest.mark.django_db
def test_files_registered_in_the_admin_are_served_too(tmp_path, models_dir):
    from providers.local.model_files import registered_files
    from providers.local.tiny_model import write_tiny_llama
    from providers.models import LocalModelFile

    elsewhere = write_tiny_llama(tmp_path / "elsewhere-F16.gguf", quantisation="F16")
    LocalModelFile.objects.create(path=str(elsewhere))
    LocalModelFile.objects.create(path=str(tmp_path / "gone.gguf"))
    model_files = model_files_scan([models_dir], registered_files())
    assert "elsewhere-F16" in model_files.models and "tiny-F16" in model_files.models
    assert "cannot be read" in model_files.rejected["gone.gguf"]


@pytest.mark.django_db
def test_make_run_registers_the_local_provider_with_the_models_on_disk(models_dir, monkeypatch):
    from hub.embedded import embedded_processes, prepare_embedded_services
    from providers.models import Provider
    from tests import factories

    monkeypatch.setenv("HUB_MODELS_DIR", str(models_dir))
    monkeypatch.setenv("HUB_SIMULATOR", "false")
    workspace = factories.make_workspace("Default")
    notes = prepare_embedded_services(workspace=workspace)
    local = Provider.objects.get(workspace=workspace, slug="local")
    assert local.kind == "local"
    assert set(local.models.values_list("name", flat=True)) == {"tiny-F32", "tiny-F16", "other-F16"}
    assert "3 GGUF files" in notes[0]
    assert "inference" in embedded_processes(host="127.0.0.1", port=8000, with_worker=False)
    monkeypatch.setenv("HUB_LOCAL_WORKER", "false")
    assert "inference" not in embedded_processes(host="127.0.0.1", port=8000, with_worker=False)
