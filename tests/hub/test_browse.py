"""Search, repository files, header reads over Range, fit estimates, curated list."""

from __future__ import annotations

import json

import pytest

from engine.errors import BadInputError
from engine.hardware import Device, HardwareInfo
from engine.hub.api import HubClient, curated_with_fit, hub_endpoint, load_curated
from engine.hub.fit import ModelShape, estimate_fit, pick_best
from engine.hub.quant import RemoteModel, RemotePart, group_gguf_files, quant_from_name

GB = 1 << 30


def cpu_machine(ram_gb=16.0):
    return HardwareInfo(backend="CPU", gpu_offload=False, ram_total=int(ram_gb * GB) * 2,
                        ram_available=int(ram_gb * GB), cpu_threads=8, cpu_cores=4)


def gpu_machine(vram_gb=8.0, ram_gb=16.0):
    return HardwareInfo(backend="CUDA", gpu_offload=True,
                        devices=[Device("CUDA0", "Fake GPU", "gpu", int(vram_gb * GB), int(vram_gb * GB))],
                        ram_total=int(ram_gb * GB) * 2, ram_available=int(ram_gb * GB))


def test_search_sorts_and_reports(fake_hub, config):
    c = HubClient(config)
    assert c.endpoint == fake_hub.url  # HF_ENDPOINT set after huggingface_hub was imported
    res = c.search("gguf", sort="downloads")
    assert [r.repo_id for r in res] == ["acme/Tiny-GGUF", "acme/Split-GGUF", "gated/Locked-GGUF"]
    assert res[0].license == "apache-2.0" and res[0].author == "acme" and "gguf" in res[0].tags
    assert res[2].gated
    assert [r.repo_id for r in c.search("gguf", sort="likes")][0] == "acme/Split-GGUF"
    assert [r.repo_id for r in c.search("", sort="updated", limit=1)] == ["acme/Split-GGUF"]
    q = fake_hub.requests("search")[0]["query"]
    assert q["filter"] == ["gguf"] and q["sort"] == ["downloads"]


def test_repo_files_grouped_with_headers_by_range(fake_hub, config, gguf_blobs):
    c = HubClient(config)
    files = c.repo_files("acme/Tiny-GGUF", hardware=cpu_machine())
    assert [f.model.quant for f in files.files] == ["Q4_K_M", "Q8_0", "F16"]
    for f in files.files:
        assert f.header is not None and f.header.architecture == "llama"
        assert f.model.size == len(gguf_blobs[f.model.name])
        assert f.fit.verdict == "cpu" and f.fit.max_ctx == 512
    assert files.best.model.quant == "Q4_K_M"
    info_q = fake_hub.requests("info")[0]["query"]
    assert info_q.get("blobs") == ["true"]  # what huggingface-hub 2.4 sends for files_metadata
    # Only header bytes were fetched, with Range requests.
    cdn = fake_hub.requests("cdn")
    assert cdn and all(r["range"] and r["range"].startswith("bytes=0-") for r in cdn)


def test_header_read_when_server_ignores_range(fake_hub, config):
    fake_hub.plan("Tiny-Q8_0.gguf", "ignore_range")
    c = HubClient(config)
    part = RemotePart("Tiny-Q8_0.gguf", len(fake_hub.repos["acme/Tiny-GGUF"].files["Tiny-Q8_0.gguf"]))
    info = c.read_header("acme/Tiny-GGUF", part)
    assert info.block_count == 2 and info.embedding_length == 96


def test_split_files_are_one_entry(fake_hub, config):
    files = HubClient(config).repo_files("acme/Split-GGUF", hardware=cpu_machine())
    assert len(files.files) == 1
    m = files.files[0].model
    assert m.split_count == 2 and m.quant == "Q8_0" and m.name == "Split-Q8_0-00001-of-00002.gguf"
    assert m.size == sum(len(v) for k, v in fake_hub.repos["acme/Split-GGUF"].files.items() if k.endswith(".gguf"))


def test_model_card_and_unknown_repo(fake_hub, config):
    c = HubClient(config)
    assert "tiny test model" in c.model_card("acme/Tiny-GGUF")
    with pytest.raises(BadInputError, match="no repository"):
        c.repo_files("acme/Nope")
    with pytest.raises(BadInputError):
        c.repo_files("not a repo id")


