"""GPU memory planner: how many layers fit, from the GGUF header alone.

Pure functions (no llama.cpp): ``shape_from_header`` sums the real tensors of
each layer (``blk.N.*``, so MoE experts and unequal layers count as they are),
and ``plan_memory`` places layers on the GPU(s) the way llama.cpp does and
checks every device against its free memory less a safety margin.

What is assumed about llama.cpp (llama-model.cpp / llama-context.cpp, 0.3.x):

- ``n_gpu_layers = k`` offloads the *last* k of the ``n_layer + 1`` "layers",
  the extra one (slot ``n_layer``, the very last) being the output layer
  (``output_norm``, ``output``): so the output goes to the GPU first, with
  ``k = 1``, then the last repeating layers (llama-model.cpp of the llama.cpp
  that llama-cpp-python 0.3.36 vendors: ``i_gpu_start = max(n_layer + 1 - k, 0)``;
  its log says "offloading output layer to GPU" for any k > 0). The input layer
  (``token_embd`` and the other tensors outside ``blk.*``/``output*``) always
  stays on the CPU, mapped from the file.
- Tied embeddings (no ``output.weight``): llama.cpp uses ``token_embd`` for the
  output too; when the output layer is offloaded it loads a second copy of it
  on the GPU, so it counts once in CPU memory and once on the GPU.
- Several GPUs share the offloaded layers in proportion to their free memory
  (llama.cpp's default split); each holds its layers' weights and KV cache.
- The KV cache of a layer lives with the layer. Per token it takes
  ``n_head_kv × (key_length × bytes(K type) + value_length × bytes(V type))``;
  f16 2 bytes, q8_0 34/32, q4_0 18/32. Sliding-window layers hold only
  ``window + n_ubatch`` cells when the SWA cache is not full-size
  (``swa_full=False``; llama.cpp's own default, used by Hearth's host, is the
  full-size cache, so that is the default here too).
- The compute buffer is an estimate: activations ``n_ubatch × (4 n_embd +
  2 n_ff) × 4`` plus the larger of the logits ``n_vocab × n_ubatch × 4`` (on
  the device that runs the output layer) and the attention scores
  ``n_ubatch × n_ctx × n_head × 4`` without flash attention (with it, one
  layer's K and V as f16). It sits on each GPU holding layers and on the CPU
  while any layer (or the output) runs there.
- Weights on the CPU are memory-mapped from the file: reported, but only the
  KV cache and compute buffer must fit in free RAM.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from engine.errors import BadInputError

GiB = 1 << 30
MiB = 1 << 20
DEFAULT_MARGIN = GiB         # kept free on every GPU
DEFAULT_UBATCH = 512
MIN_CTX = 256

# bytes per element of the KV cache, by type
KV_TYPE_BYTES = {"f32": 4.0, "f16": 2.0, "bf16": 2.0, "q8_0": 34 / 32, "q4_0": 18 / 32,
                 "q4_1": 20 / 32, "q5_0": 22 / 32, "q5_1": 24 / 32}

# Sliding-window interleave when the header has no pattern key: every n-th layer
# is a full-attention layer (llama.cpp's set_swa_pattern).
_SWA_PATTERNS = {"gemma2": 2, "gemma3": 6, "gemma3n": 5, "cohere2": 4, "gpt-oss": 2}

_BLK = re.compile(r"blk\.(\d+)\.")


@dataclass
class ModelShape:
    """What the planner needs from a model header."""

    n_layer: int
    layer_bytes: list[int]
    input_bytes: int                 # token_embd and other tensors kept on the CPU
    output_bytes: int                # output_norm + output (a copy of token_embd when tied)
    tied_embeddings: bool
    n_head: int
    n_head_kv: int
    key_length: int
    value_length: int
    n_embd: int
    n_ff: int
    n_vocab: int
    context_length: int | None = None
    sliding_window: int | None = None
    swa_layers: list[bool] = field(default_factory=list)
    architecture: str | None = None
    output_copy_bytes: int = 0       # tied: the part of output_bytes that is token_embd again

    @property
    def weights_bytes(self) -> int:
        """Bytes of weights in the file (a tied output is not counted twice)."""
        return self.input_bytes + sum(self.layer_bytes) + self.output_bytes - self.output_copy_bytes


def swa_layer_flags(n_layer: int, window: int | None, pattern: int | None, architecture: str | None) -> list[bool]:
    """Which layers use sliding-window attention (every ``pattern``-th layer is full)."""
    if not window:
        return [False] * n_layer
    if not pattern:
        pattern = _SWA_PATTERNS.get(architecture or "", 0)
    if not pattern:  # a window without a known interleave: plan every layer at full size
        return [False] * n_layer
    return [(il % pattern) < (pattern - 1) for il in range(n_layer)]


def shape_from_header(info) -> ModelShape:
    """A ``ModelShape`` from a parsed header (``engine.gguf_check.GGUFInfo`` with tensors)."""
    n_layer = info.block_count or 0
    if n_layer <= 0:
        raise BadInputError("the model header has no block_count, so its layers cannot be planned")
    if not info.tensors:
        raise BadInputError("the model header lists no tensors, so its memory cannot be planned")
    layer_bytes = [0] * n_layer
    input_bytes = output_bytes = 0
    token_embd = None
    has_output = False
    n_ff = 0
    for t in info.tensors:
        m = _BLK.match(t.name)
        if m:
            il = int(m.group(1))
            if il < n_layer:
                layer_bytes[il] += t.n_bytes
                rest = t.name[m.end():]
                if rest.startswith(("ffn_up", "ffn_gate")) and len(t.shape) >= 2:
                    n_ff = max(n_ff, t.shape[1])
                continue
        if t.name.startswith("output"):
            output_bytes += t.n_bytes
            has_output = has_output or t.name.startswith("output.weight")
            continue
        if t.name == "token_embd.weight":
            token_embd = t
        input_bytes += t.n_bytes
    tied = not has_output
    copy = token_embd.n_bytes if tied and token_embd is not None else 0
    output_bytes += copy
    n_head = info.head_count or 1
    n_embd = info.embedding_length or (token_embd.shape[0] if token_embd else 0)
    head_dim = n_embd // max(n_head, 1)
    n_vocab = info.vocab_size or (token_embd.shape[1] if token_embd is not None and len(token_embd.shape) > 1 else 0)
    return ModelShape(
        n_layer=n_layer, layer_bytes=layer_bytes, input_bytes=input_bytes, output_bytes=output_bytes,
        tied_embeddings=tied, n_head=n_head, n_head_kv=info.head_count_kv or n_head,
        key_length=info.key_length or head_dim, value_length=info.value_length or head_dim,
        n_embd=n_embd, n_ff=n_ff or 4 * n_embd, n_vocab=n_vocab, context_length=info.context_length,
        sliding_window=info.sliding_window,
        swa_layers=swa_layer_flags(n_layer, info.sliding_window, info.sliding_window_pattern, info.architecture),
        architecture=info.architecture, output_copy_bytes=copy)


# ---- the plan ------------------------------------------------------------------

@dataclass
class DeviceUse:
    name: str
    free_bytes: int | None           # None: not limited (the CPU when RAM is not checked)
    layers: int = 0
    weights_bytes: int = 0
    kv_bytes: int = 0
    compute_bytes: int = 0

    @property
    def total_bytes(self) -> int:
        return self.weights_bytes + self.kv_bytes + self.compute_bytes


@dataclass
class Plan:
    gpu_layers: int                  # 0 .. n_layer + 1 (the output layer counts as one)
    n_layer: int
    n_ctx: int
    requested_ctx: int
    fits: bool
    devices: list[DeviceUse]         # GPUs first, the CPU last
    margin_bytes: int
    kv_type_k: str = "f16"
    kv_type_v: str = "f16"
    reason: str = ""

    def _sum(self, attr: str, gpu: bool | None = None) -> int:
        return sum(getattr(d, attr) for d in self.devices if gpu is None or (d.name != "CPU") == gpu)

    @property
    def weights_bytes(self) -> int:
        return self._sum("weights_bytes")

    @property
    def kv_bytes(self) -> int:
        return self._sum("kv_bytes")

    @property
    def compute_bytes(self) -> int:
        return self._sum("compute_bytes")

    @property
    def total_gpu_bytes(self) -> int:
        return self._sum("total_bytes", True)

    @property
    def total_cpu_bytes(self) -> int:
        return self._sum("total_bytes", False)

    def to_dict(self) -> dict:
        return {
            "gpu_layers": self.gpu_layers, "n_layer": self.n_layer, "n_ctx": self.n_ctx,
            "requested_ctx": self.requested_ctx, "weights_bytes": self.weights_bytes,
            "kv_bytes": self.kv_bytes, "compute_bytes": self.compute_bytes,
            "total_gpu_bytes": self.total_gpu_bytes, "total_cpu_bytes": self.total_cpu_bytes,
            "fits": self.fits, "reason": self.reason, "margin_bytes": self.margin_bytes,
            "kv_type_k": self.kv_type_k, "kv_type_v": self.kv_type_v,
            "devices": [dict(asdict(d), total_bytes=d.total_bytes) for d in self.devices],
        }


def kv_bytes_per_cell(shape: ModelShape, type_k: str = "f16", type_v: str = "f16") -> float:
    """KV bytes of one layer for one position."""
    return shape.n_head_kv * (shape.key_length * KV_TYPE_BYTES[type_k] + shape.value_length * KV_TYPE_BYTES[type_v])


def layer_kv_bytes(shape: ModelShape, n_ctx: int, *, type_k: str = "f16", type_v: str = "f16",
                   swa_full: bool = True, n_ubatch: int = DEFAULT_UBATCH) -> list[int]:
    """KV cache bytes of each layer at ``n_ctx``."""
    per_cell = kv_bytes_per_cell(shape, type_k, type_v)
    swa_cells = n_ctx
    if shape.sliding_window and not swa_full:
        swa_cells = min(n_ctx, shape.sliding_window + n_ubatch)
    flags = shape.swa_layers or [False] * shape.n_layer
    return [int((swa_cells if flags[il] else n_ctx) * per_cell) for il in range(shape.n_layer)]


def compute_buffer_bytes(shape: ModelShape, n_ctx: int, *, n_ubatch: int = DEFAULT_UBATCH,
                         flash_attn: bool = True, with_logits: bool = True) -> int:
    """Estimated compute buffer of one device (see the module notes).

    ggml's graph allocator reuses memory, so the logits (at the end of the graph) and
    the attention scores (inside each layer) share it: their maximum counts, plus the
    activations that live alongside. On the CPU build, Gemma 3 270M (262k vocabulary)
    at 4096 tokens: 525 MiB planned, 514.5 MiB reported by llama.cpp."""
    ub = min(n_ubatch, n_ctx)
    activations = ub * (4 * shape.n_embd + 2 * shape.n_ff) * 4
    logits = shape.n_vocab * ub * 4 if with_logits else 0
    if flash_attn:
        attention = n_ctx * shape.n_head_kv * (shape.key_length + shape.value_length) * 2
    else:
        attention = ub * n_ctx * shape.n_head * 4
    return activations + max(logits, attention)


def _check_kv_types(type_k: str, type_v: str, flash_attn: bool | None) -> None:
    for t in (type_k, type_v):
        if t not in KV_TYPE_BYTES:
            raise BadInputError(f"unknown KV cache type {t!r} (use one of {', '.join(KV_TYPE_BYTES)})")
    if flash_attn is False and type_v not in ("f32", "f16", "bf16"):
        raise BadInputError(f"a quantized V cache ({type_v}) needs flash attention: turn flash attention on "
                            "or use an f16 V cache")


def _layer_ranges(n_gpu_layers: int, n_layer: int, gpu_free: list[int]) -> list[tuple[int, int]]:
    """For each GPU, the slots ``[lo, hi)`` of the ``n_layer + 1`` layers (slot ``n_layer``
    is the output layer) it holds, as llama.cpp splits them: the last ``n_gpu_layers``
    slots (the output first), shared in proportion to free memory. Slots outside every range stay on the CPU."""
    n_gpu = len(gpu_free)
    if n_gpu == 0 or n_gpu_layers <= 0:
        return [(0, 0)] * n_gpu
    act = min(n_gpu_layers, n_layer + 1)
    start = max(n_layer + 1 - n_gpu_layers, 0)
    weights = [max(f, 0) for f in gpu_free]
    if sum(weights) == 0:
        weights = [1] * n_gpu
    total = sum(weights)
    ranges, acc, lo = [], 0, 0
    for d, w in enumerate(weights):
        acc += w
        split = acc / total
        if d == n_gpu - 1:
            hi = act
        else:  # slots j with j / act < split (llama.cpp: upper_bound over the cumulative splits)
            hi = min(act, int(split * act))
            while hi < act and hi / act < split:
                hi += 1
            while hi > lo and (hi - 1) / act >= split:
                hi -= 1
        hi = max(hi, lo)
        ranges.append((start + lo, start + hi))
        lo = hi
    return ranges


class _Sums:
    """Prefix sums of layer weights and KV cache at one context: a device's share in O(1)."""

    def __init__(self, shape: ModelShape, kv: list[int]):
        self.w = [0]
        self.kv = [0]
        for b, k in zip(shape.layer_bytes, kv):
            self.w.append(self.w[-1] + b)
            self.kv.append(self.kv[-1] + k)


