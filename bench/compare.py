"""Two models, one prompt, through the comparison engine: parallel vs sequential vs each alone.

Scenarios, in one run and rotated over ``--runs`` so machine noise hits all alike:

- ``alone_a`` / ``alone_b``: ``CompareRunner`` with one model (load, answer, unload);
- ``sequential``: both models, plan forced to one after another;
- ``parallel``: both models, plan forced to at the same time (the core budget splits the cores).

Each scenario is timed end to end (``CompareRunner.run``: host start, load, generation, unload), with greedy
decoding and a fixed number of generated tokens (EOS ignored), so every scenario does the same work.
The planner's own choice for this machine (``plan_run`` with the real free memory and cores) is reported
next to the faster of the two plans: the issue asks that the planner picks the faster one.

"Two models" are the starter model and a *copy* of it under another file name (two files, so neither
shares the other's page cache; ``--model`` and ``--model-b`` take others).

    python bench/compare.py                        # the starter model twice
    python bench/compare.py --runs 5 --tokens 128 --model A.gguf --model-b B.gguf --json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from common import starter_model  # noqa: E402  (bench/ is on sys.path when a benchmark runs)

PROMPT = "Write a short note to a colleague about moving Tuesday's meeting to Thursday afternoon."
SCENARIOS = ("alone_a", "alone_b", "sequential", "parallel")


def second_copy(model: Path) -> Path:
    """The same weights under another name: a second model file for the comparison."""
    copy = model.with_name(model.stem + "-copy.gguf")
    if not copy.exists() or copy.stat().st_size != model.stat().st_size:
        shutil.copyfile(model, copy)
    return copy


def run_scenario(what: str, specs, sampling, log_dir: Path) -> dict:
    from engine.compare.plan import plan_run
    from engine.compare.runner import CompareRunner

    if what == "alone_a":
        chosen, force = specs[:1], "sequential"
    elif what == "alone_b":
        chosen, force = specs[1:], "sequential"
    else:
        chosen, force = specs, what
    plan = plan_run(chosen, force=force)
    runner = CompareRunner(log_dir)
    t0 = time.perf_counter()
    results = runner.run(PROMPT, chosen, sampling, plan=plan)
    wall = time.perf_counter() - t0
    errors = [r.error for r in results if r.error]
    if errors:
        raise RuntimeError(f"{what}: {errors[0]}")
    return {"total_s": wall, "gen_tok_s": [r.gen_tok_s for r in results], "load_s": [r.load_s for r in results],
            "ttft_s": [r.ttft_s for r in results], "tokens": [r.completion_tokens for r in results],
            "threads": [[r.threads_min, r.threads_max] for r in results],
            "peak_rss_bytes": [r.peak_rss_bytes for r in results]}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", help="first model (default: the starter model)")
    ap.add_argument("--model-b", help="second model (default: a copy of the first under another name)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--tokens", type=int, default=128, help="tokens each model generates (EOS ignored)")
    ap.add_argument("--ctx", type=int, default=2048)
    ap.add_argument("--json", action="store_true", help="print only the JSON report")
    args = ap.parse_args()

    from engine.compare.plan import ModelSpec, plan_run
    from engine.host.budget import physical_cores
    from engine.host.protocol import SamplingOptions

    a = Path(args.model) if args.model else starter_model()
    b = Path(args.model_b) if args.model_b else second_copy(a)
    # A private core budget: only this benchmark's hosts share the cores.
    os.environ["HEARTH_RUNTIME_DIR"] = tempfile.mkdtemp(prefix="hearth-bench-runtime-")
    log_dir = Path(tempfile.mkdtemp(prefix="hearth-bench-logs-"))
    specs = [ModelSpec(a, n_ctx=args.ctx, name="a"), ModelSpec(b, n_ctx=args.ctx, name="b")]
    sampling = SamplingOptions(max_tokens=args.tokens, temperature=0.0, repeat_penalty=1.0, ignore_eos=True,
                               seed=1)
    auto = plan_run(specs)   # what the planner picks here, with the real free memory and cores
    runs: dict[str, list[dict]] = {s: [] for s in SCENARIOS}
    for r in range(args.runs):
        order = SCENARIOS[r % len(SCENARIOS):] + SCENARIOS[:r % len(SCENARIOS)]
        for what in order:
            runs[what].append(run_scenario(what, specs, sampling, log_dir))
            if not args.json:
                print(f"run {r + 1}/{args.runs} {what}: {runs[what][-1]['total_s']:.2f} s", file=sys.stderr)

    med = {s: statistics.median(x["total_s"] for x in v) for s, v in runs.items()}
    med_tok_s = {s: [round(statistics.median(x["gen_tok_s"][i] for x in v), 1) for i in range(len(v[0]["gen_tok_s"]))]
                 for s, v in runs.items()}
    faster = "parallel" if med["parallel"] < med["sequential"] else "sequential"
    report = {
        "machine": f"{platform.machine()}, {os.cpu_count()} logical CPUs, {physical_cores()} cores for the budget, "
                   f"{platform.platform()}",
        "date": time.strftime("%Y-%m-%d"),
        "models": [a.name, b.name], "tokens": args.tokens, "ctx": args.ctx, "runs": args.runs,
        "median_total_s": {k: round(v, 3) for k, v in med.items()},
        "alone_a_plus_alone_b_s": round(med["alone_a"] + med["alone_b"], 3),
        "median_gen_tok_s": med_tok_s,
        "median_load_s": {s: [round(statistics.median(x["load_s"][i] for x in v), 3)
                              for i in range(len(v[0]["load_s"]))] for s, v in runs.items()},
        "threads": {s: v[-1]["threads"] for s, v in runs.items()},
        "parallel_over_sequential_time": round(med["parallel"] / med["sequential"], 3),
        "faster_plan": faster,
        "planner_picks": auto.mode,
        "planner_reason": auto.reason,
        "planner_picks_faster": auto.mode == faster,
        "all_runs_total_s": {s: [round(x["total_s"], 3) for x in v] for s, v in runs.items()},
    }
    print(json.dumps(report, indent=2, ensure_ascii=False))
    if not args.json:
        print(f"\n| {report['date']} | {args.tokens} tok × 2 | alone {med['alone_a']:.2f} s + {med['alone_b']:.2f} s | "
              f"sequential {med['sequential']:.2f} s | parallel {med['parallel']:.2f} s | faster: {faster} | "
              f"planner: {auto.mode} ({'right' if auto.mode == faster else 'WRONG'}) |", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
