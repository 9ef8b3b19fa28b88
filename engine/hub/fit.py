"""Will this model run here? Memory estimates from a GGUF header.

The figures are the GPU memory planner's (``engine.plan``), the same that the
model host loads with and ``python main.py plan`` prints: each layer's real
tensors when the header lists them (else the file divided like a llama-like
model), the KV cache at the chosen context, the compute buffer on every device
that runs layers, the most layers that fit in free VRAM less the safety margin
(1 GiB per GPU, ``HEARTH_GPU_MARGIN_GB``). The rest runs from RAM: the
weights there (mapped from the file, but they must fit for decent speed), its
KV cache and compute buffer, plus the host process. Every function takes a
``HardwareInfo`` so tests can use a made-up machine.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from engine import plan as planner
from engine.gguf_check import GGUFInfo
from engine.hardware import HardwareInfo
from engine.hub.quant import RemoteModel, quant_rank

MiB = 1 << 20
DEFAULT_CTX_CAP = 8192         # same cap the model host uses when n_ctx is 0
CTX_STEP = 256                 # granularity of "largest context that fits"
RUNTIME_RAM = 256 * MiB        # the host process, llama.cpp, tokenizer tables
N_UBATCH = planner.DEFAULT_UBATCH


@dataclass
class ModelShape:
    """The header numbers the estimate needs when the tensors are not known (the curated catalogue)."""

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

    def planner_shape(self, weights_bytes: int) -> planner.ModelShape:
        return planner.even_shape(weights_bytes, n_layer=self.n_layer, n_head=self.n_head,
                                  n_head_kv=self.n_head_kv, n_embd=self.n_embd, key_length=self.head_dim_k,
                                  value_length=self.head_dim_v, n_vocab=self.n_vocab,
                                  context_length=self.ctx_train)


def compute_buffer_bytes(shape: ModelShape, n_ctx: int) -> int:
    """The planner's compute buffer of one device (with the logits) for this shape at ``n_ctx``."""
    return planner.compute_buffer_bytes(shape.planner_shape(0), n_ctx)


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


def _gpu_free(hw: HardwareInfo) -> list[int]:
    return [g.free_bytes for g in hw.gpus] if hw.gpu_offload and hw.gpus else []


def _place(weights: int, shape: planner.ModelShape | None, hw: HardwareInfo, n_ctx: int) -> dict:
    """Layers on GPU and the RAM/VRAM that takes, for one context length (the planner's "auto")."""
    gpu_free = _gpu_free(hw)
    vram_free = sum(gpu_free)
    if shape is None:  # no header: the whole file on the GPU or none of it
        compute = 256 * MiB
        on_gpu = bool(gpu_free) and weights + compute + planner.DEFAULT_MARGIN <= vram_free
        ram = (64 * MiB if on_gpu else weights + compute) + RUNTIME_RAM
        n_layer, gpu_layers, kv, vram = 0, (-1 if on_gpu else 0), 0, (weights + compute if on_gpu else 0)
    else:
        p = planner.plan_memory(shape, n_ctx=n_ctx, gpu_free=gpu_free, gpu_layers="auto",
                                margin=planner.margin_from_env(), gpu_names=[g.name for g in hw.gpus] or None)
        n_layer = shape.n_layer
        gpu_layers = -1 if p.gpu_layers > n_layer else p.gpu_layers
        kv, compute, vram = p.kv_bytes, p.compute_bytes, p.total_gpu_bytes
        ram = p.total_cpu_bytes + RUNTIME_RAM
    fits = ram <= hw.ram_available
    if not fits:
        verdict, label = "no_fit", "will not fit"
    elif gpu_layers == -1:
        verdict, label = "gpu", "runs fully on GPU"
    elif gpu_layers > 0:
        verdict, label = "partial", f"{gpu_layers} of {n_layer} layers on GPU"
    else:
        verdict, label = "cpu", "CPU only"
    return dict(verdict=verdict, label=label, gpu_layers=gpu_layers if fits else 0, n_layer=n_layer,
                kv_bytes=kv, compute_bytes=compute, ram_needed=ram, vram_needed=vram)


def _largest_ctx(weights: int, shape: planner.ModelShape, ctx_train: int, hw: HardwareInfo, ok) -> int:
    """Binary search over context lengths (monotone: more context, more memory)."""
    lo, hi = 0, max(1, ctx_train // CTX_STEP)
    if ok(_place(weights, shape, hw, ctx_train)):
        return ctx_train
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
    if isinstance(info, GGUFInfo):
        shape = planner.shape_for_file(info, weights_bytes)
        ctx_train = info.context_length or 4096
    elif info is not None:
        shape, ctx_train = info.planner_shape(weights_bytes), info.ctx_train
    else:
        shape, ctx_train = None, DEFAULT_CTX_CAP
    if n_ctx is None or n_ctx <= 0:
        n_ctx = min(ctx_train, DEFAULT_CTX_CAP)
    placed = _place(weights_bytes, shape, hw, n_ctx)
    est = FitEstimate(n_ctx=n_ctx, weights_bytes=weights_bytes, ram_available=hw.ram_available,
                      vram_free=hw.vram_free if hw.gpu_offload else 0,
                      approximate=shape is None, **placed)
    if shape is not None:
        est.max_ctx = _largest_ctx(weights_bytes, shape, ctx_train, hw, lambda p: p["verdict"] != "no_fit")
        est.max_ctx_gpu = _largest_ctx(weights_bytes, shape, ctx_train, hw, lambda p: p["verdict"] == "gpu")
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