def breakdown(shape: ModelShape, n_gpu_layers: int, n_ctx: int, gpu_free: list[int], *,
              ram_free: int | None = None, margin: int = DEFAULT_MARGIN, type_k: str = "f16",
              type_v: str = "f16", flash_attn: bool | None = None, swa_full: bool = True,
              n_ubatch: int = DEFAULT_UBATCH, gpu_names: list[str] | None = None,
              _sums: _Sums | None = None) -> tuple[list[DeviceUse], bool]:
    """Memory of each device with ``n_gpu_layers`` offloaded at ``n_ctx``, and whether it fits."""
    n_layer = shape.n_layer
    n_gpu_layers = max(0, min(n_gpu_layers, n_layer + 1)) if gpu_free else 0
    names = gpu_names or [f"GPU{i}" for i in range(len(gpu_free))]
    gpus = [DeviceUse(names[i], gpu_free[i]) for i in range(len(gpu_free))]
    cpu = DeviceUse("CPU", ram_free)
    sums = _sums or _Sums(shape, layer_kv_bytes(shape, n_ctx, type_k=type_k, type_v=type_v,
                                                 swa_full=swa_full, n_ubatch=n_ubatch))
    fa = True if flash_attn is None else flash_attn
    out_dev = cpu
    on_gpu_layers = on_gpu_w = on_gpu_kv = 0
    for g, (lo, hi) in zip(gpus, _layer_ranges(n_gpu_layers, n_layer, gpu_free)):
        if lo <= n_layer < hi:
            out_dev = g
        hi_l = min(hi, n_layer)
        if hi_l > lo:
            g.layers = hi_l - lo
            g.weights_bytes = sums.w[hi_l] - sums.w[lo]
            g.kv_bytes = sums.kv[hi_l] - sums.kv[lo]
            on_gpu_layers += g.layers
            on_gpu_w += g.weights_bytes
            on_gpu_kv += g.kv_bytes
    cpu.layers = n_layer - on_gpu_layers
    cpu.weights_bytes = shape.input_bytes + sums.w[n_layer] - on_gpu_w
    cpu.kv_bytes = sums.kv[n_layer] - on_gpu_kv
    if out_dev is cpu:  # a tied output is token_embd itself, already counted
        cpu.weights_bytes += shape.output_bytes - shape.output_copy_bytes
    else:
        out_dev.weights_bytes += shape.output_bytes
    for g in gpus:
        if g.layers or g is out_dev:
            g.compute_bytes = compute_buffer_bytes(shape, n_ctx, n_ubatch=n_ubatch, flash_attn=fa,
                                                   with_logits=g is out_dev)
    if cpu.layers or out_dev is cpu:
        cpu.compute_bytes = compute_buffer_bytes(shape, n_ctx, n_ubatch=n_ubatch, flash_attn=fa,
                                                 with_logits=out_dev is cpu)
    fits = all(g.total_bytes <= g.free_bytes - margin for g in gpus if g.layers or g is out_dev)
    if ram_free is not None:
        fits = fits and cpu.kv_bytes + cpu.compute_bytes <= ram_free
    return gpus + [cpu], fits


