"""``summarize``: a whole document with a local model, and the stored summaries.

    python main.py summarize report.pdf --length short --form bullets --json
    python main.py summaries [--json]          # history
    python main.py export-summary ID --format md|docx --output FILE
"""

from __future__ import annotations

import sys

from engine.commands import ctrl_c_cancels, warn_base_model
from engine.errors import BadInputError
from engine.printable import clean_name


def cmd_summarize(args, ctx) -> int:
    from engine.commands.core import apply_locked, load_options_from_args, resolve_model
    from engine.documents import read_document
    from engine.remote.resolve import make_client
    from engine.store import Store
    from engine.summarize import Summarizer
    from engine.summarize.prompts import SummaryOptions

    options = SummaryOptions(length=args.length, form=args.form, language=args.language,
                             instruction=args.instruction or "")
    if args.ctx is not None and args.ctx and args.ctx < 128:
        raise BadInputError("--ctx must be at least 128 tokens")
    document = read_document(args.file)           # a bad document fails before any model loads
    load_options = load_options_from_args(args, ctx.config.settings, ctx.config.policy)   # CPU threads etc.
    apply_locked(ctx.config.policy, args, load_options)
    entry = resolve_model(ctx, args.model)
    remote = getattr(entry, "is_remote", False)
    if not remote and entry.is_base_model:
        warn_base_model(entry.name)               # a base model summarises poorly
    client = make_client(entry, config=ctx.config, log_dir=ctx.config.paths.log_dir,
                         on_notice=lambda t: print(f"hearth: {t}", file=sys.stderr))
    store = Store.open_default(ctx.config)
    model_id = f"remote:{entry.name}" if remote else f"{entry.path}|{entry.path.stat().st_size}"
    summarizer = Summarizer(client, store, model_id=model_id)
    def on_event(e: dict) -> None:
        if args.json or args.quiet:
            return
        if e["type"] == "plan":
            print(f"[{clean_name(document.path.name)}: {e['pages']} pages, {e['characters']} characters, "
                  f"{e['document_tokens']} tokens; {e['plan']}]", file=sys.stderr)
        elif e["type"] == "part":
            eta = f", about {e['eta_s']:.0f} s left" if e.get("eta_s") else ""
            how = {"retried": f" (second try: the first reply was degenerate: {e.get('reason')})",
                   "extractive": f" (an extract: the model's replies were degenerate: {e.get('reason')})"}
            print(f"[{e['done']}/{max(e['total'], e['done'])} done: {e['pages']}{how.get(e.get('note'), '')}{eta}]",
                  file=sys.stderr)

    try:
        # Ctrl+C stops the summary; the parts already summarised are kept: run again to resume.
        with ctrl_c_cancels(summarizer):
            info = client.load(entry.path, load_options)
            if remote and not args.quiet:
                print(f"[{clean_name(entry.name)}: your text is sent to {clean_name(entry.host)}]", file=sys.stderr)
                if info.get("plan_note"):
                    print(f"hearth: note: {info['plan_note']}", file=sys.stderr)
            result = summarizer.run(document, options, on_event=on_event, fresh=args.fresh)
            counting = client.token_counting if remote else None
    finally:
        client.unload()
        store.close()
    if args.json:
        from engine.cli import print_json

        out = result.to_json()
        out["parts"] = [{k: p.get(k, "") for k in ("level", "position", "pages", "text", "note", "reason")}
                        for p in result.parts]
        if remote:
            out["remote"] = entry.describe() | {"token_counting": counting}
        print_json(out)
    else:
        print(result.summary)
        if not args.quiet:
            for line in quality_notes(result):
                print(f"hearth: {line}", file=sys.stderr)
    if args.output:
        from engine.summarize.export import export

        export(result.summary_id, ctx.config, args.output)
    return 0


def quality_notes(result) -> list[str]:
    """What the summariser had to do about the model's replies, and the facts the summary left out."""
    notes = []
    if result.degenerate_parts:
        reasons = ", ".join(f"{k} {v}" for k, v in sorted(result.degenerate_reasons.items()))
        notes.append(f"{result.degenerate_parts} of {result.calls} model replies were degenerate ({reasons}): "
                     f"{result.retried_parts} written again, {result.extractive_parts} replaced by extracts")
    if result.facts.get("dropped"):
        notes.append("facts the summary left out: " + "; ".join(clean_name(f) for f in result.facts["dropped"]))
    return notes


def cmd_summaries(args, ctx) -> int:
    from engine.store import Store
    from engine.summarize.storage import SummaryStore

    with Store.open_default(ctx.config) as store:
        rows = SummaryStore(store).list()
    if args.json:
        from engine.cli import print_json

        print_json(rows)
        return 0
    for r in rows:
        print(f"{r['id']:>5}  {r['status']:<9}  {r['updated_at'][:16]}  {clean_name(r['document_name'])}  "
              f"({r['options'].get('length')}, {r['options'].get('form')})")
    return 0


def cmd_export_summary(args, ctx) -> int:
    from engine.summarize.export import export

    path = export(args.id, ctx.config, args.output, args.format)
    print(path)
    return 0


def register(sub) -> None:
    p = sub.add_parser("summarize", help="summarise a whole document (PDF, DOCX, TXT, Markdown, HTML)")
    p.add_argument("file")
    p.add_argument("--model", help="model path or library name (default: the starter model)")
    p.add_argument("--length", choices=("short", "medium", "detailed"), default="medium")
    p.add_argument("--form", choices=("paragraphs", "bullets", "keypoints"), default="paragraphs")
    p.add_argument("--language", choices=("same", "ja", "en"), default="same",
                   help="language of the summary (same: the document's)")
    p.add_argument("--instruction", help="your own instruction, added to every prompt")
    p.add_argument("--ctx", type=int, default=0, help="context length (default: the model's, capped at 8192)")
    p.add_argument("--gpu-layers", default="auto", help="N, auto or all")
    p.add_argument("--threads", type=int, help="at most this many CPU threads (default: a share of the cores)")
    p.add_argument("--fresh", action="store_true", help="start over instead of resuming a stored run")
    p.add_argument("--output", help="also write the summary to this .md or .docx file")
    p.add_argument("--quiet", action="store_true", help="print only the summary")
    p.add_argument("--json", action="store_true", help="print one JSON object at the end")
    p.set_defaults(func=cmd_summarize)

    p = sub.add_parser("summaries", help="list stored summaries")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_summaries)

    p = sub.add_parser("export-summary", help="write a stored summary as Markdown or DOCX")
    p.add_argument("id", type=int)
    p.add_argument("--format", choices=("md", "docx"))
    p.add_argument("--output", required=True)
    p.set_defaults(func=cmd_export_summary)
