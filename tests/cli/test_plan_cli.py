"""`hearth plan`: a real tiny GGUF through the command line (no GPU needed: --vram-free-gb)."""

from __future__ import annotations

import json
import shutil

from engine.gguf_check import check_file
from tests.conftest import run_cli

CONTRACT_KEYS = {"gpu_layers", "n_ctx", "weights_bytes", "kv_bytes", "compute_bytes", "total_gpu_bytes",
                 "total_cpu_bytes", "fits"}
# the tiny model: 2 layers, 4 heads (no GQA) of 64 / 4 = 16 dimensions, f32 weights
TINY_KV_PER_TOKEN = 2 * 4 * (16 + 16) * 2


def plan_json(*args):
    r = run_cli("plan", *args, "--json")
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_plan_json_for_a_given_card(tiny_model):
    d = plan_json(tiny_model, "--ctx", "512", "--vram-free-gb", "8", "--ram-free-gb", "4")
    assert CONTRACT_KEYS <= d.keys()
    assert d["gpu_layers"] == 3 and d["fits"] is True and d["n_ctx"] == 512   # 2 layers + the output layer
    info = check_file(tiny_model)
    assert d["weights_bytes"] == sum(t.n_bytes for t in info.tensors)
    assert d["kv_bytes"] == TINY_KV_PER_TOKEN * 512
    assert d["total_gpu_bytes"] + d["total_cpu_bytes"] == d["weights_bytes"] + d["kv_bytes"] + d["compute_bytes"]
    gpu, cpu = d["devices"]
    assert gpu["layers"] == 2 and gpu["kv_bytes"] == d["kv_bytes"] and cpu["layers"] == 0
    # token_embd stays on the CPU; everything else is on the card
    embd = next(t.n_bytes for t in info.tensors if t.name == "token_embd.weight")
    assert cpu["weights_bytes"] == embd and gpu["weights_bytes"] == d["weights_bytes"] - embd
    assert d["free_memory_from"] == "--vram-free-gb"


def test_plan_context_scales_kv_and_explicit_layers(tiny_model):
    # 2 of the 3 slots: the output layer (llama.cpp offloads it first) and the last layer
    d = plan_json(tiny_model, "--ctx", "2048", "--vram-free-gb", "8", "--gpu-layers", "2")
    assert d["gpu_layers"] == 2 and d["kv_bytes"] == TINY_KV_PER_TOKEN * 2048
    gpu, cpu = d["devices"]
    assert gpu["layers"] == 1 and cpu["layers"] == 1 and gpu["kv_bytes"] == cpu["kv_bytes"]
    # 1: the output layer alone, no KV cache on the GPU
    gpu, cpu = plan_json(tiny_model, "--ctx", "2048", "--vram-free-gb", "8", "--gpu-layers", "1")["devices"]
    assert gpu["layers"] == 0 and gpu["kv_bytes"] == 0 and gpu["weights_bytes"] > 0 and cpu["layers"] == 2
    d = plan_json(tiny_model, "--ctx", "2048", "--vram-free-gb", "8", "--gpu-layers", "all")
    assert d["gpu_layers"] == 3
    # a card with no room: nothing offloaded
    d = plan_json(tiny_model, "--ctx", "512", "--vram-free-gb", "0")
    assert d["gpu_layers"] == 0 and d["total_gpu_bytes"] == 0 and d["fits"] is True
    # the model's own context (512 in its header) by default
    assert plan_json(tiny_model, "--vram-free-gb", "8")["n_ctx"] == 512


def test_plan_largest_context_when_ram_is_short(tiny_model):
    d = plan_json(tiny_model, "--ctx", "100000", "--vram-free-gb", "0", "--ram-free-gb", "0.003")
    assert d["fits"] is False and 256 <= d["n_ctx"] < 100000 and d["requested_ctx"] == 100000
    assert "largest that fits" in d["reason"]
    cpu = d["devices"][-1]
    assert cpu["kv_bytes"] + cpu["compute_bytes"] <= 0.003 * 2**30


def test_plan_text_output_and_library_name(tiny_model, hearth_home):
    models = hearth_home / "data" / "models"
    models.mkdir(parents=True, exist_ok=True)
    shutil.copy(tiny_model, models / "planme.gguf")
    r = run_cli("plan", "planme", "--ctx", "1024", "--vram-free-gb", "8")
    assert r.returncode == 0, r.stderr
    assert "planme.gguf: 2 layers, llama" in r.stdout
    assert "GPU layers: 3 of 3" in r.stdout and "context:    1024" in r.stdout and "fits:       yes" in r.stdout


def test_plan_bad_input_exit_2_one_sentence(tiny_model):
    for args, needle in ((("--gpu-layers", "many"), "--gpu-layers must be a number"),
                         (("--ctx", "0"), "--ctx must be a positive number"),
                         (("--vram-free-gb", "lots"), "--vram-free-gb must be a number"),
                         (("--kv-type", "q8_0", "--flash-attn", "off"), "needs flash attention"),
                         (("--kv-type", "q3"), "unknown KV cache type")):
        r = run_cli("plan", tiny_model, *args)
        assert r.returncode == 2, (args, r.stderr)
        assert needle in r.stderr and r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
    r = run_cli("plan", "no-such-model.gguf")
    assert r.returncode == 2 and "Traceback" not in r.stderr