def plan_memory(shape: ModelShape, *, n_ctx: int, gpu_free: list[int], gpu_layers: str | int = "auto",
                ram_free: int | None = None, margin: int = DEFAULT_MARGIN, type_k: str = "f16",
                type_v: str = "f16", flash_attn: bool | None = None, swa_full: bool = True,
                n_ubatch: int = DEFAULT_UBATCH, gpu_names: list[str] | None = None,
                min_ctx: int = MIN_CTX) -> Plan:
    """Plan ``gpu_layers`` ("auto", "all" or a number) at ``n_ctx`` on GPUs with ``gpu_free`` bytes free.

    "auto": the most layers that fit at ``n_ctx``; when not even zero layers fit
    (the KV cache and compute buffer need more RAM than ``ram_free``), the largest
    context that fits, with ``fits`` False and the reason said.
    """
    _check_kv_types(type_k, type_v, flash_attn)
    if n_ctx <= 0:
        raise BadInputError(f"the context must be at least 1 token, not {n_ctx}")
    n_layer = shape.n_layer
    kw = dict(ram_free=ram_free, margin=margin, type_k=type_k, type_v=type_v, flash_attn=flash_attn,
              swa_full=swa_full, n_ubatch=n_ubatch, gpu_names=gpu_names)

    def make(ngl, ctx, fits, reason):
        devices, _ = breakdown(shape, ngl, ctx, gpu_free, **kw)
        return Plan(gpu_layers=ngl if gpu_free else 0, n_layer=n_layer, n_ctx=ctx, requested_ctx=n_ctx,
                    fits=fits, devices=devices, margin_bytes=margin, kv_type_k=type_k, kv_type_v=type_v,
                    reason=reason)

    def best(ctx) -> int | None:
        sums = _Sums(shape, layer_kv_bytes(shape, ctx, type_k=type_k, type_v=type_v, swa_full=swa_full,
                                           n_ubatch=n_ubatch))
        top = n_layer + 1 if gpu_free else 0
        for ngl in range(top, -1, -1):
            if breakdown(shape, ngl, ctx, gpu_free, _sums=sums, **kw)[1]:
                return ngl
        return None

    no_gpu = "no GPU: every layer runs on the CPU"
    if gpu_layers not in ("auto", 0):
        no_gpu = "no GPU was found, so the layers asked for stay on the CPU"
    if gpu_layers != "auto":
        ngl = n_layer + 1 if gpu_layers == "all" else int(gpu_layers)
        if ngl < 0:
            ngl = n_layer + 1
        ngl = min(ngl, n_layer + 1)
        _, fits = breakdown(shape, ngl, n_ctx, gpu_free, **kw)
        reason = no_gpu if not gpu_free else (
            "" if fits else f"{ngl} layers at a context of {n_ctx} need more memory than is free")
        return make(ngl, n_ctx, fits, reason)

    ngl = best(n_ctx)
    if ngl is not None:
        if not gpu_free:
            reason = no_gpu
        elif ngl == n_layer + 1:
            reason = "every layer fits on the GPU"
        else:
            reason = f"{ngl} of {n_layer + 1} layers (the output layer counts as one) fit on the GPU"
        return make(ngl, n_ctx, True, reason)
    lo, hi = 0, n_ctx - 1          # the largest context that fits, by bisection
    floor = min(min_ctx, n_ctx)
    if best(floor) is None:
        return make(0, n_ctx, False, "not even the smallest context fits in the free memory")
    lo = floor
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if best(mid) is not None:
            lo = mid
        else:
            hi = mid - 1
    ngl = best(lo) or 0
    return make(ngl, lo, False, f"a context of {n_ctx} does not fit; the largest that fits is {lo}")


