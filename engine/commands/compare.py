"""``compare`` and ``eval``: models side by side, and scored on a question set.

    python main.py compare --models A B [C D] [--system TEXT] [--seed N] [--max-tokens N] [--json] PROMPT
    python main.py eval --models A B --set FILE [--json]

Exit codes: 0 when at least one model answered (a failed model's error is in
its result), 3 when every model failed, 2 for bad input, 130 when stopped
with Ctrl+C (the results so far are still printed).
"""

from __future__ import annotations

import sys

from engine.commands import ctrl_c_cancels, warn_base_model
from engine.errors import BadInputError, CancelledError
from engine.printable import clean_name

MIN_MODELS, MAX_MODELS = 2, 4
EXIT_ALL_FAILED = 3


class _Notices:
    """What a model process did by itself (the CPU fallback), said once per run on stderr — whatever the
    output format, as ``chat`` says it — though every model of the run may find it out."""

    def __init__(self):
        self._said: set[str] = set()

    def say(self, event: dict) -> bool:
        """True when ``event`` was a notice (handled here)."""
        if event.get("type") != "notice":
            return False
        message = event.get("message") or ""
        if message and message not in self._said:
            self._said.add(message)
            print(f"hearth: {message}", file=sys.stderr)
        return True


def _warn_base_models(base_names: list[str]) -> None:
    """Say, before anything runs and whatever the output format, which chosen models have no chat
    template: their answers to instructions will be poor (issue 20 §4)."""
    for name in dict.fromkeys(base_names):
        warn_base_model(name)


def _specs(args, ctx, lo: int, hi: int, base_names: list | None = None):
    """ModelSpecs for --models. An unknown name or a missing file is bad input (exit 2);
    a file that is there but unusable becomes that model's error in the results. ``base_names``
    collects the names of base models (no chat template)."""
    from engine.commands.core import apply_locked, load_options_from_args, resolve_model
    from engine.compare.plan import ModelSpec

    models = args.models or []
    if not lo <= len(models) <= hi:
        what = f"{lo} to {hi} models" if lo != hi else f"{lo} models"
        raise BadInputError(f"--models takes {what} (got {len(models)})")
    opts = load_options_from_args(args)   # validates --gpu-layers
    apply_locked(ctx.config.policy, args, opts)   # context, GPU layers and system prompt the administrator pins
    if args.ctx and args.ctx < 0:
        raise BadInputError("--ctx must not be negative")
    specs = []
    for m in models:
        try:
            entry = resolve_model(ctx, m)
            path = entry.path
            if getattr(entry, "is_remote", False):   # NAME:MODEL_ID on a company server
                specs.append(ModelSpec(path=path, n_ctx=opts.n_ctx, name=entry.name, remote=entry))
                continue
            if base_names is not None and getattr(entry, "is_base_model", False):
                base_names.append(entry.name)
        except BadInputError:
            from pathlib import Path

            p = Path(m).expanduser()
            if not p.is_file():
                raise
            path = p            # there, but not a usable model: it fails in its own column
        specs.append(ModelSpec(path=path, n_ctx=opts.n_ctx, gpu_layers=opts.gpu_layers))
    return specs


def _is_model(ctx, word: str) -> bool:
    from pathlib import Path

    if word == "-":
        return False
    if word.lower().endswith(".gguf") or word == "starter" or Path(word).expanduser().exists():
        return True
    from engine.remote.resolve import is_remote_ref

    if is_remote_ref(ctx.config, word):
        return True
    try:
        ctx.library.find(word)
        return True
    except Exception:
        return False


def _open_store(ctx):
    from engine.store import Store

    try:
        return Store.open_default(ctx.config)
    except Exception as e:   # a comparison still runs when the history cannot be saved
        print(f"hearth: the results will not be saved: {e}", file=sys.stderr)
        return None


def _mb(n) -> str:
    from engine.library import human_size

    return human_size(n) if n else "?"


# ---- compare ------------------------------------------------------------------------------

