"""The whole GPU proof in one script, for a fresh Linux machine with an NVIDIA GPU, the CUDA toolkit and
no internet (issue 11). From the repository root:

    python3 bench/gpu/prove.py                 # on the GPU machine (~8 min on 16 cores), prints the table
    python3 bench/gpu/prove.py --cpu-only --tiny   # the same pipeline here: installed llama-cpp-python, tiny model

Steps (GPU): install the wheels carried in ``.gpu/`` (gguf, diskcache, platformdirs) into a private
site folder; detect the card's architecture (``nvidia-smi --query-gpu=compute_cap``: 9.0 -> 90); build
llama.cpp once from the prepared llama-cpp-python source archive (``.gpu/llama_cpp_python-*-trim.tar.gz``)
with ``-DGGML_CUDA=ON -DCMAKE_CUDA_ARCHITECTURES=<that>``, shared libraries plus ``llama-bench``, while the
1B-like and 8B-like synthetic models (Q4_0, ``synth_model.py``) are written; install the Python package
without its own build and point it at those libraries (``LLAMA_CPP_LIB_PATH``), so Hearth, bare
llama-cpp-python and llama-bench run the very same llama.cpp. Then per model, all layers on the GPU and
none: ``bench/throughput.py`` (Hearth vs bare vs llama-bench, alternating, medians), and the planner's
predicted GPU memory against the GPU memory the load took (free memory before and after, from ggml, in
the Hearth host) and against llama.cpp's own buffers. Results: ``$OUT`` (or ``--out``) gets
``results.json``, ``table.md`` and the logs; the Markdown table is printed for bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
GiB = 1 << 30


def sh(cmd, log: Path | None = None, env=None, cwd=None) -> None:
    print("+", " ".join(map(str, cmd)), flush=True)
    with open(log, "a") if log else open(os.devnull, "w") as f:
        r = subprocess.run(list(map(str, cmd)), stdout=f if log else None, stderr=subprocess.STDOUT if log else None,
                           env=env, cwd=cwd)
    if r.returncode:
        if log:
            print(Path(log).read_text()[-4000:])
        raise SystemExit(f"failed ({r.returncode}): {' '.join(map(str, cmd))}")


def cuda_arch() -> str:
    out = subprocess.run(["nvidia-smi", "--query-gpu=compute_cap", "--format=csv,noheader"], capture_output=True,
                         text=True, check=True).stdout.split()
    return ";".join(sorted({c.replace(".", "") for c in out}))


def gpu_line() -> str:
    r = subprocess.run(["nvidia-smi", "--query-gpu=name,memory.total,driver_version", "--format=csv,noheader"],
                       capture_output=True, text=True)
    return r.stdout.strip() if r.returncode == 0 else ""


def build(args, out: Path, env: dict) -> tuple[Path, float]:
    """llama.cpp (shared libraries + llama-bench) for this card, and the Python package on top of them."""
    work = Path(args.work)
    site = work / "site"
    wheels = glob.glob(str(REPO / ".gpu" / "*.whl"))
    if wheels:
        sh([sys.executable, "-m", "pip", "install", "-q", "--no-index", "--no-deps", "--no-compile", "--target",
            site, *wheels], out / "pip.log")
    archive = args.source or sorted(glob.glob(str(REPO / ".gpu" / "llama_cpp_python-*-trim.tar.gz")))[-1]
    sh(["tar", "xzf", archive, "-C", work])
    src = next(p for p in work.iterdir() if p.name.startswith("llama_cpp_python-") and p.is_dir())
    arch = args.arch or cuda_arch()
    bdir = work / "build"
    t0 = time.perf_counter()
    gen = ["-G", "Ninja"] if shutil.which("ninja") else []
    sh(["cmake", "-S", src / "vendor" / "llama.cpp", "-B", bdir, *gen, "-DCMAKE_BUILD_TYPE=Release", "-DGGML_CUDA=ON",
        f"-DCMAKE_CUDA_ARCHITECTURES={arch}", "-DBUILD_SHARED_LIBS=ON", "-DLLAMA_CURL=OFF", "-DLLAMA_BUILD_TESTS=OFF",
        "-DLLAMA_BUILD_EXAMPLES=OFF", "-DLLAMA_BUILD_SERVER=OFF"], out / "cmake.log")
    sh(["cmake", "--build", bdir, "--target", "llama", "llama-bench", "-j", str(args.jobs)], out / "build.log")
    build_s = time.perf_counter() - t0
    penv = dict(env, CMAKE_ARGS="-DLLAMA_BUILD=OFF -DLLAVA_BUILD=OFF -DMTMD_BUILD=OFF")
    sh([sys.executable, "-m", "pip", "install", "-q", "--no-build-isolation", "--no-deps", "--no-compile", "--target",
        site, src], out / "pip.log", env=penv)
    libdir = bdir / "bin"
    env.update(PYTHONPATH=f"{site}:{REPO}", LLAMA_CPP_LIB_PATH=str(libdir),
               LD_LIBRARY_PATH=f"{libdir}:{env.get('LD_LIBRARY_PATH', '')}")
    return libdir / "llama-bench", build_s


def measure_memory(model: str, gpu_layers: str, n_ctx: int) -> dict:
    """Planner vs what the load took: in a Hearth host, with llama.cpp's own report (child side)."""
    from engine.gguf_check import check_file
    from engine.host.client import EngineClient
    from engine.host.protocol import LoadOptions
    from engine.plan import plan_memory, shape_from_header

    c = EngineClient()
    try:
        info = c.load(model, LoadOptions(n_ctx=n_ctx, gpu_layers=gpu_layers, warmup=True))
    finally:
        c.unload()
    rep = info.get("offload") or {}
    gpus = rep.get("devices") or []
    ngl = info["gpu_layers"]
    shape = shape_from_header(check_file(model))
    free = [d["free_bytes"] + (d.get("used_bytes") or 0) for d in gpus]
    p = plan_memory(shape, n_ctx=info["n_ctx"], gpu_free=free or [],
                    gpu_layers="all" if ngl == -1 else ngl, flash_attn=info.get("flash_attn"))
    used = sum(d.get("used_bytes") or 0 for d in gpus)
    return {"gpu_layers": ngl, "n_ctx": info["n_ctx"], "predicted_gpu_bytes": p.total_gpu_bytes,
            "measured_gpu_bytes": used, "llama_cpp_gpu_buffer_bytes": rep.get("gpu_buffer_bytes", 0),
            "layers_offloaded": rep.get("layers_offloaded"), "layers_total": rep.get("layers_total"),
            "backend": rep.get("backend"), "plan_note": info.get("plan_note", ""),
            "buffers": rep.get("buffers"), "warmup_s": info.get("warmup_s")}