def test_policy_blocks_hub_and_endpoint(fake_hub, config):
    from engine.config import Policy

    config.policy = Policy(disabled=frozenset({"hub"}))
    with pytest.raises(BadInputError, match="administrator"):
        HubClient(config)
    assert hub_endpoint(Policy(hf_endpoint="https://mirror.example/")) == "https://mirror.example"
    assert hub_endpoint(Policy()) == fake_hub.url


def test_quant_names_and_grouping():
    assert quant_from_name("Qwen2.5-7B-Instruct-Q4_K_M.gguf") == "Q4_K_M"
    assert quant_from_name("qwen2.5-0.5b-instruct-q8_0.gguf") == "Q8_0"
    assert quant_from_name("Llama-3.2-1B-Instruct-IQ3_XXS.gguf") == "IQ3_XXS"
    assert quant_from_name("x/Q2_K/m-Q2_K-00002-of-00003.gguf") == "Q2_K"
    assert quant_from_name("phi-4.fp16.gguf") == "F16"
    assert quant_from_name("gemma-2-2b-it.gguf") is None
    parts = [RemotePart(f"m-Q4_K_M-0000{i}-of-00003.gguf", 10) for i in (1, 2, 3)]
    parts += [RemotePart("m-Q2_K-00001-of-00002.gguf", 5)]  # part 2 missing: left out
    parts += [RemotePart("mmproj-f16.gguf", 3), RemotePart("README.md", 1)]
    groups = group_gguf_files(parts)
    assert [(g.name, g.split_count, g.kind) for g in groups] == [
        ("m-Q4_K_M-00001-of-00003.gguf", 3, "model"), ("mmproj-f16.gguf", 1, "mmproj")]
    assert groups[0].size == 30


# ---- fit -------------------------------------------------------------------

LLAMA_8B = ModelShape(n_layer=32, n_head=32, n_head_kv=8, n_embd=4096, head_dim_k=128, head_dim_v=128,
                      n_vocab=128256, ctx_train=131072)


def test_fit_verdicts_on_fake_machines():
    q4 = int(4.9 * GB)
    assert estimate_fit(q4, LLAMA_8B, gpu_machine(vram_gb=24)).verdict == "gpu"
    partial = estimate_fit(q4, LLAMA_8B, gpu_machine(vram_gb=4))
    assert partial.verdict == "partial" and 0 < partial.gpu_layers < 32
    assert partial.label == f"{partial.gpu_layers} of 32 layers on GPU"
    cpu = estimate_fit(q4, LLAMA_8B, cpu_machine(ram_gb=16))
    assert cpu.verdict == "cpu" and cpu.label == "CPU only" and cpu.n_ctx == 8192
    assert 8192 < cpu.max_ctx < 131072
    assert estimate_fit(q4, LLAMA_8B, cpu_machine(ram_gb=4)).verdict == "no_fit"
    assert estimate_fit(q4, LLAMA_8B, cpu_machine(ram_gb=4)).label == "will not fit"
    # A longer context costs memory: KV at 32k is 4x the KV at 8k.
    a, b = estimate_fit(q4, LLAMA_8B, cpu_machine(), 8192), estimate_fit(q4, LLAMA_8B, cpu_machine(), 32768)
    assert b.kv_bytes == 4 * a.kv_bytes == 4 * (8192 * 32 * 8 * 256 * 2)
    g = estimate_fit(q4, LLAMA_8B, gpu_machine(vram_gb=8))
    assert g.max_ctx_gpu is not None and g.max_ctx_gpu < g.max_ctx
    # Without a header: weights only, flagged approximate.
    e = estimate_fit(q4, None, cpu_machine())
    assert e.approximate and e.max_ctx is None and e.verdict == "cpu"


