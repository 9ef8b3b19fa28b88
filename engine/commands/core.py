"""Core commands: doctor, check-model, models, import-model, delete-model, chat."""

from __future__ import annotations

import platform
import signal
import sys
import threading

from engine.errors import BadInputError, CancelledError
from engine.printable import clean_name

# ---- doctor ---------------------------------------------------------------------


def cmd_doctor(args, ctx) -> int:
    from engine import __version__, hardware, packaged, relocate, versions
    from engine.host import cpu_fallback

    hw = hardware.detect()
    cfg = ctx.config
    report = {
        "hearth": __version__,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "llama_cpp_python": hw.llama_cpp_version,
        "backend": hw.backend,
        "gpu_offload": hw.gpu_offload,
        "devices": [vars(d) for d in hw.devices],
        "ram_total": hw.ram_total,
        "ram_available": hw.ram_available,
        "cpu_threads": hw.cpu_threads,
        "cpu_cores": hw.cpu_cores,
        "paths": {k: str(getattr(cfg.paths, k)) for k in ("data_dir", "config_dir", "cache_dir", "models_dir", "log_dir")}
        | {"database": str(cfg.paths.database)},
        "pending_data_move": relocate.describe_pending(cfg),   # Preferences → Data → Move…, done at the next start
        "policy": str(cfg.policy.source) if cfg.policy.source else None,
        "disabled_features": sorted(cfg.policy.disabled),
        "policy_details": cfg.policy.describe(),   # the policy in force, where it came from, online or not
        # every policy file in force, the machine-wide one first: [{"path", "origin", "error"}]
        "policies": cfg.policy.describe()["policies"],
        "keyring_backend": _keyring_backend(),
        "versions": _versions(),
        "starter_model_installed": ctx.library.starter_available(),
        "errors": [hw.error] if hw.error else [],
        # a GPU build that sees no GPU runs models on the CPU (the host says so when a model loads)
        "gpu_note": (f"llama.cpp was built for {hw.backend} but sees no usable GPU, so models run on the CPU"
                     if hw.gpu_offload and not hw.gpus and not hw.error else ""),
        # How this copy was built: packaged or not, llama.cpp version/commit, ggml backends.
        "build": packaged.build_info(),
        # llama-cpp-python outside the range CI tests ("" inside it): engine/versions.py
        "llama_cpp_python_note": versions.llama_cpp_python_note(hw.llama_cpp_version),
        "llama_cpp_python_tested": ">={},<{}".format(*versions.LLAMA_CPP_PYTHON_TESTED),
        # This CPU, the CPU variant a portable build chose, and the illegal-instruction fallback if this
        # machine and build needed it (engine/host/cpu_fallback.py): None when nothing was switched off.
        "cpu": cpu_fallback.cpu_name(),
        "cpu_variant": hw.cpu_variant,
        "cpu_fallback": cpu_fallback.FallbackMemory(cfg.paths.cache_dir).recall(),
    }
    if args.json:
        from engine.cli import print_json

        print_json(report)
        return 0
    from engine.library import human_size

    print(f"Hearth {report['hearth']} on Python {report['python']} ({report['platform']})")
    print(f"llama-cpp-python {report['llama_cpp_python']}, backend {hw.backend}, "
          f"GPU offload {'yes' if hw.gpu_offload else 'no'}")
    for d in hw.devices:
        mem = f", {human_size(d.free_bytes)} free of {human_size(d.total_bytes)}" if d.total_bytes else ""
        print(f"  device {d.name} ({d.kind}): {d.description}{mem}")
    print(f"RAM {human_size(hw.ram_available)} available of {human_size(hw.ram_total)}; "
          f"{hw.cpu_cores} cores, {hw.cpu_threads} threads")
    print(f"CPU {report['cpu']}" + (f"; llama.cpp CPU variant {hw.cpu_variant}" if hw.cpu_variant else ""))
    if report["cpu_fallback"]:
        fb = report["cpu_fallback"]
        print(f"cpu fallback: extra buffer types off since {fb.get('since')}: {fb.get('reason')}")
    if report["llama_cpp_python_note"]:
        print(f"note: {report['llama_cpp_python_note']}")
    for k, v in report["paths"].items():
        print(f"{k:>12}: {v}")
    if report["pending_data_move"]:
        print(f"   data move: to {report['pending_data_move']['to']} the next time the desktop app starts")
    _print_policy(cfg.policy)
    print(f"     keyring: {report['keyring_backend']}")
    print(f"starter model: {'installed' if report['starter_model_installed'] else 'not installed (' + packaged.no_model_hint() + ')'}")
    for line in packaged.describe(report["build"]):
        print(f"       build: {line}")
    if report["gpu_note"]:
        print(f"note: {report['gpu_note']}")
    for e in report["errors"]:
        print(f"problem: {e}")
    return 0


