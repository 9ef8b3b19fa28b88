"""Will this model run here? Memory estimates from a GGUF header.

memory = weights (the file size) + KV cache at the chosen context + compute
buffers, placed on GPU layer by layer while free VRAM lasts, the rest in RAM.
The numbers are estimates (llama.cpp's real buffers vary by backend and
version); they are meant to tell "fits easily" from "will not fit", and
every function takes a ``HardwareInfo`` so tests can use a made-up machine.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from engine.gguf_check import GGUFInfo
from engine.hardware import HardwareInfo, estimate_gpu_layers, kv_cache_bytes
from engine.hub.quant import RemoteModel, quant_rank

MiB = 1 << 20
DEFAULT_CTX_CAP = 8192         # same cap the model host uses when n_ctx is 0
CTX_STEP = 256                 # granularity of "largest context that fits"
RUNTIME_RAM = 256 * MiB        # the host process, llama.cpp, tokenizer tables
GPU_CONTEXT = 128 * MiB        # CUDA/Metal context and scratch beyond compute buffers
N_UBATCH = 512


@dataclass
class ModelShape:
    """The header numbers the estimate needs."""

    n_layer: int
    n_head: int
    n_head_kv: int
    n_embd: int
    head_dim_k: int
    head_dim_v: int
    n_vocab: int
    ctx_train: int

    @classmethod
    def from_info(cls, info: GGUFInfo) -> "ModelShape | None":
        if not info.block_count or not info.embedding_length:
            return None
        n_head = info.head_count or 1
        head_dim = info.embedding_length // n_head
        return cls(n_layer=info.block_count, n_head=n_head,
                   n_head_kv=info.head_count_kv or n_head, n_embd=info.embedding_length,
                   head_dim_k=info.key_length or head_dim, head_dim_v=info.value_length or head_dim,
                   n_vocab=info.vocab_size or 32000, ctx_train=info.context_length or 4096)


def compute_buffer_bytes(shape: ModelShape, n_ctx: int) -> int:
    """Rough llama.cpp compute buffer: logits and activations for one micro-batch."""
    return 64 * MiB + N_UBATCH * 4 * (shape.n_vocab + 8 * shape.n_embd) + N_UBATCH * 4 * n_ctx


@dataclass
class FitEstimate:
    verdict: str                 # "gpu", "partial", "cpu", "no_fit"
    label: str                   # the sentence shown to the user
    n_ctx: int
    gpu_layers: int              # -1 all, 0 none, K of n_layer
    n_layer: int
    weights_bytes: int
    kv_bytes: int
    compute_bytes: int
    ram_needed: int
    vram_needed: int
    ram_available: int
    vram_free: int
    max_ctx: int | None = None       # largest context that fits at all (None: header unknown)
    max_ctx_gpu: int | None = None   # largest context that still runs fully on GPU
    approximate: bool = False        # no header: weights only
    best: bool = False

    @property
    def fits(self) -> bool:
        return self.verdict != "no_fit"

    def to_dict(self) -> dict:
        return asdict(self)


def _place(weights: int, shape: ModelShape | None, hw: HardwareInfo, n_ctx: int) -> dict:
    """Layers on GPU and the RAM/VRAM that takes, for one context length."""
    if shape is None:
        n_layer, kv, compute = 0, 0, 256 * MiB
    else:
        n_layer = shape.n_layer
        kv = kv_cache_bytes(n_ctx, shape.n_layer, shape.n_head_kv, shape.head_dim_k, shape.head_dim_v)
        compute = compute_buffer_bytes(shape, n_ctx)
    gpu_layers = 0
    vram_free = hw.vram_free if hw.gpu_offload and hw.gpus else 0
    if vram_free > 0 and n_layer > 0:
        gpu_layers = estimate_gpu_layers(weights, n_layer, vram_free, n_ctx, kv,
                                         reserve=compute + GPU_CONTEXT)
    elif vram_free > 0 and weights + compute + GPU_CONTEXT <= vram_free:
        gpu_layers = -1  # no header: whole file on GPU or nothing
    slices = n_layer + 1
    on_gpu = slices if gpu_layers == -1 else gpu_layers
    frac = on_gpu / slices if slices else (1.0 if gpu_layers == -1 else 0.0)
    vram = int(frac * (weights + kv)) + (compute + GPU_CONTEXT if frac > 0 else 0)
    ram = int((1 - frac) * (weights + kv)) + (64 * MiB if frac > 0 else compute) + RUNTIME_RAM
    fits = ram <= hw.ram_available and (vram <= vram_free or frac == 0)
    if not fits:
        verdict, label = "no_fit", "will not fit"
    elif gpu_layers == -1:
        verdict, label = "gpu", "runs fully on GPU"
    elif gpu_layers > 0:
        verdict, label = "partial", f"{gpu_layers} of {n_layer} layers on GPU"
    else:
        verdict, label = "cpu", "CPU only"
    return dict(verdict=verdict, label=label, gpu_layers=gpu_layers if fits else 0, n_layer=n_layer,
                kv_bytes=kv, compute_bytes=compute, ram_needed=ram, vram_needed=vram if frac else 0)


def _largest_ctx(weights: int, shape: ModelShape, hw: HardwareInfo, ok) -> int:
    """Binary search over context lengths (monotone: more context, more memory)."""
    lo, hi = 0, max(1, shape.ctx_train // CTX_STEP)
    if ok(_place(weights, shape, hw, hi * CTX_STEP)):
        return shape.ctx_train
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if ok(_place(weights, shape, hw, mid * CTX_STEP)):
            lo = mid
        else:
            hi = mid - 1
    return lo * CTX_STEP


def estimate_fit(weights_bytes: int, info: GGUFInfo | ModelShape | None, hw: HardwareInfo,
                 n_ctx: int | None = None) -> FitEstimate:
    """Where a model of ``weights_bytes`` (all parts) would run on ``hw`` at ``n_ctx``.

    ``n_ctx`` defaults to the trained context capped like the model host does.
    Without a header (``info`` None) only the weights are counted.
    """
    shape = ModelShape.from_info(info) if isinstance(info, GGUFInfo) else info
    if n_ctx is None or n_ctx <= 0:
        n_ctx = min(shape.ctx_train, DEFAULT_CTX_CAP) if shape else DEFAULT_CTX_CAP
    placed = _place(weights_bytes, shape, hw, n_ctx)
    est = FitEstimate(n_ctx=n_ctx, weights_bytes=weights_bytes, ram_available=hw.ram_available,
                      vram_free=hw.vram_free if hw.gpu_offload else 0,
                      approximate=shape is None, **placed)
    if shape is not None:
        est.max_ctx = _largest_ctx(weights_bytes, shape, hw, lambda p: p["verdict"] != "no_fit")
        est.max_ctx_gpu = _largest_ctx(weights_bytes, shape, hw, lambda p: p["verdict"] == "gpu")
    return est


def pick_best(models: list[tuple[RemoteModel, FitEstimate]]) -> int | None:
    """Index of the file to recommend for this machine, or None if nothing fits.

    Fully on GPU wins; among those, the best quality up to Q8_0 (F16 is rarely
    worth its size). Otherwise Q4_K_M-class quality is the usual balance of
    speed and quality on CPU, so the best quant up to Q4_K_M that fits.
    """
    cands = [(i, m, e) for i, (m, e) in enumerate(models) if m.kind == "model" and e.fits]
    if not cands:
        return None

    def choose(pool, cap):
        capped = [c for c in pool if quant_rank(c[1].quant) <= quant_rank(cap)]
        pool = capped or sorted(pool, key=lambda c: c[1].size or 0)[:1]
        return max(pool, key=lambda c: (quant_rank(c[1].quant), c[1].size or 0))[0]

    gpu = [c for c in cands if c[2].verdict == "gpu"]
    if gpu:
        return choose(gpu, "Q8_0")
    return choose(cands, "Q4_K_L")
