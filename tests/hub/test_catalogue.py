"""The curated catalogue shipped in resources/: complete for the curated list, self-consistent, and enough
for the Welcome page to estimate fit with no network at all."""

from __future__ import annotations

import json

import pytest

from engine.hardware import Device, HardwareInfo
from engine.hub.api import load_curated
from engine.hub.catalogue import curated_offline, load_catalogue
from engine.resources import resource_path

GiB = 1 << 30
MiB = 1 << 20
LAPTOP = HardwareInfo(backend="CPU", ram_total=16 * GiB, ram_available=10 * GiB, cpu_threads=8, cpu_cores=4)


@pytest.fixture(scope="module")
def raw():
    return json.loads(resource_path("curated_catalogue.json").read_text(encoding="utf-8"))


def test_every_curated_model_is_in_the_catalogue_with_its_recommended_file():
    cat = load_catalogue()
    for c in load_curated():
        entry = cat.get(c.repo_id.lower())
        assert entry is not None, f"{c.repo_id} has no catalogue entry"
        assert entry.size(c.quant), f"{c.repo_id} has no {c.quant} size"


def test_estimated_sizes_follow_the_documented_rule(raw):
    bpw = raw["bits_per_weight"]
    for repo, m in raw["models"].items():
        for quant, f in m["files"].items():
            if f["estimated"]:
                assert f["size"] == round(m["parameters"] * bpw[quant] / 8 / MiB) * MiB, (repo, quant)
            else:   # published in the model card: within a few percent of the rule
                rule = m["parameters"] * bpw[quant] / 8
                assert 0.9 < f["size"] / rule < 1.12, (repo, quant)
        sizes = [m["files"][q]["size"] for q in ("Q2_K", "Q3_K_M", "Q4_K_M", "Q5_K_M", "Q6_K", "Q8_0", "F16")]
        assert sizes == sorted(sizes), repo


def test_shapes_are_plausible_and_known_facts_hold():
    cat = load_catalogue()
    for e in cat.values():
        assert e.heads % e.kv_heads == 0 and e.layers > 0 and e.context >= 8192 and e.vocab >= 32000
        assert e.head_dim in (64, 96, 128, 256)
    llama8 = cat["bartowski/meta-llama-3.1-8b-instruct-gguf"]
    assert (llama8.layers, llama8.heads, llama8.kv_heads, llama8.embedding, llama8.context) == (32, 32, 8, 4096, 131072)
    qwen05 = cat["qwen/qwen2.5-0.5b-instruct-gguf"]
    assert (qwen05.layers, qwen05.heads, qwen05.kv_heads, qwen05.head_dim) == (24, 14, 2, 64)
    gemma = cat["bartowski/gemma-2-2b-it-gguf"]
    assert (gemma.layers, gemma.kv_heads, gemma.head_dim, gemma.context) == (26, 4, 256, 8192)


def test_offline_estimates_for_the_curated_list():
    rows = curated_offline(load_curated(), LAPTOP)
    assert rows and all(r["estimate"] is not None for r in rows)
    by_repo = {r["curated"]["repo_id"]: r["estimate"] for r in rows}
    llama8 = by_repo["bartowski/Meta-Llama-3.1-8B-Instruct-GGUF"]
    # KV cache at the default 8192 context: 32 layers × 8 KV heads × (128 + 128) × 2 bytes × 8192 = 1 GiB.
    assert llama8.fit.n_ctx == 8192 and llama8.fit.kv_bytes == GiB
    assert llama8.fit.verdict == "cpu" and llama8.size_estimated and 4.5e9 < llama8.size < 5.3e9
    assert all(e.fit.fits for e in by_repo.values())          # 10 GB free: every suggestion runs
    assert by_repo["bartowski/Llama-3.2-1B-Instruct-GGUF"].size_estimated is False   # from the model card
    # A small machine: the 7-8B models no longer fit, the smallest still do.
    tiny = HardwareInfo(backend="CPU", ram_total=4 * GiB, ram_available=2 * GiB, cpu_threads=4, cpu_cores=2)
    small = {r["curated"]["repo_id"]: r["estimate"] for r in curated_offline(load_curated(), tiny)}
    assert not small["bartowski/Meta-Llama-3.1-8B-Instruct-GGUF"].fit.fits
    assert small["Qwen/Qwen2.5-0.5B-Instruct-GGUF"].fit.fits
    # A GPU with room for everything: the best quant for this machine goes up to Q8_0.
    gpu = HardwareInfo(backend="CUDA", ram_total=64 * GiB, ram_available=48 * GiB, cpu_threads=16, cpu_cores=8,
                       gpu_offload=True, devices=[Device(name="CUDA0", kind="gpu", description="test GPU",
                                                         free_bytes=80 * GiB, total_bytes=80 * GiB)])
    big = curated_offline(load_curated(), gpu)
    assert all(r["estimate"].fit.verdict == "gpu" and r["estimate"].best_quant == "Q8_0" for r in big)


def test_missing_catalogue_gives_notes_not_errors(tmp_path):
    rows = curated_offline(load_curated(), LAPTOP, load_catalogue(tmp_path / "absent.json"))
    assert all(r["estimate"] is None and "not in the catalogue" in r["note"] and not r["error"] for r in rows)
