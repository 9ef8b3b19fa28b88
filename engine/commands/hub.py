"""CLI: search, files, pull, downloads, token (the Model hub pane, scriptable; the engine half is engine/hub)."""

from __future__ import annotations

import os
import sys
import time

from engine.errors import BadInputError
from engine.printable import clean_name


def register(sub) -> None:
    p = sub.add_parser("search", help="search GGUF models on the Hugging Face Hub")
    p.add_argument("query", nargs="?", default="")
    p.add_argument("--sort", choices=["downloads", "likes", "updated"], default="downloads")
    p.add_argument("--limit", type=int, default=20)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("files", help="list a repository's GGUF files with a fit estimate for this machine")
    p.add_argument("repo")
    p.add_argument("--ctx", type=int, default=None, help="context length for the estimate")
    p.add_argument("--card", action="store_true", help="also print the model card")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_files)

    p = sub.add_parser("pull", help="download a GGUF model (resumable, verified) into the library")
    p.add_argument("repo")
    p.add_argument("file", nargs="?", default=None)
    p.add_argument("--quant", default=None, help="pick the file by quantization, e.g. Q4_K_M")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_pull)

    p = sub.add_parser("downloads", help="unfinished downloads: the queue and partial files found without "
                       "a queue entry (resume them with pull)")
    p.add_argument("--discard", metavar="NAME", default=None,
                   help="delete the partial file NAME (as listed) that has no queue entry")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_downloads)

    p = sub.add_parser("token", help="store or remove the Hugging Face access token (OS keyring)")
    p.add_argument("action", choices=["set", "clear", "status"])
    p.add_argument("--token", default=None,
                   help="the token on the command line: other users of this computer can see it (ps); "
                   "prefer --token-stdin or the prompt")
    p.add_argument("--token-stdin", action="store_true",
                   help="read the token from standard input (one line; for scripts)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_token)


def _client(ctx):
    from engine.hub.api import HubClient

    return HubClient(ctx.config)


def cmd_search(args, ctx) -> int:
    from engine.cli import print_json

    results = _client(ctx).search(args.query, sort=args.sort, limit=args.limit)
    if args.json:
        print_json([r.to_dict() for r in results])
        return 0
    if not results:
        print("no GGUF repositories found")
    for r in results:
        gated = " [gated]" if r.gated else ""
        print(f"{clean_name(r.repo_id)}{gated}  ↓{r.downloads or 0}  ♥{r.likes or 0}  "
              f"{clean_name(r.license) or 'licence ?'}  updated {clean_name((r.last_modified or '?')[:10])}")
    return 0


def _hardware():
    if os.environ.get("HEARTH_FAKE_HARDWARE"):
        # Tests and demos: a made-up machine as JSON (HardwareInfo fields).
        import json

        from engine.hardware import Device, HardwareInfo

        d = json.loads(os.environ["HEARTH_FAKE_HARDWARE"])
        d["devices"] = [Device(**x) for x in d.get("devices", [])]
        return HardwareInfo(**d)
    from engine.hardware import detect

    return detect()


def cmd_files(args, ctx) -> int:
    from engine.cli import print_json
    from engine.library import human_size

    if args.ctx is not None and args.ctx <= 0:
        raise BadInputError("--ctx must be a positive number of tokens")
    files = _client(ctx).repo_files(args.repo, hardware=_hardware(), n_ctx=args.ctx, with_card=args.card)
    if args.json:
        d = files.to_dict()
        if args.card:
            d["card"] = files.card
        print_json(d)
        return 0
    r = files.repo
    print(f"{clean_name(r.repo_id)}  by {clean_name(r.author)}  licence {clean_name(r.license) or '?'}"
          f"{'  [gated]' if r.gated else ''}")
    if not files.files:
        print("no GGUF files")
    for f in files.files:
        m, fit = f.model, f.fit
        star = "★" if fit and fit.best else " "
        parts = f" ({m.split_count} parts)" if m.split_count > 1 else ""
        line = f"{star} {clean_name(m.quant) or '?':8} {human_size(m.size or 0):>9}  {clean_name(m.name)}{parts}"
        if m.kind != "model":
            line += "  (vision projector)"
        elif fit:
            line += f"  — {fit.label} at ctx {fit.n_ctx}"
            if fit.max_ctx is not None:
                line += f", max ctx {fit.max_ctx}"
        print(line)
    if args.card and files.card:
        print()
        print(files.card)
    return 0


class _Progress:
    """One updating line on stderr."""

    def __init__(self):
        self.last = 0.0
        self.tty = sys.stderr.isatty()

    def __call__(self, job) -> None:
        from engine.library import human_size

        now = time.monotonic()
        if now - self.last < (0.2 if self.tty else 2.0) and job.state == "downloading":
            return
        self.last = now
        eta = f", {int(job.eta)} s left" if job.eta else ""
        speed = f", {human_size(job.speed)}/s" if job.speed else ""
        msg = (f"{clean_name(job.name)}: {job.state} {human_size(job.downloaded)} of {human_size(job.total)} "
               f"({job.fraction:.0%}{speed}{eta})")
        sys.stderr.write(("\r" + msg + "\x1b[K") if self.tty else msg + "\n")
        sys.stderr.flush()


def cmd_pull(args, ctx) -> int:
    from engine.cli import print_json
    from engine.hub.download import DownloadManager, RetryPolicy

    if args.file and args.quant:
        raise BadInputError("give either a FILE or --quant, not both")
    retry = RetryPolicy()
    if os.environ.get("HEARTH_DOWNLOAD_RETRY_DELAY"):
        # Tests make backoff near-instant.
        retry.base_delay = retry.max_delay = float(os.environ["HEARTH_DOWNLOAD_RETRY_DELAY"])
    progress = _Progress()
    mgr = DownloadManager(ctx.config, retry=retry, on_update=progress)
    job = mgr.add_from_hub(args.repo, args.file, args.quant)
    try:
        job = mgr.run_job(job.id)
    finally:
        if progress.tty:
            sys.stderr.write("\n")
    result = {"repo": job.repo_id, "revision": job.revision, "name": job.name, "quant": job.quant,
              "path": job.final_path, "size": job.total,
              "files": [{"filename": p.filename, "size": p.size, "sha256": p.sha256} for p in job.parts]}
    result["sha256"] = job.parts[0].sha256 if len(job.parts) == 1 else [p.sha256 for p in job.parts]
    if args.json:
        print_json(result)
    else:
        print(f"downloaded {clean_name(job.name)} to {clean_name(job.final_path)}")
    return 0


def cmd_downloads(args, ctx) -> int:
    from engine.cli import print_json
    from engine.hub.download import ACTIVE, FAILED, PAUSED, discard_orphan_partial, find_orphan_partials, \
        load_queue
    from engine.library import human_size

    folder = ctx.config.paths.downloads_dir
    if args.discard is not None:
        freed = discard_orphan_partial(folder, args.discard)
        if args.json:
            print_json({"discarded": args.discard, "freed": freed})
        else:
            print(f"deleted {clean_name(args.discard)} ({human_size(freed)})")
        return 0
    jobs = [j for j in load_queue(folder) if j.state in ACTIVE + (PAUSED, FAILED)]
    orphans = find_orphan_partials(folder)
    if args.json:
        print_json({"queued": [j.to_dict() for j in jobs], "orphans": [o.to_dict() for o in orphans]})
        return 0
    if not jobs and not orphans:
        print("no unfinished downloads")
        return 0
    if jobs:
        print("in the queue:")
        for j in jobs:
            print(f"  {clean_name(j.name)}  {clean_name(j.repo_id)}  {j.state}  {human_size(j.downloaded)} of "
                  f"{human_size(j.total)}"
                  + (f"  ({clean_name(j.error)})" if j.error else ""))
    if orphans:
        print("partial files without a queue entry (in " + clean_name(folder) + "):")
        for o in orphans:
            of = f" of {human_size(o.total)}" if o.total else ""
            where = clean_name(o.repo_id) or "repository unknown"
            verified = "  (verified part)" if o.verified else ""
            print(f"  {clean_name(o.file)}  {where}  {human_size(o.size)}{of}{verified}")
            if o.repo_id:
                print(f"    resume: python main.py pull {clean_name(o.repo_id)} {clean_name(o.filename)}")
            else:
                print(f"    resume: python main.py pull REPO {clean_name(o.name)}  (the repository it came from)")
            print(f"    delete: python main.py downloads --discard {clean_name(o.file)}")
    return 0


def cmd_token(args, ctx) -> int:
    from engine.cli import print_json
    from engine.hub import token as tk

    if args.action == "set":
        value = args.token
        if value is not None and args.token_stdin:
            raise BadInputError("give the token with --token-stdin or --token, not both")
        if args.token_stdin:
            if sys.stdin is None or sys.stdin.closed:
                raise BadInputError("--token-stdin: give the token on standard input")
            value = sys.stdin.readline()
        elif value is None:
            if sys.stdin.isatty():
                import getpass

                value = getpass.getpass("Hugging Face token: ")
            else:
                value = sys.stdin.readline()
        elif value.strip():   # kept for existing scripts, with a word on what it exposes
            print("hearth: warning: --token puts the token on the command line, where other users of this "
                  "computer can see it (ps, shell history); use --token-stdin or the prompt instead",
                  file=sys.stderr)
        tk.set_token(value)
        msg, out = "token stored in the system keyring", {"stored": True}
    elif args.action == "clear":
        removed = tk.clear_token()
        msg, out = ("token removed" if removed else "no token was stored"), {"removed": removed}
        if os.environ.get("HF_TOKEN"):
            msg += " (HF_TOKEN is still set in the environment)"
    else:
        out = tk.token_status()
        if out["token_set"]:
            msg = f"a token is set ({out['source']})"
        else:
            msg = "no token set"
        if out.get("note"):
            msg += "; " + out["note"]
    if args.json:
        print_json(out if args.action == "status" else {**out, "message": msg})
    else:
        print(msg)
    return 0