def _print_policy(policy) -> None:
    """The administrator's policy in force and where each file came from (doctor)."""
    from engine.config import MACHINE_ORIGIN, machine_policy_path

    d = policy.describe()

    def say(line: str) -> None:   # paths, keys and values come from files anyone may have written
        print(clean_name(line))

    if not d["policies"]:
        say(f"      policy: none (no machine-wide file at {machine_policy_path()})")
    for i, f in enumerate(d["policies"]):
        how = "machine-wide" if f["origin"] == MACHINE_ORIGIN else \
            f"named by {f['origin']}: it only adds restrictions"
        say(f"{'      policy: ' if i == 0 else ' ' * 14}{f['path']} ({how})")
        if f["error"]:
            say(f"              INVALID: {f['error']}")
    say(f"      online: {'allowed (only when you search or download)' if d['online'] else d['offline_reason']}")
    bits = [f"downloads {'on' if d['downloads'] else 'off'}", f"hub browsing {'on' if d['hub'] else 'off'}",
            f"import {'on' if d['import'] else 'off'}", f"serve {'off' if 'serve' in d['disabled'] else 'on'}"]
    if d["allow_repos"] is not None:
        bits.append("allowed repositories: " + (", ".join(d["allow_repos"]) or "none")
                    + "".join(f" (and on: {', '.join(x) or 'none'})" for x in d["also_allow_repos"]))
    if d["hub_endpoint"]:
        bits.append(f"hub endpoint {d['hub_endpoint']}")
    if d["default_model"]:
        bits.append(f"default model {d['default_model']}")
    if d["locked_settings"]:
        bits.append("locked: " + ", ".join(k if v is None else f"{k}={v!r}" for k, v in d["locked_settings"].items()))
    if d["hidden_settings"]:
        bits.append("hidden: " + ", ".join(d["hidden_settings"]))
    for x in d["extra_model_dirs"]:
        state = "missing" if not x["exists"] else ("read-only" if not x["writable"] else "writable")
        bits.append(f"shared folder {x['path']} ({state})")
    if d["source"]:
        say("              " + "; ".join(bits))


def _keyring_backend() -> str:
    try:
        import keyring

        kr = keyring.get_keyring()
        name = f"{type(kr).__module__}.{type(kr).__name__}"
        if "fail" in name.lower():
            return f"{name} (none available: tokens can be used for this session only)"
        return name
    except Exception as e:  # keyring may be broken on a headless box
        return f"unavailable ({e})"


