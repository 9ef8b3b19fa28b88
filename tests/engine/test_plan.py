"""Memory planner (engine/plan.py): header-like objects of real shape against hand-computed figures."""

from __future__ import annotations

import pytest

from engine.errors import BadInputError
from engine.gguf_check import GGUFInfo, TensorInfo, check_file
from engine.plan import (GiB, OutOfMemory, breakdown, compute_buffer_bytes, kv_bytes_per_cell, layer_kv_bytes,
                         load_with_retry, plan_memory, shape_from_header)

F32, F16, Q8_0 = 0, 1, 8
_BYTES = {F32: 4.0, F16: 2.0, Q8_0: 34 / 32}


def _t(name, shape, gtype=F16):
    n = 1
    for d in shape:
        n *= d
    return TensorInfo(name, tuple(shape), gtype, 0, int(n * _BYTES[gtype]))


def header(*, arch="llama", n_layer=32, n_embd=4096, n_head=32, n_head_kv=8, n_ff=14336, n_vocab=128256,
           tied=False, moe_experts=0, dense_first=0, window=None, pattern=None, head_dim=None):
    """A parsed header of a Llama-3-8B-like model (f16 weights, f32 norms)."""
    hd = head_dim or n_embd // n_head
    ts = [_t("token_embd.weight", (n_embd, n_vocab)), _t("output_norm.weight", (n_embd,), F32)]
    if not tied:
        ts.append(_t("output.weight", (n_embd, n_vocab)))
    for i in range(n_layer):
        p = f"blk.{i}."
        ts += [_t(p + "attn_norm.weight", (n_embd,), F32), _t(p + "ffn_norm.weight", (n_embd,), F32),
               _t(p + "attn_q.weight", (n_embd, n_head * hd)), _t(p + "attn_k.weight", (n_embd, n_head_kv * hd)),
               _t(p + "attn_v.weight", (n_embd, n_head_kv * hd)), _t(p + "attn_output.weight", (n_head * hd, n_embd))]
        if moe_experts and i >= dense_first:
            ts += [_t(p + "ffn_gate_inp.weight", (n_embd, moe_experts), F32),
                   _t(p + "ffn_gate_exps.weight", (n_embd, n_ff, moe_experts)),
                   _t(p + "ffn_up_exps.weight", (n_embd, n_ff, moe_experts)),
                   _t(p + "ffn_down_exps.weight", (n_ff, n_embd, moe_experts))]
        else:
            ts += [_t(p + "ffn_gate.weight", (n_embd, n_ff)), _t(p + "ffn_up.weight", (n_embd, n_ff)),
                   _t(p + "ffn_down.weight", (n_ff, n_embd))]
    return GGUFInfo(architecture=arch, block_count=n_layer, head_count=n_head, head_count_kv=n_head_kv,
                    embedding_length=n_embd, key_length=head_dim, value_length=head_dim, vocab_size=n_vocab,
                    context_length=8192, sliding_window=window, sliding_window_pattern=pattern,
                    expert_count=moe_experts or None, tensors=ts, tensor_count=len(ts))


DENSE_LAYER = 2 * (2 * 4096 * 4096 + 2 * 4096 * 1024 + 3 * 4096 * 14336) + 2 * 4096 * 4   # 436_240_384
EMBD = 4096 * 128256 * 2
OUTPUT = EMBD + 4096 * 4


def test_dense_8b_layer_embedding_and_output_sizes():
    s = shape_from_header(header())
    assert DENSE_LAYER == 436_240_384
    assert s.layer_bytes == [DENSE_LAYER] * 32
    assert s.input_bytes == EMBD and s.output_bytes == OUTPUT and not s.tied_embeddings
    assert s.weights_bytes == 32 * DENSE_LAYER + EMBD + OUTPUT
    assert (s.n_head_kv, s.key_length, s.value_length, s.n_ff, s.n_vocab) == (8, 128, 128, 14336, 128256)


def test_gqa_kv_cache_per_token_and_at_8k():
    s = shape_from_header(header())
    # 8 KV heads × (128 + 128) × 2 bytes per layer and token
    assert kv_bytes_per_cell(s) == 8 * 256 * 2
    assert sum(layer_kv_bytes(s, 8192)) == 32 * 8 * 256 * 2 * 8192 == GiB
    # without GQA (n_head_kv = n_head) the cache is 4× larger
    mha = shape_from_header(header(n_head_kv=32))
    assert sum(layer_kv_bytes(mha, 8192)) == 4 * GiB