def child(args) -> int:
    """Runs with the built llama.cpp in its environment: throughput and memory per model and placement."""
    rows = []
    for model in args.models:
        for gl in args.placements:
            r = {"model": Path(model).name, "gpu_layers": gl}
            cmd = [sys.executable, str(REPO / "bench" / "throughput.py"), "--model", model, "--gpu-layers", gl,
                   "--runs", str(args.runs), "--tokens", str(args.tokens), "--pp", str(args.pp), "--json"]
            if args.llama_bench and Path(args.llama_bench).exists():
                cmd += ["--llama-bench", args.llama_bench]
            t = subprocess.run(cmd, capture_output=True, text=True)
            if t.returncode == 0:
                r["throughput"] = json.loads(t.stdout[t.stdout.index("{"):])
            else:
                r["throughput_error"] = t.stderr[-1500:]
            try:
                r["memory"] = measure_memory(model, gl, args.ctx)
            except Exception as e:  # one failed placement must not lose the others
                r["memory_error"] = f"{type(e).__name__}: {e}"
            rows.append(r)
            print(json.dumps(r)[:400], flush=True)
    Path(args.results).write_text(json.dumps(rows, indent=2))
    return 0


def table(rows: list[dict], meta: dict) -> str:
    def f(x, fmt="{:.1f}"):
        return fmt.format(x) if isinstance(x, (int, float)) else "–"

    out = [f"{meta.get('gpu') or 'CPU'}; {meta['cpus']} CPUs; llama-cpp-python {meta.get('llama_cpp_python')}; "
           f"CUDA architectures {meta.get('arch') or '–'}; llama.cpp build {f(meta.get('build_s'), '{:.0f}')} s; "
           f"models written in {f(meta.get('write_s'), '{:.0f}')} s; total {f(meta.get('total_s'), '{:.0f}')} s", "",
           "| model | layers on GPU | Hearth tg | bare tg | llama-bench tg | Hearth/llama-bench tg | Hearth pp | "
           "llama-bench pp | GPU predicted | GPU measured | llama.cpp GPU buffers | predicted/measured |",
           "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        t, m = r.get("throughput") or {}, r.get("memory") or {}
        lb = t.get("llama_bench") or {}
        pred, meas = m.get("predicted_gpu_bytes"), m.get("measured_gpu_bytes")
        ratio = pred / meas if pred and meas else None
        lay = f"{m.get('layers_offloaded', '–')}/{m.get('layers_total', '–')} ({r['gpu_layers']})"
        out.append(f"| {r['model']} | {lay} | {f((t.get('hearth') or {}).get('gen_tok_s'))} | "
                   f"{f((t.get('bare') or {}).get('gen_tok_s'))} | {f(lb.get('tg'))} | "
                   f"{f(t.get('hearth_vs_llama_bench_gen'), '{:.3f}')} | {f((t.get('hearth') or {}).get('prompt_tok_s'), '{:.0f}')} | "
                   f"{f(lb.get('pp'), '{:.0f}')} | {f(pred and pred / GiB, '{:.2f} GiB')} | "
                   f"{f(meas and meas / GiB, '{:.2f} GiB')} | {f(m.get('llama_cpp_gpu_buffer_bytes', 0) / GiB, '{:.2f} GiB')} | "
                   f"{f(ratio, '{:.3f}')} |")
    out.append("")
    out.append("Targets: Hearth ≥ 0.90 × llama-bench generation on the GPU, ≥ 0.95 × on the CPU; predicted peak "
               "GPU memory within ±5 % (or 300 MiB) of measured (measured = free GPU memory before the load less "
               "after it and the first full-context decode, in Hearth's host, whose CUDA context exists before the first reading).")
    return "\n".join(out)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cpu-only", action="store_true", help="no CUDA build: the installed llama-cpp-python, no GPU")
    ap.add_argument("--tiny", action="store_true", help="a tiny model instead of the 1B and 8B ones")
    ap.add_argument("--type", default="q4_0", choices=("q4_0", "q8_0", "f16"))
    ap.add_argument("--source", help="llama-cpp-python source archive (default .gpu/llama_cpp_python-*-trim.tar.gz)")
    ap.add_argument("--arch", help="CMAKE_CUDA_ARCHITECTURES (default: from nvidia-smi)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 4)
    ap.add_argument("--work", default="/tmp/hearth-gpu")
    ap.add_argument("--out", default=os.environ.get("OUT") or "gpu-out")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--tokens", type=int, default=128)
    ap.add_argument("--pp", type=int, default=512)
    ap.add_argument("--ctx", type=int, default=4096, help="context for the memory check")
    ap.add_argument("--llama-bench", help="(child) path to llama-bench")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--models", nargs="*", help=argparse.SUPPRESS)
    ap.add_argument("--placements", nargs="*", default=["all", "0"], help=argparse.SUPPRESS)
    ap.add_argument("--results", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        return child(args)

    t_start = time.perf_counter()
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, PYTHONUNBUFFERED="1", PYTHONPATH=f"{REPO}:{os.environ.get('PYTHONPATH', '')}")
    meta = {"cpus": os.cpu_count(), "machine": platform.platform(), "gpu": "" if args.cpu_only else gpu_line()}
    shapes = ["tiny"] if args.tiny else ["1b", "8b"]
    models = [str(work / f"synth-{s}-{args.type}.gguf") for s in shapes]
    # the models are written while llama.cpp compiles (the writer needs only gguf + numpy)
    site = work / "site"
    wenv = dict(env, PYTHONPATH=f"{site}:{REPO}:{os.environ.get('PYTHONPATH', '')}")
    writer = None
    t_write = time.perf_counter()

    def start_writer():
        cmds = " && ".join(f"{sys.executable} {REPO}/bench/gpu/synth_model.py {m} --shape {s} --type {args.type}"
                           for m, s in zip(models, shapes))
        return subprocess.Popen(["bash", "-c", cmds], env=wenv, stdout=open(out / "models.log", "w"),
                                stderr=subprocess.STDOUT)

    llama_bench = shutil.which("llama-bench")
    if args.cpu_only:
        writer = start_writer()
    else:
        wheels = glob.glob(str(REPO / ".gpu" / "*.whl"))
        if wheels:  # gguf first, so the writer can start before the build
            sh([sys.executable, "-m", "pip", "install", "-q", "--no-index", "--no-deps", "--no-compile", "--target",
                site, *wheels], out / "pip.log")
        writer = start_writer()
        meta["arch"] = args.arch or cuda_arch()
        lb, meta["build_s"] = build(args, out, env)
        llama_bench = str(lb)
    if writer.wait() != 0:
        print((out / "models.log").read_text()[-3000:])
        raise SystemExit("writing the models failed")
    meta["write_s"] = time.perf_counter() - t_write if args.cpu_only else None
    if not args.cpu_only:
        meta["write_s"] = sum(float(x.split(" in ")[1].split()[0]) for x in (out / "models.log").read_text().splitlines()
                              if " written in " in x)
    results = out / "results.json"
    cmd = [sys.executable, __file__, "--child", "--models", *models, "--results", results, "--runs", str(args.runs),
           "--tokens", str(args.tokens), "--pp", str(args.pp), "--ctx", str(args.ctx),
           "--placements", *(["0"] if args.cpu_only else ["all", "0"])]
    if llama_bench:
        cmd += ["--llama-bench", llama_bench]
    sh(cmd, env=env)
    sh([sys.executable, str(REPO / "main.py"), "doctor", "--json"], out / "doctor.json", env=env)
    v = subprocess.run([sys.executable, "-c", "import llama_cpp; print(llama_cpp.__version__)"], env=env,
                       capture_output=True, text=True)
    meta["llama_cpp_python"] = v.stdout.strip()
    meta["total_s"] = time.perf_counter() - t_start
    rows = json.loads(results.read_text())
    md = table(rows, meta)
    (out / "table.md").write_text(md + "\n")
    (out / "meta.json").write_text(json.dumps(meta, indent=2))
    print(md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
