"""Summarising a long document: wall time against its lower bound, on the same model in the same run.

Lower bound = document tokens / prompt tok/s + generated tokens / generation tok/s, with both rates
measured on this model right before (a prompt about as long as one chunk, then a reply), so the
ratio says how much the summariser adds on top of the unavoidable work: instructions, combining
steps, counting, chunk seams, the pipe. Also reports how much prompt work the cached instruction
prefix saved (tokens the host did not evaluate again).

    python bench/summarize.py                    # ~50,000 tokens, the starter model
    python bench/summarize.py --tokens 20000 --model M.gguf --ctx 4096
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SUBJECTS = ["The council", "The finance team", "Our supplier", "The project board", "Staff in the north office",
            "The auditor", "The new system", "Customer support", "The working group", "Management"]
VERBS = ["reviewed", "approved", "postponed", "questioned", "summarised", "reported on", "rejected", "extended",
         "discussed", "scheduled"]
OBJECTS = ["the annual budget", "the heating repairs", "the staff rota", "the migration plan", "the training days",
           "the travel policy", "the quarterly figures", "the office move", "the software licences",
           "the safety inspection"]
DETAILS = ["after a long debate", "with two objections", "for the third time", "ahead of the deadline",
           "pending legal advice", "at the request of the chair", "without changes", "in principle only"]


def make_document(path: Path, approx_tokens: int, seed: int = 7) -> Path:
    """Minutes of many meetings: varied sentences, ~1.3 tokens per word, pages of ~350 words."""
    rng = random.Random(seed)
    words_needed = int(approx_tokens / 1.3)
    pages, words = [], 0
    n = 0
    while words < words_needed:
        n += 1
        paras = []
        for _ in range(4):
            sents = []
            for _ in range(5):
                s = f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(DETAILS)}."
                sents.append(s)
                words += len(s.split())
            paras.append(" ".join(sents))
        pages.append(f"Meeting {n}\n\n" + "\n\n".join(paras))
    path.write_text("\n\n\n".join(pages), encoding="utf-8")
    return path


def calibrate(client, texts: list[str], reply_tokens: int) -> tuple[float, float]:
    """Prompt and generation tok/s of this model on the document's own chunks (median of 3):
    each chunk evaluated from an empty cache, then a reply of the summariser's length."""
    from engine.host.protocol import SamplingOptions

    prompts, gens = [], []
    for i, text in enumerate(texts[:3]):
        s = client.complete(f"{i}. {text}", SamplingOptions(max_tokens=reply_tokens, temperature=0.0,
                                                           repeat_penalty=1.0, ignore_eos=True))
        prompts.append(s.prompt_tok_s)
        gens.append(s.gen_tok_s)
    return sorted(prompts)[len(prompts) // 2], sorted(gens)[len(gens) // 2]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model")
    ap.add_argument("--tokens", type=int, default=50000, help="document size, approximately")
    ap.add_argument("--ctx", type=int, default=0)
    ap.add_argument("--length", default="short")
    args = ap.parse_args()

    from engine.documents import read_document
    from engine.host.client import EngineClient
    from engine.host.protocol import LoadOptions
    from engine.summarize import Summarizer
    from engine.summarize.prompts import OUTPUT_TOKENS, SummaryOptions

    if args.model:
        model = args.model
    else:
        sys.path.insert(0, str(ROOT / "bench"))
        from common import starter_model

        model = str(starter_model())
    tmp = Path(tempfile.mkdtemp(prefix="hearth-bench-summarize-"))
    os.environ["HEARTH_RUNTIME_DIR"] = str(tmp / "run")
    doc = read_document(make_document(tmp / "minutes.txt", args.tokens))
    client = EngineClient(log_dir=tmp / "logs")
    client.load(model, LoadOptions(n_ctx=args.ctx))
    try:
        options = SummaryOptions(length=args.length)
        s = Summarizer(client, None, model_id="bench")
        t = time.monotonic()
        plan = s.plan(doc, options)
        plan_s = time.monotonic() - t
        prompt_rate, gen_rate = calibrate(client, [c.text for c in plan.chunks],
                                          min(plan.output_tokens, OUTPUT_TOKENS[args.length]))
        t = time.monotonic()
        res = s.run(doc, options, plan=plan)
        wall = time.monotonic() - t + plan_s
    finally:
        client.unload()
    bound = res.document_tokens / prompt_rate + res.completion_tokens / gen_rate
    evaluated = res.prompt_tokens - res.cached_prompt_tokens
    report = {
        "machine": f"{platform.machine()}, {os.cpu_count()} logical CPUs", "date": time.strftime("%Y-%m-%d"),
        "model": Path(model).name, "ctx": res.ctx, "document_tokens": res.document_tokens, "pages": res.pages,
        "chunks": res.chunks, "calls": res.calls, "levels": res.levels,
        "prompt_tokens_sent": res.prompt_tokens, "prompt_tokens_cached": res.cached_prompt_tokens,
        "prompt_tokens_evaluated": evaluated, "completion_tokens": res.completion_tokens,
        "prompt_tok_s": round(prompt_rate, 1), "gen_tok_s": round(gen_rate, 1),
        "plan_s": round(plan_s, 2), "wall_s": round(wall, 1), "lower_bound_s": round(bound, 1),
        "ratio": round(wall / bound, 3), "cache_saved_fraction": round(res.cached_prompt_tokens / res.prompt_tokens, 3),
        "target_met": wall / bound <= 1.25,
    }
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