def cmd_compare(args, ctx) -> int:
    from engine.commands.core import apply_locked, sampling_from_args
    from engine.compare.plan import plan_run
    from engine.compare.runner import CompareRunner

    if not args.prompt and len(args.models or []) >= 2 and not _is_model(ctx, args.models[-1]):
        # `compare --models A B "prompt"`: --models takes every word up to the next option
        args.prompt = [args.models.pop()]
        if len(args.models) < MIN_MODELS:
            raise BadInputError(f"--models takes {MIN_MODELS} to {MAX_MODELS} models (got {len(args.models)}; "
                                f"{args.prompt[0]!r} is not a model file or library name, so it was read as "
                                f"the prompt)")
    prompt = " ".join(args.prompt) if args.prompt else ""
    if prompt == "-" or (not prompt and not sys.stdin.isatty()):
        prompt = sys.stdin.read()
    if not prompt.strip():
        raise BadInputError('give a prompt: hearth compare --models A B "your question"')
    base_names: list[str] = []
    specs = _specs(args, ctx, MIN_MODELS, MAX_MODELS, base_names)
    sampling = sampling_from_args(args)   # compare's own defaults (its flags), not the chat's
    apply_locked(ctx.config.policy, args, sampling=sampling)
    plan = plan_run(specs, force=None if args.plan == "auto" else args.plan)
    _warn_base_models(base_names)
    store = _open_store(ctx)
    runner = CompareRunner(ctx.config.paths.log_dir, store=store)
    quiet = args.json or args.quiet
    loaded_names: dict[int, str] = {}   # index → name, from "loaded"; a model announced as answering is removed

    notices = _Notices()

    def on_event(e: dict) -> None:
        if notices.say(e) or quiet:
            return
        t = e["type"]
        if t == "text":
            # The replies are printed at the end; say once that a model has started writing so a long
            # sequential run visibly moves on from "loaded".
            name = loaded_names.pop(e["index"], None)
            if name is not None:
                print(f"[{name}: answering…]", file=sys.stderr)
        elif t == "plan":
            print(f"[{e['reason']}; seed {e['seed']}]", file=sys.stderr)
        elif t == "loaded":
            loaded_names[e["index"]] = clean_name(e["model"])
            print(f"[{clean_name(e['model'])}: loaded in {e['load_s']:.2f} s]", file=sys.stderr)
        elif t == "failed":
            print(f"[{clean_name(e['model'])}: {e['error']}]", file=sys.stderr)
        elif t == "finished":
            print(f"[{clean_name(e['model'])}: done]", file=sys.stderr)

    try:
        with ctrl_c_cancels(runner) as stopped:
            results = runner.run(prompt, specs, sampling, system=args.system, plan=plan, on_event=on_event)
    finally:
        if store is not None:
            store.close()
    run = runner.last_run
    if args.json:
        from engine.cli import print_json

        print_json(run.to_json())
    else:
        for r in results:
            print(f"=== {clean_name(r.model)} ===")
            if r.text:
                print(r.text.rstrip("\n"))
            if r.error:
                print(f"[failed: {r.error}]")
            else:
                print(f"[{r.completion_tokens} tokens, {r.gen_tok_s:.1f} tok/s, first token {r.ttft_s:.2f} s, "
                      f"prompt {r.prompt_tok_s:.0f} tok/s, load {r.load_s or 0:.2f} s, "
                      f"peak memory {_mb(r.peak_rss_bytes)}"
                      + (f", GPU {_mb(r.peak_vram_bytes)}" if r.peak_vram_bytes else "")
                      + f", {r.finish_reason}]")
            print()
        if not args.quiet:
            print(f"[{run.plan.mode}, {run.total_s:.1f} s in all"
                  + (f", saved as comparison {run.comparison_id}" if run.comparison_id else "") + "]",
                  file=sys.stderr)
    if stopped.is_set() or run.cancelled:
        raise CancelledError("the comparison was stopped")
    if all(r.error for r in results):
        print("hearth: every model failed", file=sys.stderr)
        return EXIT_ALL_FAILED
    return 0


# ---- eval -------------------------------------------------------------------------------------

