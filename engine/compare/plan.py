"""Plan a comparison: all models at once, or one after another?

Parallel runs every model in its own host at the same time; the machine-wide
core budget (``engine.host.budget``) splits the physical cores between the
hosts that generate. Measured on 2 cores with the starter model: one model
alone ~50 tok/s; two at once with one thread each ~28 tok/s each — together
more than one alone, so running side by side pays, *when* the threads are
split and the models fit in memory together.

So the plan is parallel when

- the models fit in memory together, by the GPU memory planner's figures
  (``engine.plan``, what the host loads with and ``python main.py plan``
  prints): each model's weights on the CPU and GPU, its KV cache at the context
  it will get and the compute buffer on every device that runs layers, plus the
  host process; RAM against what is available now (``psutil``). With GPU
  offload each model in turn gets the free VRAM the previous ones left (they
  load one after another), and the models together must leave the planner's
  safety margin free (1 GiB, ``HEARTH_GPU_MARGIN_GB``);
- and the core budget can give each model at least one core
  (``len(specs) <= physical cores``).

Otherwise sequential: load, answer, unload, one model after another, so only
one model is in memory at a time.

The estimate is deliberately simple and on the safe side (memory the page
cache could give back counts as used once a model maps its file); it only has
to tell "fits together comfortably" from "might not".
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from engine.errors import BadInputError

MiB = 1 << 20
DEFAULT_CTX_CAP = 8192          # the host's cap when n_ctx is 0 (engine.host.protocol)
RUNTIME_RAM = 256 * MiB         # one host process: Python, llama.cpp, tokenizer tables
# Parallel needs the estimate plus this margin to be free: the estimates are
# rough, and the rest of the machine (the app itself, the user's programs)
# keeps running beside the models.
MARGIN_FRACTION = 0.10
MARGIN_BYTES = 512 * MiB

MODES = ("parallel", "sequential")


@dataclass
class ModelSpec:
    """One model of a comparison and how to load it."""

    path: str | os.PathLike
    n_ctx: int = 0                  # 0: the model's own context, capped at 8192
    gpu_layers: str | int = "auto"  # "auto", "all" or a number of layers
    name: str | None = None         # shown in columns and results; default: the file name without .gguf
    remote: object = None           # an engine.remote.resolve.RemoteModel: runs on a server, no local memory

    @property
    def label(self) -> str:
        return self.name or Path(self.path).name.removesuffix(".gguf")

    def load_options(self):
        from engine.host.protocol import LoadOptions

        return LoadOptions(n_ctx=int(self.n_ctx or 0), gpu_layers=self.gpu_layers)

    def to_dict(self) -> dict:
        return {"path": str(self.path), "n_ctx": self.n_ctx, "gpu_layers": self.gpu_layers, "name": self.label}


@dataclass
class ModelNeed:
    """The memory estimate for one model."""

    name: str
    n_ctx: int = 0
    weights_bytes: int = 0
    kv_bytes: int = 0
    compute_bytes: int = 0
    ram_bytes: int = 0              # when loaded beside the models before it (parallel)
    vram_bytes: int = 0
    ram_alone_bytes: int = 0        # when loaded alone (sequential)
    gpu_layers: int = 0             # estimated layers on the GPU (-1: all)
    error: str | None = None        # the header could not be read: the model will fail on its own


@dataclass
class RunPlan:
    mode: str                       # "parallel" | "sequential"
    reason: str                     # a sentence for the user
    ram_needed: int = 0             # all models together, margin included
    ram_free: int = 0
    vram_needed: int = 0
    vram_free: int = 0
    cores: int = 0
    models: list[ModelNeed] = field(default_factory=list)
    stagger_loads: bool = False     # parallel with GPU offload: load one at a time so each sees the free VRAM
    forced: bool = False            # the user chose the mode

    @property
    def parallel(self) -> bool:
        return self.mode == "parallel"

    def to_dict(self) -> dict:
        return asdict(self)


def human_bytes(n: float) -> str:
    from engine.library import human_size

    return human_size(n)


def unique_names(specs: list[ModelSpec]) -> list[str]:
    """Column names, made unique ("gemma", "gemma (2)") so results can be keyed by name."""
    out: list[str] = []
    used: set[str] = set()
    for s in specs:
        base = name = s.label
        k = 1
        while name.casefold() in used:
            k += 1
            name = f"{base} ({k})"
        used.add(name.casefold())
        out.append(name)
    return out


def _weights_bytes(path: Path, split_count: int) -> int:
    """The file's size; a split model (``-00001-of-00003.gguf``) counts all its parts."""
    size = path.stat().st_size
    if split_count > 1:
        from engine.library import SPLIT_RE

        m = SPLIT_RE.match(path.name)
        if m:
            total = int(m.group("total"))
            size = 0
            for i in range(1, total + 1):
                part = path.with_name(f"{m.group('stem')}-{i:05d}-of-{total:05d}.gguf")
                try:
                    size += part.stat().st_size
                except OSError:
                    pass
    return size


