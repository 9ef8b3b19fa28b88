"""GPU memory plan from the command line.

    hearth plan MODEL [--ctx N] [--gpu-layers N|auto|all] [--vram-free-gb X] [--json]

Prints how many layers go on the GPU(s) at the context asked for, and the memory
per device (weights / KV cache / compute buffer), computed from the model's
header alone (engine/plan.py). Free GPU memory comes from llama.cpp's device
list, or from ``--vram-free-gb`` so that a machine without the card can plan
for it. ``--json`` keys: gpu_layers, n_ctx, weights_bytes, kv_bytes,
compute_bytes, total_gpu_bytes, total_cpu_bytes, fits (and n_layer,
requested_ctx, reason, margin_bytes, kv types, devices with their breakdown).
"""

from __future__ import annotations

from engine.errors import BadInputError
from engine.printable import clean_name

GB = 1 << 30


def _gib(n: float) -> str:
    return f"{n / GB:.2f} GiB"


def _free_gb(value: str, flag: str) -> float:
    try:
        x = float(value)
    except ValueError:
        raise BadInputError(f"{flag} must be a number of GiB (got {value!r})") from None
    if not 0 <= x < 1e6:
        raise BadInputError(f"{flag} must be between 0 and 1000000 GiB (got {value!r})")
    return x


def cmd_plan(args, ctx) -> int:
    from engine.commands.core import resolve_model
    from engine.gguf_check import check_file
    from engine.host.protocol import DEFAULT_CTX_CAP, parse_gpu_layers
    from engine.plan import plan_memory, shape_from_header

    try:
        gl = parse_gpu_layers(args.gpu_layers)
    except ValueError:
        raise BadInputError(f"--gpu-layers must be a number, auto or all (got {args.gpu_layers!r})") from None
    if args.ctx is not None and args.ctx <= 0:
        raise BadInputError(f"--ctx must be a positive number of tokens (got {args.ctx})")
    entry = resolve_model(ctx, args.model)
    info = check_file(entry.path)          # the library's cache keeps no tensor list
    shape = shape_from_header(info)
    n_ctx = args.ctx or min(info.context_length or 4096, DEFAULT_CTX_CAP)

    names: list[str] = []
    if args.vram_free_gb is not None:
        gpu_free = [int(_free_gb(args.vram_free_gb, "--vram-free-gb") * GB)]
        names = ["GPU"]
        source = "--vram-free-gb"
    else:
        from engine import hardware

        hw = hardware.detect()
        gpu_free = [g.free_bytes for g in hw.gpus] if hw.gpu_offload else []
        names = [g.name for g in hw.gpus] if hw.gpu_offload else []
        source = f"llama.cpp ({hw.backend})"
    if args.ram_free_gb is not None:
        ram_free = int(_free_gb(args.ram_free_gb, "--ram-free-gb") * GB)
    else:
        import psutil

        ram_free = psutil.virtual_memory().available
    margin = int(_free_gb(args.margin_gb, "--margin-gb") * GB)
    plan = plan_memory(shape, n_ctx=n_ctx, gpu_free=gpu_free, gpu_layers=gl, ram_free=ram_free, margin=margin,
                       type_k=args.kv_type, type_v=args.kv_type,
                       flash_attn={"on": True, "off": False}.get(args.flash_attn), gpu_names=names or None)
    if args.json:
        from engine.cli import print_json

        d = plan.to_dict()
        d.update(model=str(entry.path), free_memory_from=source, ram_free_bytes=ram_free)
        print_json(d)
        return 0
    print(f"{clean_name(entry.path.name)}: {shape.n_layer} layers, "
          f"{clean_name(shape.architecture) or 'unknown architecture'}")
    print(f"GPU layers: {plan.gpu_layers} of {shape.n_layer + 1} (the output layer counts as one)")
    ctx_line = f"context:    {plan.n_ctx}"
    if plan.n_ctx != plan.requested_ctx:
        ctx_line += f" (asked for {plan.requested_ctx})"
    print(ctx_line)
    print(f"fits:       {'yes' if plan.fits else 'no'}" + (f" — {plan.reason}" if plan.reason else ""))
    print(f"free GPU memory from {source}; margin {_gib(margin)} per GPU")
    print(f"{'device':<12}{'layers':>7}{'weights':>13}{'KV cache':>13}{'compute':>13}{'total':>13}{'free':>13}")
    for d in plan.devices:
        free = "-" if d.free_bytes is None else _gib(d.free_bytes)
        print(f"{d.name[:12]:<12}{d.layers:>7}{_gib(d.weights_bytes):>13}{_gib(d.kv_bytes):>13}"
              f"{_gib(d.compute_bytes):>13}{_gib(d.total_bytes):>13}{free:>13}")
    print(f"total on the GPU(s): {_gib(plan.total_gpu_bytes)}; on the CPU: {_gib(plan.total_cpu_bytes)} "
          "(weights there are mapped from the file)")
    return 0


def register(sub) -> None:
    p = sub.add_parser("plan", help="plan GPU offload: layers and memory per device for a model",
                       description="How many layers of MODEL fit on the GPU(s) at a context, and the memory "
                       "each device needs (weights, KV cache, compute buffer), from the model's header alone.")
    p.add_argument("model", metavar="MODEL", help="model path or library name")
    p.add_argument("--ctx", type=int, help="context length (default: the model's, capped at 8192)")
    p.add_argument("--gpu-layers", default="auto", help="N, auto (the most that fit) or all")
    p.add_argument("--vram-free-gb", help="plan for one GPU with this much free memory (GiB) "
                   "instead of the GPUs llama.cpp sees")
    p.add_argument("--ram-free-gb", help="free RAM to plan for (GiB; default: what this machine has free)")
    p.add_argument("--margin-gb", default="1", help="memory kept free on every GPU (GiB, default 1)")
    p.add_argument("--kv-type", default="f16", help="KV cache type: f16 (default), q8_0, q4_0...")
    p.add_argument("--flash-attn", choices=("auto", "on", "off"), default="auto",
                   help="flash attention (a quantized KV cache needs it)")
    p.add_argument("--json", action="store_true", help="machine-readable plan")
    p.set_defaults(func=cmd_plan)