def cmd_eval(args, ctx) -> int:
    from engine.compare.evaluate import Evaluator
    from engine.compare.plan import plan_run
    from engine.compare.questions import load_question_set

    qset = load_question_set(args.set)          # a bad file fails before any model loads
    base_names: list[str] = []
    specs = _specs(args, ctx, 1, MAX_MODELS, base_names)
    if args.max_tokens < 1:
        raise BadInputError("--max-tokens must be at least 1")
    plan = plan_run(specs, force=None if args.plan == "auto" else args.plan)
    _warn_base_models(base_names)
    store = _open_store(ctx)
    evaluator = Evaluator(ctx.config.paths.log_dir, store=store)
    quiet = args.json or args.quiet

    notices = _Notices()

    def on_event(e: dict) -> None:
        if notices.say(e) or quiet:
            return
        t = e["type"]
        if t == "plan":
            print(f"[{clean_name(qset.name)}: {e['questions']} questions; {e['reason']}]", file=sys.stderr)
        elif t == "answer":
            mark = "error" if e["error"] else ("right" if e["correct"] else "wrong")
            print(f"[{e['done_all']}/{e['total_all']}] {clean_name(e['model'])} {clean_name(e['question_id'])}: "
                  f"{mark}", file=sys.stderr)
        elif t == "failed":
            print(f"[{clean_name(e['model'])}: {e['error']}]", file=sys.stderr)

    try:
        with ctrl_c_cancels(evaluator) as stopped:
            result = evaluator.run(qset, specs, plan=plan, seed=args.seed, max_tokens=args.max_tokens,
                                   system=args.system, on_event=on_event)
    finally:
        if store is not None:
            store.close()
    if args.json:
        from engine.cli import print_json

        print_json(result.to_json())
    else:
        width = max(len(clean_name(s.model)) for s in result.scores)
        for s in result.scores:
            lo, hi = s.interval
            line = (f"{clean_name(s.model):<{width}}  {s.accuracy * 100:5.1f} %  ({s.correct}/{s.total}; 95 % interval "
                    f"{lo * 100:.0f}–{hi * 100:.0f} %)  {s.gen_tok_s:.1f} tok/s")
            if s.error:
                line += f"  [failed: {s.error}]"
            print(line)
        if not args.quiet:
            print()
            for q in qset.questions:
                marks = []
                for s in result.scores:
                    a = result.answers.get((q.id, s.model))
                    if a is not None:
                        mark = "error" if a.error else ("right" if a.correct else "wrong")
                        marks.append(f"{clean_name(s.model)}: {mark}")
                print(f"{clean_name(q.id)}: " + ", ".join(marks))
    if stopped.is_set() or result.cancelled:
        raise CancelledError("the evaluation was stopped; the answers so far are saved")
    if all(s.error for s in result.scores):
        print("hearth: every model failed", file=sys.stderr)
        return EXIT_ALL_FAILED
    return 0


# ---- registration --------------------------------------------------------------------------------

def _model_args(p, help_models: str) -> None:
    p.add_argument("--models", nargs="+", metavar="MODEL", required=True, help=help_models)
    p.add_argument("--system", help="system prompt")
    p.add_argument("--ctx", type=int, default=0, help="context length for every model (default: each model's, "
                                                      "capped at 8192)")
    p.add_argument("--gpu-layers", default="auto", help="N, auto or all (every model)")
    p.add_argument("--plan", choices=("auto", "parallel", "sequential"), default="auto",
                   help="run the models at the same time or one after another (auto: as memory and cores allow)")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    p.add_argument("--json", action="store_true", help="print one JSON object at the end")


def register(sub) -> None:
    p = sub.add_parser("compare", help="send one prompt to 2-4 models and show the answers side by side")
    p.add_argument("prompt", nargs="*", help="the prompt ('-' or stdin to read it)")
    _model_args(p, "2 to 4 model paths or library names")
    p.add_argument("--seed", type=int, help="the same seed for every model (default: one drawn at random, shown)")
    p.add_argument("--max-tokens", type=int, default=512)
    p.add_argument("--temperature", type=float, default=0.7)
    p.add_argument("--top-p", type=float)
    p.add_argument("--top-k", type=int)
    p.add_argument("--min-p", type=float)
    p.add_argument("--repeat-penalty", type=float)
    p.set_defaults(func=cmd_compare)

    p = sub.add_parser("eval", help="score 1-4 models on a question set (JSONL or CSV)")
    _model_args(p, "1 to 4 model paths or library names")
    p.add_argument("--set", required=True, metavar="FILE",
                   help="question set file, or a sample set: office_en, office_ja")
    p.add_argument("--seed", type=int, default=0, help="seed (answers are greedy; default 0)")
    p.add_argument("--max-tokens", type=int, default=256, help="longest answer (default 256)")
    p.set_defaults(func=cmd_eval)