# ---- loading with retries ------------------------------------------------------

class OutOfMemory(Exception):
    """Raised by a ``try_load`` callable when the device ran out of memory.

    ``context`` True when it was the context (KV cache, compute buffer) that did
    not fit rather than the weights; ``stage`` "load" (making the model or its
    context) or "decode" (the first full-context decode after loading)."""

    def __init__(self, message: str = "out of memory", *, context: bool = False, stage: str = "load"):
        super().__init__(message)
        self.context = context
        self.stage = stage


def load_with_retry(try_load, gpu_layers: int, n_ctx: int, n_layer: int, *, min_ctx: int = MIN_CTX,
                    max_tries: int = 24):
    """Call ``try_load(gpu_layers, n_ctx)``; on ``OutOfMemory`` retry with fewer layers
    (three quarters each time, down to none), then with half the context (down to
    ``min_ctx``). Returns ``(result, gpu_layers, n_ctx, note)``; ``note`` is "" when the
    first try worked, else one sentence saying what happened. The last ``OutOfMemory``
    is raised when nothing fits. ``gpu_layers`` is 0..n_layer+1 (or -1: all)."""
    if gpu_layers < 0:
        gpu_layers = n_layer + 1
    first_ngl, first_ctx = gpu_layers, n_ctx
    failed_at: int | None = None
    first_stage = "load"
    last: OutOfMemory | None = None
    for _ in range(max_tries):
        try:
            result = try_load(gpu_layers, n_ctx)
        except OutOfMemory as e:
            last = e
            if failed_at is None:
                failed_at = gpu_layers
                first_stage = getattr(e, "stage", "load")
            if gpu_layers > 0:
                gpu_layers = gpu_layers * 3 // 4
            elif n_ctx > min_ctx:
                n_ctx = max(min_ctx, n_ctx // 2)
            else:
                raise
            continue
        note = ""
        if (gpu_layers, n_ctx) != (first_ngl, first_ctx):
            where = f"{min(gpu_layers, n_layer)} of {n_layer} layers on the GPU"
            if gpu_layers == 0:
                where = "no layers on the GPU"
            ctx_part = f" and a context of {n_ctx} instead of {first_ctx}" if n_ctx != first_ctx else ""
            at = (f"GPU memory at {min(failed_at, n_layer)} layers" if failed_at
                  else f"memory at a context of {first_ctx}")
            when = " in the first full-context decode" if first_stage == "decode" else ""
            note = f"loaded with {where}{ctx_part} after running out of {at}{when}"
        return result, gpu_layers, n_ctx, note
    raise last or OutOfMemory()


# ---- shared by the estimates elsewhere (download fit, comparison plans) -------------

def margin_from_env(default: int = DEFAULT_MARGIN) -> int:
    """Memory kept free on every GPU: ``HEARTH_GPU_MARGIN_GB`` (GiB) or ``default``."""
    import os

    try:
        margin = int(float(os.environ.get("HEARTH_GPU_MARGIN_GB", "")) * GiB)
    except ValueError:
        return default
    return margin if 0 <= margin < 1 << 50 else default


def even_shape(weights_bytes: int, *, n_layer: int, n_head: int, n_head_kv: int, n_embd: int,
               key_length: int | None = None, value_length: int | None = None, n_vocab: int = 32000,
               n_ff: int | None = None, context_length: int | None = None, sliding_window: int | None = None,
               sliding_window_pattern: int | None = None, architecture: str | None = None) -> ModelShape:
    """A ``ModelShape`` when only the header's numbers and the file size are known (a catalogue entry,
    a split model whose first part lists only its own tensors): the file is divided between the
    embedding, the output and ``n_layer`` equal layers in proportion to a llama-like parameter count."""
    n_layer = max(1, int(n_layer))
    n_head = max(1, int(n_head or 1))
    n_head_kv = int(n_head_kv or n_head)
    hd = n_embd // n_head if n_embd else 0
    kl, vl = key_length or hd, value_length or hd
    ff = n_ff or 4 * n_embd
    embed_p = n_vocab * n_embd
    layer_p = n_embd * n_head * kl * 2 + n_embd * n_head_kv * (kl + vl) + 3 * n_embd * ff
    total_p = 2 * embed_p + n_layer * layer_p
    bpp = weights_bytes / total_p if total_p > 0 else 0.0
    embed = int(embed_p * bpp)
    layer = max(0, (weights_bytes - 2 * embed) // n_layer)
    output = max(0, weights_bytes - embed - layer * n_layer)
    return ModelShape(
        n_layer=n_layer, layer_bytes=[layer] * n_layer, input_bytes=embed, output_bytes=output,
        tied_embeddings=False, n_head=n_head, n_head_kv=n_head_kv, key_length=kl, value_length=vl,
        n_embd=n_embd, n_ff=ff, n_vocab=n_vocab, context_length=context_length, sliding_window=sliding_window,
        swa_layers=swa_layer_flags(n_layer, sliding_window, sliding_window_pattern, architecture),
        architecture=architecture)


def shape_for_file(info, weights_bytes: int | None = None) -> ModelShape | None:
    """The planner's shape of a model from its parsed header: its real tensors when the header lists
    them all (one file), else ``even_shape`` over ``weights_bytes`` (all parts of a split model).
    None when the header lacks the numbers (no layer count or width)."""
    if not getattr(info, "block_count", None) or not getattr(info, "embedding_length", None):
        return None
    if info.tensors and (getattr(info, "split_count", 1) or 1) <= 1:
        try:
            return shape_from_header(info)
        except BadInputError:
            pass
    return even_shape(weights_bytes if weights_bytes is not None else info.file_size,
                      n_layer=info.block_count, n_head=info.head_count or 1,
                      n_head_kv=info.head_count_kv or info.head_count or 1, n_embd=info.embedding_length,
                      key_length=info.key_length, value_length=info.value_length,
                      n_vocab=info.vocab_size or 32000, context_length=info.context_length,
                      sliding_window=info.sliding_window, sliding_window_pattern=info.sliding_window_pattern,
                      architecture=info.architecture)