def test_best_file_depends_on_machine():
    sizes = {"Q2_K": 3.2, "Q4_K_M": 4.9, "Q6_K": 6.6, "Q8_0": 8.5, "F16": 16.1}
    models = [RemoteModel(f"m-{q}.gguf", [RemotePart(f"m-{q}.gguf", int(s * GB), "x")], q) for q, s in sizes.items()]

    def best(hw):
        i = pick_best([(m, estimate_fit(m.size, LLAMA_8B, hw, 4096)) for m in models])
        return None if i is None else models[i].quant

    assert best(gpu_machine(vram_gb=80, ram_gb=64)) == "Q8_0"       # room for all: not F16
    # largest fully on GPU, with the planner's 1 GiB kept free: Q6_K needs 7.05 GiB on the card
    assert best(gpu_machine(vram_gb=8.5, ram_gb=32)) == "Q6_K"
    assert best(gpu_machine(vram_gb=8, ram_gb=32)) == "Q4_K_M"      # Q6_K's output layer would stay on the CPU
    assert best(cpu_machine(ram_gb=64)) == "Q4_K_M"                 # CPU: the speed/quality balance
    assert best(cpu_machine(ram_gb=4.5)) == "Q2_K"                  # only the smallest fits
    assert best(cpu_machine(ram_gb=1)) is None


def test_fit_uses_the_planners_figures(tiny_model, monkeypatch):
    """The download fit and ``python main.py plan`` agree: the same layers, KV cache, compute buffer and
    GPU total, from the header's real tensors."""
    from engine.gguf_check import check_file
    from engine.plan import even_shape, plan_memory, shape_from_header

    info = check_file(tiny_model)
    shape = shape_from_header(info)
    hw = gpu_machine(vram_gb=1.25)   # 0.25 GiB left after the 1 GiB margin
    e = estimate_fit(info.file_size, info, hw, 512)
    p = plan_memory(shape, n_ctx=512, gpu_free=[hw.devices[0].free_bytes])
    assert p.gpu_layers == shape.n_layer + 1 and e.gpu_layers == -1 and e.verdict == "gpu"
    assert (e.kv_bytes, e.compute_bytes, e.vram_needed) == (p.kv_bytes, p.compute_bytes, p.total_gpu_bytes)
    assert e.ram_needed == p.total_cpu_bytes + 256 * 2**20
    # the margin is the host's: configurable, and with all of the card kept free nothing goes there
    monkeypatch.setenv("HEARTH_GPU_MARGIN_GB", "1.25")
    assert estimate_fit(info.file_size, info, hw, 512).verdict == "cpu"
    # a catalogue entry (numbers only): the file shared out like a llama model, KV exact
    e8 = estimate_fit(int(4.9 * GB), LLAMA_8B, gpu_machine(vram_gb=24), 8192)
    s8 = even_shape(int(4.9 * GB), n_layer=32, n_head=32, n_head_kv=8, n_embd=4096, n_vocab=128256)
    assert s8.weights_bytes == int(4.9 * GB) and 0 <= s8.output_bytes - s8.input_bytes < 32  # the rounding remainder
    p8 = plan_memory(s8, n_ctx=8192, gpu_free=[24 * GB], margin=GB)
    assert (e8.kv_bytes, e8.compute_bytes, e8.vram_needed) == (p8.kv_bytes, p8.compute_bytes, p8.total_gpu_bytes)


def test_curated_list_and_fit(fake_hub, config, tmp_path):
    models = load_curated()
    assert len(models) >= 8 and all(m.repo_id.count("/") == 1 and m.quant for m in models)
    assert any("Qwen2.5-0.5B" in m.repo_id for m in models)
    cur = tmp_path / "curated.json"
    cur.write_text(json.dumps({"models": [
        {"repo_id": "acme/Tiny-GGUF", "name": "Tiny", "description": "t", "quant": "Q8_0"},
        {"repo_id": "acme/Gone-GGUF", "name": "Gone", "description": "g", "quant": "Q4_K_M"}]}))
    rows = curated_with_fit(HubClient(config), gpu_machine(), path=cur)
    assert rows[0]["file"]["quant"] == "Q8_0" and rows[0]["file"]["fit"]["verdict"] == "gpu"
    assert rows[0]["best_here"] == "Tiny-Q8_0.gguf"
    assert rows[1]["file"] is None and "no repository" in rows[1]["error"]