def estimate_need(spec: ModelSpec, vram_left: int, name: str | None = None, *,
                  margin: int | None = None) -> ModelNeed:
    """Memory for one model; ``vram_left``: free VRAM it may use (0: CPU only)."""
    from engine import plan as planner
    from engine.gguf_check import InvalidGGUF, check_file

    need = ModelNeed(name=name or spec.label)
    if spec.remote is not None:
        return need     # runs on its server: no memory, cores or GPU here
    try:
        info = check_file(spec.path)
        weights = _weights_bytes(Path(spec.path), info.split_count or 1)
    except (InvalidGGUF, OSError) as e:
        need.error = str(e)
        return need
    n_ctx = int(spec.n_ctx or 0) or min(info.context_length or 4096, DEFAULT_CTX_CAP)
    gl = spec.gpu_layers
    try:
        from engine.host.protocol import parse_gpu_layers

        gl = parse_gpu_layers(gl)
    except (TypeError, ValueError):
        gl = 0
    shape = planner.shape_for_file(info, weights)
    need.n_ctx, need.weights_bytes = n_ctx, weights
    if shape is None:  # no layer count in the header: the whole file in RAM
        need.ram_bytes = weights + RUNTIME_RAM
        return need
    gpu_free = [vram_left] if vram_left > 0 and gl != 0 else []
    p = planner.plan_memory(shape, n_ctx=n_ctx, gpu_free=gpu_free, gpu_layers=gl,
                            margin=planner.margin_from_env() if margin is None else margin)
    need.kv_bytes, need.compute_bytes = p.kv_bytes, p.compute_bytes
    need.gpu_layers = -1 if p.gpu_layers > shape.n_layer else p.gpu_layers
    need.vram_bytes = p.total_gpu_bytes
    need.ram_bytes = p.total_cpu_bytes + RUNTIME_RAM
    return need


def _with_margin(n: int) -> int:
    return int(n * (1 + MARGIN_FRACTION)) + MARGIN_BYTES


def _both(n: int) -> str:
    return "both" if n == 2 else f"all {n}"


