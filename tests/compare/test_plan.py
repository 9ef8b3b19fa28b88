"""The run planner: parallel when the models fit in memory together and the cores can be split."""

import shutil

import pytest

from engine.compare.plan import ModelSpec, plan_run, unique_names
from engine.errors import BadInputError
from engine.gguf_check import check_file
from engine.hardware import Device, HardwareInfo, kv_cache_bytes
from tests.tiny_gguf import truncated_copy

GB = 10 ** 9


def test_parallel_when_memory_and_cores_allow(model_a, model_b):
    plan = plan_run([ModelSpec(model_a), ModelSpec(model_b)], free_ram_bytes=16 * GB, cores=2)
    assert plan.mode == "parallel" and plan.parallel
    assert plan.reason.startswith("at the same time")
    assert "2 CPU cores are split" in plan.reason
    assert 0 < plan.ram_needed < 16 * GB


def test_sequential_when_memory_is_short(model_a, model_b):
    plan = plan_run([ModelSpec(model_a), ModelSpec(model_b)], free_ram_bytes=100 * 10 ** 6, cores=8)
    assert plan.mode == "sequential"
    assert plan.reason.startswith("one after another: not enough memory for both (needs ")
    assert "100.0 MB free" in plan.reason


def test_the_memory_boundary_decides(model_a, model_b):
    specs = [ModelSpec(model_a), ModelSpec(model_b)]
    need = plan_run(specs, free_ram_bytes=16 * GB, cores=2).ram_needed
    assert plan_run(specs, free_ram_bytes=need, cores=2).mode == "parallel"
    assert plan_run(specs, free_ram_bytes=need - 1, cores=2).mode == "sequential"


def test_sequential_when_cores_cannot_be_split(model_a, model_b, tiny_model):
    specs = [ModelSpec(model_a), ModelSpec(model_b)]
    plan = plan_run(specs, free_ram_bytes=64 * GB, cores=1)
    assert plan.mode == "sequential"
    assert plan.reason == "one after another: 1 CPU core cannot be split between 2 models"
    plan = plan_run(specs + [ModelSpec(tiny_model)], free_ram_bytes=64 * GB, cores=2)
    assert plan.mode == "sequential" and "between 3 models" in plan.reason
    assert plan_run(specs + [ModelSpec(tiny_model)], free_ram_bytes=64 * GB, cores=3).mode == "parallel"


def test_the_kv_cache_of_the_chosen_context_is_counted(long_a):
    small = plan_run([ModelSpec(long_a, n_ctx=512)], free_ram_bytes=64 * GB, cores=4)
    big = plan_run([ModelSpec(long_a, n_ctx=32768)], free_ram_bytes=64 * GB, cores=4)
    info = check_file(long_a)
    head_dim = info.embedding_length // info.head_count
    kv = kv_cache_bytes(32768, info.block_count, info.head_count_kv, head_dim, head_dim)
    assert big.models[0].kv_bytes == kv
    assert big.models[0].weights_bytes == long_a.stat().st_size
    assert big.ram_needed > small.ram_needed + kv  # the KV cache, and the margin on it
    # 0: the model's context capped like the host caps it (8192)
    assert plan_run([ModelSpec(long_a)], free_ram_bytes=64 * GB, cores=4).models[0].n_ctx == 8192


def test_the_same_file_twice_shares_its_weights(model_a, tmp_path):
    copy = shutil.copy(model_a, tmp_path / "copy-of-a.gguf")
    same = plan_run([ModelSpec(model_a), ModelSpec(model_a)], free_ram_bytes=64 * GB, cores=2)
    two = plan_run([ModelSpec(model_a), ModelSpec(copy)], free_ram_bytes=64 * GB, cores=2)
    # mmap: one file maps once; a copy is a second file in memory
    assert two.ram_needed - same.ram_needed >= model_a.stat().st_size


def test_forced_modes_say_so(model_a, model_b):
    specs = [ModelSpec(model_a), ModelSpec(model_b)]
    plan = plan_run(specs, free_ram_bytes=64 * GB, cores=4, force="sequential")
    assert plan.mode == "sequential" and plan.forced and "as chosen" in plan.reason
    plan = plan_run(specs, free_ram_bytes=10 ** 6, cores=4, force="parallel")
    assert plan.mode == "parallel" and "may not fit in memory" in plan.reason
    assert plan_run(specs, free_ram_bytes=64 * GB, cores=4, force="auto").mode == "parallel"
    with pytest.raises(BadInputError):
        plan_run(specs, free_ram_bytes=64 * GB, cores=4, force="sideways")