def _versions() -> dict:
    from importlib import metadata

    out = {}
    for dist in ("PySide6-Essentials", "huggingface-hub", "gguf", "keyring", "platformdirs", "jinja2"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = None
    return out


# ---- check-model / models -------------------------------------------------------------

CHECK_KEYS = ("architecture", "parameters", "quantization", "context_length", "has_chat_template")


def cmd_check_model(args, ctx) -> int:
    from engine.cli import print_json
    from engine.gguf_check import InvalidGGUF, check_file

    try:
        info = check_file(args.path)
    except InvalidGGUF as e:
        if args.json:
            print_json({"ok": False, "error": str(e)} | {k: None for k in CHECK_KEYS})
        print(f"hearth: {e}", file=sys.stderr)
        return 2
    data = {"ok": True, "error": None} | {k: getattr(info, k) for k in CHECK_KEYS}
    if args.json:
        print_json(data | {"name": info.name, "block_count": info.block_count, "head_count": info.head_count,
                           "head_count_kv": info.head_count_kv, "embedding_length": info.embedding_length,
                           "file_size": info.file_size, "version": info.version})
    else:
        print(f"OK: {clean_name(args.path)}")
        print(f"  architecture {clean_name(info.architecture)}, {info.parameters_label} parameters, "
              f"{clean_name(info.quantization)}")
        print(f"  context {info.context_length}, {info.block_count} layers, {info.head_count} heads "
              f"({info.head_count_kv} KV), chat template: {'yes' if info.has_chat_template else 'no (base model)'}")
    return 0


def cmd_models(args, ctx) -> int:
    from engine.cli import print_json

    lib = ctx.library
    try:
        lib.ensure_starter()
    except Exception as e:  # the starter is a convenience: never block listing
        print(f"hearth: the starter model could not be prepared: {e}", file=sys.stderr)
    models = lib.list_models()
    if args.json:
        print_json([m.to_dict() for m in models])
        return 0
    if not models:
        print(f"No models yet. Put GGUF files in {ctx.config.paths.models_dir} or use `pull`.")
    for m in models:
        print(f"[{m.source}] {clean_name(m.summary())}\n    {clean_name(m.path)}")
    return 0


def cmd_import_model(args, ctx) -> int:
    entry = ctx.library.import_file(args.path, copy=not args.reference)
    print(f"Added {clean_name(entry.name)}: {clean_name(entry.path)}")
    return 0


def cmd_delete_model(args, ctx) -> int:
    entry = ctx.library.find(args.model)
    ctx.library.delete(entry)
    print(f"Deleted {clean_name(entry.name)}")
    return 0


# ---- chat -------------------------------------------------------------------------


def resolve_model(ctx, name_or_path: str | None):
    """A library entry for --model (the starter model when none is given); ``NAME:MODEL_ID`` of a
    known endpoint gives an ``engine.remote.resolve.RemoteModel`` (nothing is contacted here)."""
    from engine.remote.resolve import resolve_remote

    lib = ctx.library
    if not name_or_path and ctx.config.policy.default_model:
        name_or_path = ctx.config.policy.default_model   # the administrator's default model
    remote = resolve_remote(ctx.config, name_or_path)
    if remote is not None:
        return remote
    if not name_or_path or name_or_path == "starter":
        path = lib.ensure_starter()
        if path is None:
            if not name_or_path:
                raise BadInputError("choose a model with --model (no starter model is installed)")
            from engine.packaged import no_model_hint

            raise BadInputError(f"the starter model is not installed: {no_model_hint()}")
        return lib.inspect(path, "starter")
    entry = lib.find(name_or_path)
    if not entry.ok:
        raise BadInputError(f"{entry.path.name}: {entry.error}")
    if entry.is_embedding:   # never a chat model (engine/ask uses it for document search)
        raise BadInputError(f"{entry.name} is an embedding model: it turns text into vectors for document search "
                            f"and cannot chat or write answers; choose a chat model")
    return entry


def load_options_from_args(args, settings=None, policy=None):
    """Load options from the flags; a flag left out takes the user's default (engine.preferences)."""
    from engine.host.protocol import LoadOptions, parse_gpu_layers
    from engine.preferences import default_load

    base = default_load(settings, policy) if settings is not None else LoadOptions()
    gpu_layers = base.gpu_layers if getattr(args, "gpu_layers", None) is None else args.gpu_layers
    try:
        gl = parse_gpu_layers(gpu_layers)
    except ValueError:
        raise BadInputError(f"--gpu-layers must be a number, auto or all (got {gpu_layers!r})") from None
    opts = LoadOptions(n_ctx=(base.n_ctx if getattr(args, "ctx", None) is None else args.ctx) or 0,
                       gpu_layers=gl, n_threads=base.n_threads)
    if getattr(args, "threads", None):
        opts.n_threads = args.threads
    fa = getattr(args, "flash_attn", "auto")
    opts.flash_attn = None if fa == "auto" else fa == "on"
    if getattr(args, "batch_size", None) is not None:
        if args.batch_size < 1:
            raise BadInputError("--batch-size must be at least 1")
        opts.n_batch = opts.n_ubatch = args.batch_size
    return opts


def sampling_from_args(args, settings=None, policy=None):
    """Sampling from the flags; a flag left out takes the user's default (engine.preferences)."""
    from engine.host.protocol import SamplingOptions
    from engine.preferences import default_sampling

    # A locked setting's saved value is never used: default_sampling pins it (apply_locked tells a flag so).
    s = default_sampling(settings, policy) if settings is not None else SamplingOptions()
    for name in ("top_p", "top_k", "min_p", "repeat_penalty", "max_tokens", "temperature", "seed"):
        v = getattr(args, name, None)
        if v is not None:
            setattr(s, name, v)
    if s.max_tokens < 0 or s.temperature < 0:
        raise BadInputError("--max-tokens and --temperature must not be negative")
    return s


def cmd_chat(args, ctx) -> int:
    from engine.remote.client import StreamCutError
    from engine.remote.resolve import make_client

    prompt = " ".join(args.prompt) if args.prompt else ""
    if prompt == "-" or (not prompt and not sys.stdin.isatty()):
        prompt = sys.stdin.read()
    if not prompt.strip():
        raise BadInputError("give a prompt: hearth chat --model NAME \"your question\"")
    entry = resolve_model(ctx, args.model)
    opts = load_options_from_args(args, ctx.config.settings, ctx.config.policy)   # absent flags: the Preferences' defaults
    sampling = sampling_from_args(args, ctx.config.settings, ctx.config.policy)
    apply_locked(ctx.config.policy, args, opts, sampling)

    store = conv_id = None
    # A locked system prompt is the only one, even at its empty default: a stored or imported one never
    # reaches the model (apply_locked already set args.system to it).
    pinned = ctx.config.policy.pin_system_prompt(None)   # None where the system prompt is not locked
    messages = []
    if args.system:
        messages.append({"role": "system", "content": args.system})
    if args.conversation:
        store, conv_id, messages = _open_conversation(ctx, args, entry, pinned)
    messages.append({"role": "user", "content": prompt})

    remote = getattr(entry, "is_remote", False)
    client = make_client(entry, config=ctx.config, log_dir=ctx.config.paths.log_dir,
                         on_notice=lambda t: print(f"hearth: {t}", file=sys.stderr))
    # Ctrl+C: first press stops generation (reply kept), the host then ends.
    old = signal.getsignal(signal.SIGINT)
    cancelled = threading.Event()

    def on_sigint(signum, frame):
        cancelled.set()
        client.cancel()

    signal.signal(signal.SIGINT, on_sigint)
    reply_id = None
    saver = None
    try:
        if not args.json and not args.quiet:
            if remote:
                print(f"[{clean_name(entry.name)}: your text is sent to {clean_name(entry.host)}]", file=sys.stderr)
            elif entry.is_base_model:
                print(f"[{clean_name(entry.name)}: base model: continues text rather than following instructions]",
                      file=sys.stderr)
        info = client.load(entry.path, opts)
        if info.get("plan_note") and not args.quiet:  # e.g. fewer GPU layers after running out of memory
            print(f"hearth: note: {info['plan_note']}", file=sys.stderr)
        if info.get("gpu_offload") and not args.quiet and not args.json:  # a GPU build: where it really runs
            from engine.host.protocol import describe_offload

            where = describe_offload(info)
            if where:
                print(f"hearth: model {where}", file=sys.stderr)
        if store is not None:
            store.add_message(conv_id, "user", prompt)
            reply_id = store.add_message(conv_id, "assistant", "", model=str(entry.path), complete=False)
            saver = _ReplySaver(store, reply_id)

        def on_text(chunk: str):
            if not args.json:
                sys.stdout.write(chunk)
                sys.stdout.flush()
            if saver:
                saver.add(chunk)

        cut = None
        try:
            stats = client.chat(messages, sampling, on_text=on_text)
        except StreamCutError as e:   # the partial reply is kept, marked incomplete
            cut, stats = e, e.stats
        # The CPU fallback may have loaded the model again during the reply: report that load, not the first.
        info = getattr(client, "model_info", None) or info
    finally:
        signal.signal(signal.SIGINT, old)
        client.unload()
    if saver:
        saver.finish(stats)
    if args.json:
        from engine.cli import print_json

        out = {k: v for k, v in stats.to_dict().items()}
        out["model"] = str(entry.path)
        # how it was loaded: llama.cpp's own report (layers offloaded, backend, memory per device)
        out.update(plan_note=info.get("plan_note", ""), offload=info.get("offload"),
                   # None, or llama.cpp's extra CPU kernels switched off after an illegal instruction
                   cpu_fallback=getattr(client, "cpu_fallback", None),
                   cpu_variant=info.get("cpu_variant"),   # a portable build's CPU module (None: built in)
                   gpu_layers=info.get("gpu_layers"), n_ctx=info.get("n_ctx"))
        if remote:
            out["remote"] = entry.describe()
        if cut is not None:
            out["error"] = str(cut)
        if conv_id is not None:
            out["conversation_id"] = conv_id
        print_json(out)
    else:
        if not stats.text.endswith("\n"):
            sys.stdout.write("\n")
        if stats.dropped_messages:
            print(f"[{stats.dropped_messages} earlier messages are outside the model's memory]", file=sys.stderr)
        if not args.quiet:
            print(f"[{stats.completion_tokens} tokens, {stats.gen_tok_s:.1f} tok/s, "
                  f"first token {stats.ttft_s:.2f} s, {stats.finish_reason}]", file=sys.stderr)
        if conv_id is not None and not args.quiet:
            print(f"[conversation {conv_id}]", file=sys.stderr)
    if cut is not None:
        raise cut
    if cancelled.is_set():
        raise CancelledError("the reply was stopped")
    return 0


def apply_locked(policy, args, opts=None, sampling=None) -> None:
    """Settings the administrator locked win over the flags and the user's defaults (LoadOptions
    ``opts``, SamplingOptions ``sampling``, ``args.system``); a flag that asked otherwise is told so.
    Shared by chat, summarize, compare and eval, so no command bypasses the policy."""
    given = None
    if hasattr(args, "argv"):            # parsed by engine.cli.main: which flags were written (found once)
        if not hasattr(args, "given"):
            from engine.cli import options_given

            args.given = options_given(args.argv)
        given = args.given

    def asked(dest: str) -> bool:
        return dest in given if given is not None else getattr(args, dest, None) is not None

    if sampling is not None:
        for name in policy.pin_sampling(sampling):
            if asked(name):
                print(f"hearth: {name} is managed by your administrator; using {getattr(sampling, name)!r}",
                      file=sys.stderr)
    if opts is not None:
        pinned = policy.pin_load({"n_ctx": opts.n_ctx, "gpu_layers": opts.gpu_layers})
        for name, flag, dest in (("n_ctx", "--ctx", "ctx"), ("gpu_layers", "--gpu-layers", "gpu_layers")):
            if pinned[name] != getattr(opts, name):
                if asked(dest):
                    print(f"hearth: {flag} is managed by your administrator; using {pinned[name]!r}",
                          file=sys.stderr)
                setattr(opts, name, pinned[name])
    if hasattr(args, "system") and policy.is_locked("system_prompt"):
        if args.system is not None and args.system != policy.pin_system_prompt(None):
            print("hearth: the system prompt is managed by your administrator", file=sys.stderr)
        args.system = policy.pin_system_prompt(None) or None


class _ReplySaver:
    """Saves a streaming reply at most once a second, so a crash loses only a moment."""

    def __init__(self, store, message_id: int, interval: float = 1.0):
        import time

        self.store, self.id, self.interval = store, message_id, interval
        self.parts: list[str] = []
        self._clock = time.monotonic
        self._last = self._clock()

    def add(self, chunk: str) -> None:
        self.parts.append(chunk)
        now = self._clock()
        if now - self._last >= self.interval:
            self.store.update_message(self.id, content="".join(self.parts), complete=False)
            self._last = now

    def finish(self, stats) -> None:
        complete = stats.finish_reason in ("stop", "length")
        self.store.update_message(self.id, content=stats.text or "".join(self.parts), complete=complete,
                                  stats=stats.to_dict() | {"text": None})


def _open_conversation(ctx, args, entry, pinned: str | None = None):
    """(store, id, messages for the model). ``pinned``: the administrator's locked system prompt, which
    replaces the conversation's own and its stored system messages."""
    from engine.store import Store, conversation_messages_for_model

    store = Store.open_default(ctx.config)
    if args.conversation == "new":
        conv_id = store.create_conversation(system_prompt=args.system or "", model_path=str(entry.path))
        msgs = [{"role": "system", "content": args.system}] if args.system else []
        return store, conv_id, msgs
    try:
        conv_id = int(args.conversation)
    except ValueError:
        raise BadInputError(f"--conversation takes a number or 'new' (got {args.conversation!r})") from None
    store.get_conversation(conv_id)  # raises if unknown
    if pinned is not None or args.system:
        store.update_conversation_settings(conv_id, system_prompt=pinned if pinned is not None else args.system)
    store.update_conversation_settings(conv_id, model_path=str(entry.path))
    return store, conv_id, conversation_messages_for_model(store, conv_id, pinned_system_prompt=pinned)


# ---- registration -----------------------------------------------------------------


def register(sub) -> None:
    p = sub.add_parser("doctor", help="versions, backend, devices, memory, data folders")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_doctor)

    p = sub.add_parser("check-model", help="validate a GGUF file (exit 0 valid, 2 not)")
    p.add_argument("path")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_check_model)

    p = sub.add_parser("models", help="list the model library")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_models)

    p = sub.add_parser("import-model", help="add a local GGUF file to the library")
    p.add_argument("path")
    p.add_argument("--reference", action="store_true", help="use the file where it is instead of copying it")
    p.set_defaults(func=cmd_import_model)

    p = sub.add_parser("delete-model", help="delete a model from the library")
    p.add_argument("model")
    p.set_defaults(func=cmd_delete_model)

    p = sub.add_parser("chat", help="send a prompt to a model and stream the reply")
    p.add_argument("prompt", nargs="*", help="the prompt ('-' or stdin to read it)")
    p.add_argument("--model", help="model path or library name (default: the starter model)")
    p.add_argument("--system", help="system prompt")
    p.add_argument("--max-tokens", type=int, help="longest reply (default: Preferences, else 512)")
    p.add_argument("--temperature", type=float, help="default: Preferences, else 0.7")
    p.add_argument("--top-p", type=float)
    p.add_argument("--top-k", type=int)
    p.add_argument("--min-p", type=float)
    p.add_argument("--repeat-penalty", type=float)
    p.add_argument("--seed", type=int)
    p.add_argument("--ctx", type=int, help="context length (default: Preferences, else the model's, capped at 8192)")
    p.add_argument("--gpu-layers", help="N, auto or all (default: Preferences, else auto)")
    p.add_argument("--threads", type=int, help="CPU threads (default: Preferences, else a share of the cores)")
    p.add_argument("--flash-attn", choices=("auto", "on", "off"), default="auto",
                   help="flash attention (auto: on when layers run on a GPU)")
    p.add_argument("--batch-size", type=int, help="prompt tokens per decode step (default 512)")
    p.add_argument("--conversation", help="continue a stored conversation (ID) or start one (new)")
    p.add_argument("--quiet", action="store_true", help="print only the reply")
    p.add_argument("--json", action="store_true", help="print one JSON object at the end")
    p.set_defaults(func=cmd_chat)