def plan_run(specs: list[ModelSpec], free_ram_bytes: int | None = None, cores: int | None = None,
             force: str | None = None, hardware=None) -> RunPlan:
    """Decide how to run ``specs``: ``"parallel"`` or ``"sequential"``, with the reason.

    ``free_ram_bytes`` (default: available RAM now) and ``cores`` (default: the
    core budget's physical cores) can be given to plan for a made-up machine;
    ``hardware`` (an ``engine.hardware.HardwareInfo``) likewise for the GPUs —
    by default llama.cpp is asked, but only when ``free_ram_bytes`` is not
    given (then the plan counts no VRAM). ``force``: ``"parallel"`` or
    ``"sequential"`` (the user's choice; the reason says so), ``None`` or
    ``"auto"`` to decide.
    """
    if not specs:
        raise BadInputError("choose at least one model to compare")
    if force not in (None, "auto", *MODES):
        raise BadInputError(f"the plan must be auto, parallel or sequential (got {force!r})")
    if free_ram_bytes is None:
        import psutil

        free_ram_bytes = int(psutil.virtual_memory().available)
        if hardware is None:
            from engine import hardware as hw_mod

            hardware = hw_mod.detect()
    if cores is None:
        from engine.host.budget import physical_cores

        cores = physical_cores()
    cores = max(1, int(cores))
    vram_free = 0
    if hardware is not None and getattr(hardware, "gpu_offload", False) and hardware.gpus:
        vram_free = int(hardware.vram_free)

    names = unique_names(specs)
    # Side by side: each model's GPU layers come out of what the models before it left.
    needs, vram_left = [], vram_free
    for spec, name in zip(specs, names):
        need = estimate_need(spec, vram_left, name)
        alone = estimate_need(spec, vram_free, name) if vram_free else need
        need.ram_alone_bytes = alone.ram_bytes
        vram_left = max(0, vram_left - need.vram_bytes)
        needs.append(need)
    # The same file twice shares its mapped weights (mmap): count them once when on the CPU.
    seen_files: set = set()
    ram = 0
    for spec, need in zip(specs, needs):
        if need.error:
            continue
        ram += need.ram_bytes
        try:
            st = os.stat(spec.path)
            key = (st.st_dev, st.st_ino)
        except OSError:
            key = None
        if key is not None and key in seen_files and need.gpu_layers == 0:
            ram -= need.weights_bytes
        seen_files.add(key)
    ram_needed = _with_margin(ram)
    vram_needed = sum(n.vram_bytes for n in needs)
    from engine.plan import margin_from_env

    vram_margin = margin_from_env() if vram_needed else 0  # kept free on the GPU, as the host keeps it
    plan = RunPlan(mode="sequential", reason="", ram_needed=ram_needed, ram_free=int(free_ram_bytes),
                   vram_needed=vram_needed, vram_free=vram_free, cores=cores, models=needs,
                   stagger_loads=vram_free > 0)
    n = len(specs)
    n_local = sum(1 for s in specs if s.remote is None)
    fits_ram = ram_needed <= free_ram_bytes
    fits_vram = vram_needed + vram_margin <= vram_free or vram_needed == 0
    fits_cores = n_local <= cores
    memory = f"needs {human_bytes(ram_needed)}, {human_bytes(free_ram_bytes)} free"
    if vram_needed:
        memory += f"; GPU {human_bytes(vram_needed)} of {human_bytes(vram_free)} free"
    if force in MODES:
        plan.mode, plan.forced = force, True
        if force == "sequential":
            plan.reason = "one after another, as chosen"
        elif fits_ram and fits_vram and fits_cores:
            plan.reason = f"at the same time, as chosen ({memory})"
        elif not (fits_ram and fits_vram):
            plan.reason = f"at the same time, as chosen, though they may not fit in memory together ({memory})"
        else:
            plan.reason = (f"at the same time, as chosen, though {cores} CPU core{'s' if cores != 1 else ''} "
                           f"cannot be split between {n} models")
        return plan
    if n == 1:
        plan.reason = "one model: nothing to run beside it"
    elif not fits_ram:
        plan.reason = f"one after another: not enough memory for {_both(n)} ({memory})"
    elif not fits_vram:
        plan.reason = f"one after another: not enough GPU memory for {_both(n)} ({memory})"
    elif not fits_cores:
        plan.reason = (f"one after another: {cores} CPU core{'s' if cores != 1 else ''} cannot be split "
                       f"between {n} models")
    else:
        plan.mode = "parallel"
        plan.reason = (f"at the same time: {_both(n)} fit in memory ({memory}) and the {cores} CPU cores "
                       f"are split between them")
    return plan