def test_quantized_kv_bytes_and_v_needs_flash_attention():
    s = shape_from_header(header())
    assert sum(layer_kv_bytes(s, 1000, type_k="q8_0", type_v="q8_0")) == 32 * 8 * 256 * 34 // 32 * 1000
    assert sum(layer_kv_bytes(s, 1000, type_k="q4_0", type_v="f16")) == 32 * 8 * (128 * 18 // 32 + 128 * 2) * 1000
    with pytest.raises(BadInputError, match="quantized V cache .*needs flash attention"):
        plan_memory(s, n_ctx=4096, gpu_free=[24 * GiB], type_v="q8_0", flash_attn=False)
    # a quantized K alone is fine without flash attention; a quantized V with it is fine too
    plan_memory(s, n_ctx=4096, gpu_free=[24 * GiB], type_k="q8_0", flash_attn=False)
    p = plan_memory(s, n_ctx=4096, gpu_free=[24 * GiB], type_k="q4_0", type_v="q4_0", flash_attn=True)
    assert p.kv_bytes == 32 * 8 * 256 * 18 // 32 * 4096
    with pytest.raises(BadInputError, match="unknown KV cache type"):
        plan_memory(s, n_ctx=4096, gpu_free=[], type_k="q3")


def test_moe_experts_and_unequal_layers():
    # 2 leading dense layers, then 8 experts of ff 2048 (Mixtral/DeepSeek-like mix)
    s = shape_from_header(header(n_layer=6, moe_experts=8, dense_first=2, n_ff=2048))
    attn = 2 * (2 * 4096 * 4096 + 2 * 4096 * 1024) + 2 * 4096 * 4
    dense = attn + 2 * 3 * 4096 * 2048
    moe = attn + 2 * 3 * 4096 * 2048 * 8 + 4096 * 8 * 4
    assert s.layer_bytes == [dense, dense, moe, moe, moe, moe]
    # llama.cpp (0.3.36's llama-model.cpp: i_gpu_start = n_layer + 1 - n_gpu_layers) offloads the output
    # layer first, then the last layers: room for exactly the output and the last 3 (MoE) layers gives 4,
    # although the first layers are smaller.
    kv = layer_kv_bytes(s, 4096)
    need = OUTPUT + 3 * moe + sum(kv[3:]) + compute_buffer_bytes(s, 4096, with_logits=True)
    p = plan_memory(s, n_ctx=4096, gpu_free=[need + GiB])
    assert p.gpu_layers == 4 and p.fits
    assert p.devices[0].weights_bytes == OUTPUT + 3 * moe and p.devices[0].layers == 3
    assert p.total_gpu_bytes == need
    assert p.devices[1].weights_bytes == EMBD + 2 * dense + moe
    p = plan_memory(s, n_ctx=4096, gpu_free=[need + GiB - 1])
    assert p.gpu_layers == 3
    # one layer: the output layer alone (llama.cpp logs "offloading output layer to GPU")
    one = plan_memory(s, n_ctx=4096, gpu_free=[80 * GiB], gpu_layers=1)
    assert one.devices[0].layers == 0 and one.devices[0].weights_bytes == OUTPUT


def test_sliding_window_gemma3_pattern():
    h = header(arch="gemma3", n_layer=12, n_embd=2560, n_head=8, n_head_kv=4, n_ff=10240, n_vocab=262144,
               tied=True, window=1024, head_dim=256)
    s = shape_from_header(h)
    # llama.cpp's Gemma 3 interleave: 5 sliding-window layers, then one global
    assert s.swa_layers == [True] * 5 + [False] + [True] * 5 + [False]
    cell = 4 * (256 + 256) * 2
    assert sum(layer_kv_bytes(s, 32768, swa_full=False, n_ubatch=512)) == (10 * (1024 + 512) + 2 * 32768) * cell
    assert sum(layer_kv_bytes(s, 32768)) == 12 * 32768 * cell     # full-size SWA cache (llama.cpp default)
    assert sum(layer_kv_bytes(s, 1000, swa_full=False)) == 12 * 1000 * cell   # window larger than the context
    # the pattern key in the header wins over the architecture's default
    h.sliding_window_pattern = 2
    assert shape_from_header(h).swa_layers == [True, False] * 6
    # no window: no sliding layers
    assert shape_from_header(header(n_layer=4)).swa_layers == [False] * 4


def test_tied_embeddings_output_copy_on_gpu_only():
    s = shape_from_header(header(n_layer=4, tied=True))
    assert s.tied_embeddings and s.output_bytes == EMBD + 4096 * 4
    assert s.weights_bytes == EMBD + 4096 * 4 + 4 * DENSE_LAYER   # the file holds token_embd once
    cpu_only = plan_memory(s, n_ctx=2048, gpu_free=[], gpu_layers="auto")
    assert cpu_only.gpu_layers == 0 and cpu_only.weights_bytes == s.weights_bytes
    assert cpu_only.devices[-1].name == "CPU" and cpu_only.total_gpu_bytes == 0
    full = plan_memory(s, n_ctx=2048, gpu_free=[80 * GiB], gpu_layers="all")
    assert full.gpu_layers == 5 and full.fits
    gpu, cpu = full.devices
    assert gpu.weights_bytes == 4 * DENSE_LAYER + EMBD + 4096 * 4   # output = a GPU copy of token_embd
    assert cpu.weights_bytes == EMBD                                # token_embd stays on the CPU
    # 4 of 5 slots: the output (a GPU copy of token_embd) and the last 3 layers; the first layer and
    # token_embd stay on the CPU
    four = plan_memory(s, n_ctx=2048, gpu_free=[80 * GiB], gpu_layers=4)
    assert four.devices[0].weights_bytes == 3 * DENSE_LAYER + EMBD + 4096 * 4 and four.devices[0].layers == 3
    assert four.devices[1].weights_bytes == EMBD + DENSE_LAYER
    # none offloaded: the output is token_embd itself, on the CPU, counted once
    none = plan_memory(s, n_ctx=2048, gpu_free=[80 * GiB], gpu_layers=0)
    assert none.devices[1].weights_bytes == s.weights_bytes and none.total_gpu_bytes == 0


def test_exact_fit_and_margin():
    s = shape_from_header(header())
    ctx = 8192
    need = 32 * DENSE_LAYER + OUTPUT + GiB + compute_buffer_bytes(s, ctx)
    p = plan_memory(s, n_ctx=ctx, gpu_free=[need + GiB])
    assert p.gpu_layers == 33 and p.fits and p.total_gpu_bytes == need
    assert (p.weights_bytes, p.kv_bytes) == (s.weights_bytes, GiB)
    assert p.compute_bytes == compute_buffer_bytes(s, ctx)   # all on the GPU: no CPU compute buffer
    assert p.total_cpu_bytes == EMBD
    assert plan_memory(s, n_ctx=ctx, gpu_free=[need + GiB - 1]).gpu_layers == 32
    # a configurable margin
    assert plan_memory(s, n_ctx=ctx, gpu_free=[need + 256 * 2**20], margin=256 * 2**20).gpu_layers == 33
    # explicit counts are planned as asked, with fits saying whether they fit
    p = plan_memory(s, n_ctx=ctx, gpu_free=[8 * GiB], gpu_layers="all")
    assert p.gpu_layers == 33 and not p.fits and "need more memory" in p.reason
    p = plan_memory(s, n_ctx=ctx, gpu_free=[8 * GiB], gpu_layers=10)
    # 10 slots: the output layer and the last 9 repeating layers
    assert p.gpu_layers == 10 and p.fits and p.devices[0].layers == 9
    assert p.devices[0].weights_bytes == OUTPUT + 9 * DENSE_LAYER


def test_compute_buffer_grows_with_batch_and_context():
    s = shape_from_header(header())
    for fa in (True, False):
        for logits in (True, False):
            prev = 0
            for ctx in (512, 1024, 4096, 8192, 32768, 131072):
                b = compute_buffer_bytes(s, ctx, flash_attn=fa, with_logits=logits)
                assert b >= prev   # never shrinks with the context ...
                prev = b
            assert b > compute_buffer_bytes(s, 4096, flash_attn=fa, with_logits=logits)  # ... and grows at long ones
            assert (compute_buffer_bytes(s, 8192, n_ubatch=1024, flash_attn=fa, with_logits=logits)
                    > compute_buffer_bytes(s, 8192, flash_attn=fa, with_logits=logits))
    activations, logits = 512 * (4 * 4096 + 2 * 14336) * 4, 128256 * 512 * 4
    flash_kv, scores = 4096 * 8 * 256 * 2, 512 * 4096 * 32 * 4
    assert compute_buffer_bytes(s, 4096) == activations + logits == 354_942_976
    assert compute_buffer_bytes(s, 4096, with_logits=False) == activations + flash_kv
    assert compute_buffer_bytes(s, 2048, flash_attn=False) == activations + logits      # 128 MiB of scores < logits
    assert compute_buffer_bytes(s, 4096, flash_attn=False) == activations + scores      # 256 MiB > 250.5 MiB
    assert compute_buffer_bytes(s, 32768, flash_attn=False) == activations + 8 * scores  # 2 GiB of scores


def test_monotonic_in_context_and_free_memory():
    s = shape_from_header(header(moe_experts=4, dense_first=3, n_ff=4096))
    for free_gb in (4, 9, 17, 30):
        prev = None
        for ctx in (512, 2048, 4096, 8192, 16384, 32768, 65536, 131072):
            ngl = plan_memory(s, n_ctx=ctx, gpu_free=[free_gb * GiB]).gpu_layers
            assert prev is None or ngl <= prev, (free_gb, ctx)
            prev = ngl
    for ctx in (2048, 32768):
        prev = -1
        for free in range(0, 60 * GiB, GiB // 2):
            ngl = plan_memory(s, n_ctx=ctx, gpu_free=[free]).gpu_layers
            assert ngl >= prev, (ctx, free)
            prev = ngl
        assert prev == 33


def test_no_gpu_zero_layers_and_largest_context_in_ram():
    s = shape_from_header(header())
    p = plan_memory(s, n_ctx=8192, gpu_free=[])
    assert p.gpu_layers == 0 and p.fits and p.total_gpu_bytes == 0 and "no GPU" in p.reason
    assert plan_memory(s, n_ctx=8192, gpu_free=[], gpu_layers="all").gpu_layers == 0
    # 0.5 GiB of free RAM: the KV cache of 8192 tokens (1 GiB) does not fit; the largest context that does
    ram = GiB // 2
    p = plan_memory(s, n_ctx=8192, gpu_free=[], ram_free=ram)
    assert not p.fits and p.n_ctx < 8192 and p.requested_ctx == 8192 and "largest that fits" in p.reason
    assert breakdown(s, 0, p.n_ctx, [], ram_free=ram)[1]
    assert not breakdown(s, 0, p.n_ctx + 1, [], ram_free=ram)[1]
    assert p.devices[-1].kv_bytes + p.devices[-1].compute_bytes <= ram
    # nothing at all fits
    p = plan_memory(s, n_ctx=8192, gpu_free=[], ram_free=1)
    assert not p.fits and "smallest context" in p.reason


def test_small_gpu_keeps_kv_room_by_offloading_fewer_layers():
    s = shape_from_header(header())
    p = plan_memory(s, n_ctx=8192, gpu_free=[6 * GiB])
    dev = p.devices[0]
    assert 0 < p.gpu_layers < 32 and dev.total_bytes <= 5 * GiB
    # the output layer is one of the offloaded slots; each repeating layer brings its KV cache
    assert dev.layers == p.gpu_layers - 1 and dev.weights_bytes == OUTPUT + dev.layers * DENSE_LAYER
    assert dev.kv_bytes == dev.layers * 8 * 256 * 2 * 8192
    assert p.devices[1].layers == 32 - dev.layers


def test_two_gpus_split_by_free_memory():
    s = shape_from_header(header())
    p = plan_memory(s, n_ctx=4096, gpu_free=[24 * GiB, 24 * GiB], gpu_names=["CUDA0", "CUDA1"])
    assert p.gpu_layers == 33 and p.fits
    a, b, cpu = p.devices
    assert (a.name, b.name) == ("CUDA0", "CUDA1")
    # 33 slots (the output layer is one) in proportion to free memory: 17 and 16, as llama.cpp splits
    assert (a.layers, b.layers) == (17, 15)
    assert b.weights_bytes > a.weights_bytes    # the output layer goes with the last layers
    assert cpu.layers == 0


def test_plan_of_100_layers_and_a_bisected_context():
    """The shapes bench/plan_speed.py times (its target: under 200 ms each); here only what they plan."""
    h = header(n_layer=100, moe_experts=8, dense_first=1, n_ff=2048)
    p = plan_memory(shape_from_header(h), n_ctx=32768, gpu_free=[40 * GiB])
    assert 0 < p.gpu_layers < 101 and p.fits
    # the slow path: no layer count fits 128k tokens, so the context is bisected
    p = plan_memory(shape_from_header(h), n_ctx=131072, gpu_free=[20 * GiB, 20 * GiB], ram_free=8 * GiB)
    assert not p.fits and p.n_ctx < 131072 and p.gpu_layers > 0


def test_gpu_split_matches_llamacpp_upper_bound():
    """Each of the n_layer + 1 slots goes to the first GPU whose cumulative share of the free
    memory exceeds (slot - first offloaded slot) / offloaded slots (llama.cpp's upper_bound)."""
    import random

    from engine.plan import _layer_ranges

    rng = random.Random(1)
    for _ in range(300):
        n_layer = rng.randint(1, 80)
        free = [rng.choice([0, 1, 3, 8, 24, 80]) * GiB for _ in range(rng.randint(1, 4))]
        ngl = rng.randint(0, n_layer + 3)
        ranges = _layer_ranges(ngl, n_layer, free)
        act, start = min(ngl, n_layer + 1), max(n_layer + 1 - ngl, 0)
        weights = free if sum(free) else [1] * len(free)
        splits, acc = [], 0
        for w in weights:
            acc += w
            splits.append(acc / sum(weights))
        for il in range(n_layer + 1):
            if ngl <= 0 or il < start or il - start >= act:
                want = -1
            else:
                x = (il - start) / act
                want = next((d for d, sp in enumerate(splits) if sp > x), len(free) - 1)
            got = next((d for d, (lo, hi) in enumerate(ranges) if lo <= il < hi), -1)
            assert got == want, (n_layer, free, ngl, il)


def test_real_tiny_gguf_header(tiny_model):
    info = check_file(tiny_model)
    assert "tensors" not in info.to_dict() and info.tensors
    s = shape_from_header(info)
    assert s.n_layer == info.block_count and all(b > 0 for b in s.layer_bytes)
    assert s.weights_bytes == sum(t.n_bytes for t in info.tensors)


# ---- retry on out-of-memory -------------------------------------------------------

def test_retry_with_fewer_layers_after_simulated_oom():
    tries = []

    def try_load(ngl, ctx):
        tries.append((ngl, ctx))
        if ngl > 20:
            raise OutOfMemory("cudaMalloc failed: out of memory")
        return "model"

    result, ngl, ctx, note = load_with_retry(try_load, 28, 8192, 32)
    assert result == "model" and ngl <= 20 and ctx == 8192
    assert tries[0] == (28, 8192) and tries[-1] == (ngl, ctx) and all(t[0] > 20 for t in tries[:-1])
    assert note == f"loaded with {ngl} of 32 layers on the GPU after running out of GPU memory at 28 layers"


def test_retry_then_less_context():
    def try_load(ngl, ctx):
        if ngl > 0 or ctx > 3000:
            raise OutOfMemory(context=True)
        return ngl, ctx

    result, ngl, ctx, note = load_with_retry(try_load, -1, 16384, 32)
    assert (ngl, ctx) == (0, 2048) and result == (0, 2048)
    assert note == "loaded with no layers on the GPU and a context of 2048 instead of 16384 after running out of GPU memory at 32 layers"


def test_no_retry_when_the_first_try_works_or_the_error_is_not_oom():
    assert load_with_retry(lambda n, c: "ok", 10, 4096, 32) == ("ok", 10, 4096, "")
    calls = []

    def broken(ngl, ctx):
        calls.append(ngl)
        raise ValueError("Failed to load model from file")

    with pytest.raises(ValueError):
        load_with_retry(broken, 10, 4096, 32)
    assert calls == [10]


def test_retry_gives_up_with_the_last_oom():
    def never(ngl, ctx):
        raise OutOfMemory("still too big")

    with pytest.raises(OutOfMemory, match="still too big"):
        load_with_retry(never, 8, 4096, 8, min_ctx=512)


# ---- the host's load: planner and retries with a simulated GPU build ---------------

def _gpu_build(monkeypatch, gpus, oom_above=None, calls=None):
    """Pretend llama.cpp was built for CUDA with ``gpus`` (free bytes each); ``Llama`` fails
    like llama.cpp does on out-of-memory when more than ``oom_above`` layers are offloaded,
    and otherwise loads the model on the CPU (this machine has no GPU)."""
    import llama_cpp

    from engine import hardware

    real = llama_cpp.Llama
    monkeypatch.setattr(llama_cpp, "llama_supports_gpu_offload", lambda: True)
    hw = hardware.HardwareInfo(backend="CUDA", gpu_offload=True,
                               devices=[hardware.Device(f"CUDA{i}", "sim", "gpu", f, f) for i, f in enumerate(gpus)]
                               + [hardware.Device("CPU", "cpu", "cpu")])
    monkeypatch.setattr(hardware, "detect", lambda: hw)

    def fake_llama(**kw):
        if calls is not None:
            calls.append((kw["n_gpu_layers"], kw["n_ctx"]))
        if oom_above is not None and kw["n_gpu_layers"] > oom_above:
            raise ValueError(f"Failed to load model from file: {kw['model_path']}")
        return real(**dict(kw, n_gpu_layers=0))

    monkeypatch.setattr(llama_cpp, "Llama", fake_llama)


def test_host_auto_uses_the_planner_and_retries_after_oom(monkeypatch, tiny_model):
    from engine.host.protocol import LoadOptions
    from engine.host.worker import LlamaDecoder

    calls = []
    _gpu_build(monkeypatch, [8 * GiB], oom_above=1, calls=calls)
    dec = LlamaDecoder()
    info = dec.load(str(tiny_model), LoadOptions(gpu_layers="auto"))
    # the planner put both layers and the output on the 8 GiB card; llama.cpp ran out of memory
    assert calls[0] == (3, 512)
    assert info["plan"]["gpu_layers"] == 3 and info["plan"]["devices"][0]["name"] == "CUDA0"
    assert info["gpu_layers"] == calls[-1][0] <= 1 and info["n_ctx"] == 512
    assert info["plan_note"] == (f"loaded with {info['gpu_layers']} of 2 layers on the GPU after running out "
                                 "of GPU memory at 2 layers")
    assert dec.llm is not None


def test_host_cuda_build_without_gpu_falls_back_to_cpu(monkeypatch, tiny_model):
    from engine.host.protocol import LoadOptions
    from engine.host.worker import LlamaDecoder

    calls = []
    _gpu_build(monkeypatch, [], calls=calls)
    info = LlamaDecoder().load(str(tiny_model), LoadOptions(gpu_layers="auto"))
    assert calls == [(0, 512)] and info["gpu_layers"] == 0
    assert info["plan_note"] == "llama.cpp was built for CUDA but found no usable GPU, so the model runs on the CPU"


def test_an_explicit_layer_count_reaches_llama_cpp_even_when_no_gpu_is_listed(monkeypatch, tiny_model):
    """Seen on an H200: the device list lacked the GPU that llama.cpp then used. "all" or a number
    the user asked for is passed on, never quietly turned into the CPU."""
    from engine.host.protocol import LoadOptions
    from engine.host.worker import LlamaDecoder

    calls = []
    _gpu_build(monkeypatch, [], calls=calls)
    assert LlamaDecoder().load(str(tiny_model), LoadOptions(gpu_layers="all"))["gpu_layers"] == -1
    assert LlamaDecoder().load(str(tiny_model), LoadOptions(gpu_layers=5))["gpu_layers"] == 5
    assert [c[0] for c in calls] == [3, 5]  # "all": every layer and the output (2 + 1)


def test_host_small_card_gets_fewer_layers(monkeypatch, tiny_model):
    from engine.host.protocol import LoadOptions
    from engine.host.worker import LlamaDecoder

    calls = []
    _gpu_build(monkeypatch, [GiB], calls=calls)   # all of it is the safety margin
    info = LlamaDecoder().load(str(tiny_model), LoadOptions(gpu_layers="auto"))
    assert calls == [(0, 512)] and info["gpu_layers"] == 0 and info["plan_note"] == ""
    assert info["plan"]["margin_bytes"] == GiB
    # a smaller margin, configured: now the whole tiny model fits
    monkeypatch.setenv("HEARTH_GPU_MARGIN_GB", "0.5")
    info = LlamaDecoder().load(str(tiny_model), LoadOptions(gpu_layers="auto"))
    assert calls[-1] == (3, 512) and info["gpu_layers"] == 3 and info["plan"]["margin_bytes"] == GiB // 2
    monkeypatch.setenv("HEARTH_GPU_MARGIN_GB", "lots")   # unreadable: the default
    assert LlamaDecoder().load(str(tiny_model), LoadOptions(gpu_layers="auto"))["gpu_layers"] == 0


def test_host_cpu_build_unchanged(monkeypatch, tiny_model):
    """No offload: no device query, one load with 0 layers, no note."""
    import llama_cpp

    from engine import hardware
    from engine.host.protocol import LoadOptions
    from engine.host.worker import LlamaDecoder

    monkeypatch.setattr(llama_cpp, "llama_supports_gpu_offload", lambda: False)

    def no_detect():
        raise AssertionError("a CPU build must not query devices while loading")

    monkeypatch.setattr(hardware, "detect", no_detect)
    info = LlamaDecoder().load(str(tiny_model), LoadOptions(gpu_layers="auto"))
    assert info["gpu_layers"] == 0 and info["plan_note"] == "" and info["flash_attn"] is False
    assert info["plan"] is None


def test_kv_and_weights_match_what_llamacpp_allocates(tiny_model):
    """llama.cpp's own report (verbose load, CPU build) against the planner: KV cache and weights."""
    import re
    import subprocess
    import sys

    code = ("import llama_cpp, sys; llama_cpp.Llama(model_path=sys.argv[1], n_ctx=2048, n_batch=512, n_ubatch=512, "
            "verbose=True)")
    r = subprocess.run([sys.executable, "-c", code, str(tiny_model)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    kv_mib = float(re.search(r"llama_kv_cache: size = +([\d.]+) MiB", r.stderr).group(1))
    weights_mib = sum(float(m) for m in re.findall(r"model buffer size = +([\d.]+) MiB", r.stderr))
    s = shape_from_header(check_file(tiny_model))
    p = plan_memory(s, n_ctx=2048, gpu_free=[])
    assert kv_mib == round(p.kv_bytes / 2**20, 2) == 1.0
    assert abs(weights_mib - p.weights_bytes / 2**20) < 0.01


# ---- the first full-context decode, and what llama.cpp reports after loading ----------

def _decode_fails(monkeypatch, calls, fail):
    """llama_decode returns -2 (llama.cpp: a buffer could not be allocated) while the last model
    made was loaded with ``fail(n_gpu_layers, n_ctx)`` true; otherwise the real decode runs."""
    import llama_cpp

    real = llama_cpp.llama_decode
    seen = []

    def decode(ctx, batch):
        seen.append(calls[-1])
        return -2 if fail(*calls[-1]) else real(ctx, batch)

    monkeypatch.setattr(llama_cpp, "llama_decode", decode)
    return seen


def test_oom_at_the_first_full_context_decode_retries_with_fewer_layers(monkeypatch, tiny_model):
    from engine.host.protocol import LoadOptions, SamplingOptions, GenerationStats
    from engine.host.worker import LlamaDecoder

    calls = []
    _gpu_build(monkeypatch, [8 * GiB], calls=calls)          # loading itself always works
    seen = _decode_fails(monkeypatch, calls, lambda ngl, ctx: ngl > 1)
    dec = LlamaDecoder()
    info = dec.load(str(tiny_model), LoadOptions(gpu_layers="auto"))
    assert calls[0] == (3, 512) and (3, 512) in seen          # the planned load was tried and decoded
    assert info["gpu_layers"] == calls[-1][0] <= 1 and info["n_ctx"] == 512
    assert info["plan_note"] == (f"loaded with {info['gpu_layers']} of 2 layers on the GPU after running out of "
                                 "GPU memory at 2 layers in the first full-context decode")
    assert info["warmup_s"] > 0
    # the model that stayed works: a reply generates, and the warm-up left the cache empty
    class Flag:
        value = False
    stats = GenerationStats()
    text = "".join(dec.stream(dec.tokenize("the"), SamplingOptions(max_tokens=4, temperature=0), Flag(), stats))
    assert stats.completion_tokens > 0 and stats.cached_tokens == 0 and isinstance(text, str)


def test_oom_at_the_first_decode_then_less_context(monkeypatch, tiny_model):
    from engine.host.protocol import LoadOptions
    from engine.host.worker import LlamaDecoder

    calls = []
    _gpu_build(monkeypatch, [8 * GiB], calls=calls)
    _decode_fails(monkeypatch, calls, lambda ngl, ctx: ctx > 256)   # the context itself is too big
    info = LlamaDecoder().load(str(tiny_model), LoadOptions(gpu_layers="auto", warmup=True))
    assert calls[-1] == (0, 256) and (info["gpu_layers"], info["n_ctx"]) == (0, 256)
    assert info["plan_note"] == ("loaded with no layers on the GPU and a context of 256 instead of 512 after "
                                 "running out of GPU memory at 2 layers in the first full-context decode")


def test_no_warmup_on_the_cpu_unless_asked(monkeypatch, tiny_model):
    from engine.host.protocol import LoadOptions
    from engine.host.worker import LlamaDecoder

    calls = [(0, 0)]
    seen = _decode_fails(monkeypatch, calls, lambda ngl, ctx: False)
    info = LlamaDecoder().load(str(tiny_model), LoadOptions())
    assert seen == [] and info["warmup_s"] == 0
    LlamaDecoder().load(str(tiny_model), LoadOptions(warmup=True))
    assert len(seen) == 1   # 512 tokens in one batch of 512


def test_what_llama_cpp_reports_after_loading_on_the_cpu(tiny_model):
    """The load result's ``offload`` comes from llama.cpp (its load log and model), not from the plan;
    on this CPU build its buffers match what the planner expects."""
    from engine.host.protocol import LoadOptions, describe_offload
    from engine.host.worker import LlamaDecoder

    info = LlamaDecoder().load(str(tiny_model), LoadOptions(n_ctx=2048))
    rep = info["offload"]
    p = plan_memory(shape_from_header(check_file(tiny_model)), n_ctx=2048, gpu_free=[])
    assert rep["backend"] == "CPU" and rep["layers_offloaded"] == 0 and not rep["on_gpu"]
    assert (rep["n_layer"], rep["layers_total"]) == (2, 3) and rep["devices"] == []
    assert rep["buffers"]["CPU"]["kv"] == p.kv_bytes                       # 1.00 MiB, as logged
    assert abs(rep["buffers"]["CPU_Mapped"]["model"] - p.weights_bytes) < 2**20 / 100
    assert rep["model_bytes"] > 0 and rep["buffers"]["CPU"]["compute"] > 0
    assert describe_offload(info) == "on the CPU"


def test_gpu_offload_report_from_llama_cpp_log_lines():
    """llama.cpp's own lines (llama-model.cpp, llama-kv-cache.cpp, llama-context.cpp of 0.3.36)."""
    from engine.host.protocol import describe_offload
    from engine.host.worker import offload_from_log

    lines = ["load_tensors: offloading output layer to GPU\n", "load_tensors: offloading 16 repeating layers to GPU\n",
             "load_tensors: offloaded 17/17 layers to GPU\n",
             "load_tensors:        CUDA0 model buffer size =  2355.00 MiB\n",
             "load_tensors:   CPU_Mapped model buffer size =   500.00 MiB\n",
             "llama_context:  CUDA_Host  output buffer size =     0.50 MiB\n",
             "llama_kv_cache:      CUDA0 KV buffer size =   256.00 MiB\n",
             "sched_reserve:      CUDA0 compute buffer size =   300.75 MiB\n",
             "sched_reserve:  CUDA_Host compute buffer size =    20.00 MiB\n"]
    rep = offload_from_log(lines)
    MiB = 2**20
    assert (rep["layers_offloaded"], rep["layers_total"]) == (17, 17)
    assert rep["buffers"]["CUDA0"] == {"model": 2355 * MiB, "kv": 256 * MiB, "compute": int(300.75 * MiB)}
    assert rep["buffers"]["CUDA_Host"] == {"output": MiB // 2, "compute": 20 * MiB}
    info = {"offload": dict(rep, backend="CUDA", on_gpu=True, gpu_buffer_bytes=(2355 + 256) * MiB + int(300.75 * MiB),
                            devices=[{"name": "CUDA0", "used_bytes": 3 * GiB}])}
    assert describe_offload(info) == ("17 of 17 layers on the GPU (CUDA): 2.84 GiB in llama.cpp's buffers, "
                                      "3.00 GiB used on CUDA0")
    assert offload_from_log(["load_tensors: CPU_Mapped model buffer size = 1.00 MiB\n"])["layers_offloaded"] == 0


def test_cuda_build_without_gpu_reports_the_cpu(monkeypatch, tiny_model):
    from engine.host.protocol import LoadOptions, describe_offload
    from engine.host.worker import LlamaDecoder

    _gpu_build(monkeypatch, [])
    info = LlamaDecoder().load(str(tiny_model), LoadOptions(gpu_layers="auto"))
    assert info["gpu_offload"] and info["offload"]["backend"] == "CUDA" and not info["offload"]["on_gpu"]
    assert describe_offload(info) == "on the CPU (CUDA build)"
    assert "found no usable GPU" in info["plan_note"]