def _gpu_machine(vram: int) -> HardwareInfo:
    return HardwareInfo(backend="CUDA", gpu_offload=True,
                        devices=[Device("CUDA0", "test GPU", "gpu", free_bytes=vram, total_bytes=vram)])


def test_vram_counts_where_layers_are_offloaded(model_a, model_b):
    specs = [ModelSpec(model_a, gpu_layers="all"), ModelSpec(model_b, gpu_layers="all")]
    roomy = plan_run(specs, free_ram_bytes=64 * GB, cores=4, hardware=_gpu_machine(80 * GB))
    assert roomy.mode == "parallel" and roomy.vram_needed > 0 and roomy.stagger_loads
    assert all(m.gpu_layers == -1 for m in roomy.models)
    one_fits = roomy.models[0].vram_bytes + roomy.models[1].vram_bytes // 2
    tight = plan_run(specs, free_ram_bytes=64 * GB, cores=4, hardware=_gpu_machine(one_fits))
    assert tight.mode == "sequential"
    assert tight.reason.startswith("one after another: not enough GPU memory for both")
    # CPU only (layers 0): no VRAM needed even on a GPU machine
    cpu = plan_run([ModelSpec(model_a, gpu_layers=0), ModelSpec(model_b, gpu_layers=0)], free_ram_bytes=64 * GB,
                   cores=4, hardware=_gpu_machine(10 ** 6))
    assert cpu.mode == "parallel" and cpu.vram_needed == 0


def test_an_unreadable_model_does_not_stop_planning(model_a, tmp_path):
    bad = truncated_copy(model_a, tmp_path / "bad.gguf")
    plan = plan_run([ModelSpec(model_a), ModelSpec(bad)], free_ram_bytes=64 * GB, cores=2)
    assert plan.mode == "parallel"
    assert plan.models[1].error and "truncated" in plan.models[1].error
    assert plan.models[0].error is None


def test_names_are_unique(model_a):
    specs = [ModelSpec(model_a), ModelSpec(model_a), ModelSpec(model_a, name="x"), ModelSpec(model_a)]
    assert unique_names(specs) == ["cmp-a", "cmp-a (2)", "x", "cmp-a (3)"]


def test_no_models_is_bad_input():
    with pytest.raises(BadInputError):
        plan_run([], free_ram_bytes=GB, cores=2)


def test_the_estimate_is_the_memory_planners(model_a, monkeypatch):
    """The comparison's figures for one model are engine.plan's, as ``python main.py plan`` prints them."""
    from engine.compare.plan import RUNTIME_RAM, estimate_need
    from engine.plan import plan_memory, shape_from_header

    shape = shape_from_header(check_file(model_a))
    vram = 2 * 2**30
    for gl in ("auto", 1, "all", 0):
        need = estimate_need(ModelSpec(model_a, n_ctx=512, gpu_layers=gl), vram)
        p = plan_memory(shape, n_ctx=512, gpu_free=[] if gl == 0 else [vram], gpu_layers=gl)
        assert need.vram_bytes == p.total_gpu_bytes and need.ram_bytes == p.total_cpu_bytes + RUNTIME_RAM
        assert (need.kv_bytes, need.compute_bytes) == (p.kv_bytes, p.compute_bytes)
        assert need.gpu_layers == (-1 if p.gpu_layers > shape.n_layer else p.gpu_layers)
    assert estimate_need(ModelSpec(model_a, gpu_layers=1), vram).gpu_layers == 1
    # both models on the card must leave the host's margin free
    specs = [ModelSpec(model_a, gpu_layers="all"), ModelSpec(model_a, gpu_layers="all")]
    need = plan_run(specs, free_ram_bytes=64 * GB, cores=4, hardware=_gpu_machine(80 * GB)).vram_needed
    monkeypatch.setenv("HEARTH_GPU_MARGIN_GB", "0.5")
    edge = need + 2**29
    assert plan_run(specs, free_ram_bytes=64 * GB, cores=4, hardware=_gpu_machine(edge)).mode == "parallel"
    assert plan_run(specs, free_ram_bytes=64 * GB, cores=4, hardware=_gpu_machine(edge - 1)).mode == "sequential"
