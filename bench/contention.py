"""Two models at once: do they share the CPU or stall each other?

Each side is a separate process, with default settings, generating the same
number of tokens from the same prompt. Scenarios, rotated over ``--runs``:

- ``alone``: one Hearth generation alone (the reference);
- ``pair``: two Hearth generations at once (two processes, each its own host; the
  core budget splits the cores between them);
- ``bare-alone`` / ``bare-pair``: the same with bare llama-cpp-python, each with
  ``--bare-threads`` threads (default: every physical core, as Hearth did before
  the budget and as apps tuned for one model do; 0: llama-cpp-python's own
  default, half the logical CPUs) — two apps without a shared budget;
- ``hog`` (``--hog``): one Hearth generation beside a busy-looping process
  Hearth does not control, once per llama.cpp thread-wait policy (``--policies``).

Both sides of a pair are started first and released together once loaded, so
their generations overlap fully. Reports median tok/s per scenario and the
ratios the issue sets targets for: each of a pair >= 0.4x alone, the two
together >= 0.9x alone.

    python bench/contention.py --runs 5 --tokens 200
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from common import starter_model  # noqa: E402  (bench/ is on sys.path when a benchmark runs)

PROMPT = "The history of the city begins with a small settlement by the river, where traders"


# ---- one side (runs in its own process) ------------------------------------------

def worker(engine: str, model: str, tokens: int, go_file: str) -> None:
    if engine == "hearth":
        from engine.host.client import EngineClient
        from engine.host.protocol import SamplingOptions

        client = EngineClient(log_dir=Path(tempfile.gettempdir()) / "hearth-bench-logs")
        info = client.load(model)
        _wait_for(go_file)
        s = client.complete(PROMPT, SamplingOptions(max_tokens=tokens, temperature=0.0, repeat_penalty=1.0,
                                                    ignore_eos=True))
        client.unload()
        out = {"gen_tok_s": s.gen_tok_s, "tokens": s.completion_tokens, "threads_min": s.threads_min,
               "threads_max": s.threads_max, "load_threads": info["threads"]}
    else:
        import llama_cpp

        threads = int(os.environ.get("BENCH_BARE_THREADS", "0")) or None
        kw = {"n_threads": threads, "n_threads_batch": threads} if threads else {}
        llm = llama_cpp.Llama(model_path=model, n_ctx=2048, verbose=False, **kw)
        _wait_for(go_file)
        t_first = None
        n = 0
        for _ in llm.create_completion(PROMPT, max_tokens=tokens, temperature=0.0, repeat_penalty=1.0,
                                       stream=True, logit_bias=None):
            if t_first is None:
                t_first = time.perf_counter()
            n += 1
        t_end = time.perf_counter()
        out = {"gen_tok_s": (n - 1) / (t_end - t_first), "tokens": n,
               "threads_min": llm.context_params.n_threads, "threads_max": llm.context_params.n_threads}
    print(json.dumps(out), flush=True)


def _wait_for(path: str) -> None:
    print("ready", flush=True)
    while not os.path.exists(path):
        time.sleep(0.005)


# ---- the orchestration ---------------------------------------------------------------

def run_together(engine: str, n: int, model: str, tokens: int, env_extra: dict | None = None) -> list[dict]:
    go = Path(tempfile.mkdtemp(prefix="hearth-contention-")) / "go"
    env = dict(os.environ, **(env_extra or {}))
    procs = [subprocess.Popen([sys.executable, __file__, "--worker", engine, "--model", model,
                               "--tokens", str(tokens), "--go-file", str(go)],
                              stdout=subprocess.PIPE, text=True, env=env) for _ in range(n)]
    for p in procs:
        line = p.stdout.readline().strip()
        if line != "ready":
            raise RuntimeError(f"a worker failed to start: {line!r}")
    go.touch()
    results = []
    for p in procs:
        results.append(json.loads(p.stdout.readline()))
        p.wait(600)
    return results


def hog_process() -> subprocess.Popen:
    """A busy loop on one core, like a program Hearth does not control."""
    return subprocess.Popen([sys.executable, "-c", "while True: pass"])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--tokens", type=int, default=200)
    ap.add_argument("--no-bare", action="store_true", help="skip the bare llama-cpp-python scenarios")
    ap.add_argument("--bare-threads", type=int, default=-1,
                    help="threads of each bare side (-1: physical cores; 0: llama-cpp-python's default)")
    ap.add_argument("--bare-tokens", type=int, default=0, help="tokens for the bare sides (default: --tokens)")
    ap.add_argument("--hog", action="store_true", help="also measure one generation beside a busy process")
    ap.add_argument("--policies", default="default,spin,passive",
                    help="thread-wait policies for --hog (HEARTH_OMP_WAIT): default, spin, passive, active")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--go-file", help=argparse.SUPPRESS)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    if args.worker:
        worker(args.worker, args.model, args.tokens, args.go_file)
        return 0

    model = args.model or str(starter_model())
    if args.bare_threads != 0:
        from engine.host.budget import physical_cores

        os.environ["BENCH_BARE_THREADS"] = str(physical_cores() if args.bare_threads < 0 else args.bare_threads)
    bare_tokens = args.bare_tokens or args.tokens
    # A private lease folder: the benchmark's hosts share cores with each other only.
    os.environ["HEARTH_RUNTIME_DIR"] = tempfile.mkdtemp(prefix="hearth-bench-runtime-")
    scen: dict[str, list[float]] = {"alone": [], "pair_each": [], "pair_sum": []}
    if not args.no_bare:
        scen.update({"bare_alone": [], "bare_pair_each": [], "bare_pair_sum": []})
    policies = [p for p in args.policies.split(",") if p] if args.hog else []
    for p in policies:
        scen[f"hog_{p}"] = []
        scen[f"alone_{p}"] = []
    threads = {}
    for r in range(args.runs):
        order = ["alone", "pair"] + ([] if args.no_bare else ["bare_alone", "bare_pair"]) + \
                [f"hog:{p}" for p in policies]
        order = order[r % len(order):] + order[:r % len(order)]  # rotate: noise hits all alike
        for what in order:
            if what == "alone":
                res = run_together("hearth", 1, model, args.tokens)
                scen["alone"].append(res[0]["gen_tok_s"])
                threads["alone"] = res[0]["threads_max"]
            elif what == "pair":
                res = run_together("hearth", 2, model, args.tokens)
                scen["pair_each"] += [x["gen_tok_s"] for x in res]
                scen["pair_sum"].append(sum(x["gen_tok_s"] for x in res))
                threads["pair"] = [x["threads_min"] for x in res]
            elif what == "bare_alone":
                res = run_together("bare", 1, model, bare_tokens)
                scen["bare_alone"].append(res[0]["gen_tok_s"])
                threads["bare"] = res[0]["threads_max"]
            elif what == "bare_pair":
                res = run_together("bare", 2, model, bare_tokens)
                scen["bare_pair_each"] += [x["gen_tok_s"] for x in res]
                scen["bare_pair_sum"].append(sum(x["gen_tok_s"] for x in res))
            else:
                policy = what.split(":", 1)[1]
                env = {"HEARTH_OMP_WAIT": policy}
                scen[f"alone_{policy}"].append(run_together("hearth", 1, model, args.tokens, env)[0]["gen_tok_s"])
                hog = hog_process()
                try:
                    time.sleep(0.3)
                    scen[f"hog_{policy}"].append(run_together("hearth", 1, model, args.tokens, env)[0]["gen_tok_s"])
                finally:
                    hog.kill()
                    hog.wait()
            print(f"run {r + 1}/{args.runs} {what}: done", file=sys.stderr)
    med = {k: statistics.median(v) for k, v in scen.items() if v}
    alone = med["alone"]
    report = {
        "machine": f"{platform.machine()}, {os.cpu_count()} logical CPUs, {platform.platform()}",
        "date": time.strftime("%Y-%m-%d"),
        "model": Path(model).name, "tokens": args.tokens, "runs": args.runs,
        "median_tok_s": {k: round(v, 2) for k, v in med.items()},
        "threads": threads,
        "pair_each_over_alone": round(med["pair_each"] / alone, 3),
        "pair_sum_over_alone": round(med["pair_sum"] / alone, 3),
        "pair_each_min_over_alone": round(min(scen["pair_each"]) / alone, 3),
    }
    if "bare_alone" in med:
        report["hearth_alone_over_bare_alone"] = round(alone / med["bare_alone"], 3)
        report["bare_pair_each_over_bare_alone"] = round(med["bare_pair_each"] / med["bare_alone"], 3)
    for p in policies:
        report[f"hog_{p}_over_alone_{p}"] = round(med[f"hog_{p}"] / med[f"alone_{p}"], 3)
    report["targets_met"] = report["pair_each_over_alone"] >= 0.4 and report["pair_sum_over_alone"] >= 0.9
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
