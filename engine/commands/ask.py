"""Ask your documents from the command line (engine/ask).

    python main.py collections add NAME PATH... [--json]     # files and folders; creates NAME or adds to it
    python main.py collections list [--json]
    python main.py collections remove NAME                    # the index only; the files stay
    python main.py index NAME [--json]                        # files, indexed, skipped, failed, passages, seconds
    python main.py retrieve NAME QUERY [--top-k N] [--json]   # results [{file, page, passage, score}]; no model
    python main.py ask NAME QUESTION [--model M] [--top-k N] [--json]
        # answer, citations [{file, page, passage, score}], found, passages_used, prompt_tokens,
        # completion_tokens, seconds
"""

from __future__ import annotations

import sys

from engine.commands import ctrl_c_cancels, warn_base_model
from engine.errors import BadInputError


def _store(ctx):
    from engine.store import Store

    return Store.open_default(ctx.config)


def _say(args, text: str) -> None:
    if not getattr(args, "quiet", False):
        print(text, file=sys.stderr)


# ---- collections -------------------------------------------------------------------


def cmd_collections_add(args, ctx) -> int:
    from engine.ask.collections import Collections

    with _store(ctx) as store:
        cols = Collections(store)
        col = cols.add(args.name, args.paths)
        row = next(r for r in cols.list() if r["name"] == col.name)
    if args.json:
        from engine.cli import print_json

        print_json(row)
    else:
        print(f"Collection {col.name}: {len(col.paths)} path{'s' if len(col.paths) != 1 else ''}; "
              f"run `python main.py index {_quote(col.name)}` to index it")
    return 0


def cmd_collections_list(args, ctx) -> int:
    from engine.ask.collections import Collections

    with _store(ctx) as store:
        rows = Collections(store).list()
    if args.json:
        from engine.cli import print_json

        print_json(rows)
        return 0
    if not rows:
        print("No collections yet. Make one with `python main.py collections add NAME PATH...`.")
    for r in rows:
        when = f", indexed {r['indexed_at'][:16].replace('T', ' ')}" if r["indexed_at"] else ", not indexed yet"
        failed = f" ({r['failed']} could not be read)" if r["failed"] else ""
        vec = "".join(f", {n} vectors from {m.split('|')[0]}" for m, n in r["vectors"].items())
        print(f"{r['name']}: {r['indexed']} documents{failed}, {r['pages']} pages, {r['passages']} passages"
              f"{vec}{when}")
        for p in r["paths"]:
            print(f"    {p}")
    return 0


def cmd_collections_remove(args, ctx) -> int:
    from engine.ask.collections import Collections

    with _store(ctx) as store:
        Collections(store).remove(args.name)
    print(f"Removed the collection {args.name} and its index (the files themselves are untouched)")
    return 0


def _require_index(store, name: str) -> None:
    """BadInputError (exit 2, as for an unknown collection) when the collection has nothing to search: never
    indexed, or none of its documents could be read. Before any model loads."""
    from engine.ask.collections import Collections

    collections = Collections(store)
    col = collections.get(name)
    files, failed, passages = collections.index_counts(col)
    if passages:
        return
    if not files:
        raise BadInputError(f"nothing in {col.name} is indexed yet: run `python main.py index {_quote(col.name)}`")
    raise BadInputError(f"none of the documents in {col.name} could be read ({failed} tried): "
                        f"`python main.py index {_quote(col.name)}` says why")


def _quote(name: str) -> str:
    return f'"{name}"' if any(c.isspace() for c in name) else name


# ---- embeddings ------------------------------------------------------------------------


def _embedder(args, ctx, required: bool = False, store=None):
    """The embedding model to use (``--embed-model`` or the library's), started; None without one. With
    ``store`` (searching in auto mode), only when the collection has vectors from that model: a model that
    could not be used is not loaded."""
    from engine.ask.embed import Embedder, find_embedding_model, model_id

    choice = getattr(args, "embed_model", None)
    if choice == "none":
        return None
    entry = find_embedding_model(ctx.library, choice)
    if entry is None:
        if required:
            raise BadInputError("dense search needs an embedding model in the library (suggested: "
                                + ", ".join(m["repo_id"] for m in _suggested_embedding()) + ")")
        return None
    if store is not None and not required:
        from engine.ask.collections import Collections

        collections = Collections(store)
        if not collections.has_vectors(collections.get(args.name), model_id(entry.path)):
            return None
    _say(args, f"[embeddings: {entry.name}]")
    return Embedder.start(entry.path, config=ctx.config,
                          on_notice=lambda t: print(f"hearth: {t}", file=sys.stderr))


def _suggested_embedding() -> list[dict]:
    from engine.library import suggested_models

    return suggested_models(2, "embedding_models") or [{"repo_id": "gpustack/bge-m3-GGUF"}]


# ---- index ----------------------------------------------------------------------------


def cmd_index(args, ctx) -> int:
    from engine.ask.index import Indexer

    store = _store(ctx)
    embedder = None
    try:
        indexer = Indexer(store, args.name)     # an unknown collection fails before any model loads
        embedder = _embedder(args, ctx)
        indexer.embedder = embedder

        def on_event(e: dict) -> None:
            if args.json or args.quiet:
                return
            if e["type"] == "scan":
                print(f"[{indexer.collection.name}: {e['files']} documents]", file=sys.stderr)
            elif e["type"] == "file" and e["status"] != "skipped":
                what = (f"{e['passages']} passages" if e["status"] == "indexed" else f"failed: {e['reason']}")
                print(f"[{e['done']}/{e['total']}] {e['file']}: {what}", file=sys.stderr)
            elif e["type"] == "removed":
                print(f"[dropped {e['file']}: no longer there]", file=sys.stderr)
            elif e["type"] == "embed" and (e["done"] == e["total"] or e["done"] % 256 == 0):
                print(f"[embedded {e['done']}/{e['total']} passages]", file=sys.stderr)

        with ctrl_c_cancels(indexer):       # Ctrl+C: what is indexed stays; run again to go on
            result = indexer.run(on_event=on_event)
    finally:
        if embedder is not None:
            embedder.close()
        store.close()
    if args.json:
        from engine.cli import print_json

        print_json(result.to_json())
    else:
        print(f"{result.files} documents: {result.indexed} indexed, {result.skipped} unchanged, "
              f"{len(result.failed)} could not be read, {result.removed} dropped; {result.passages} passages "
              f"({result.seconds:.1f} s)")
        for f in result.failed:
            print(f"  {f['file']}: {f['reason']}")
    return 0


# ---- retrieve ---------------------------------------------------------------------------


def cmd_retrieve(args, ctx) -> int:
    from engine.ask.retrieve import Retriever

    if args.top_k < 1:
        raise BadInputError("--top-k must be at least 1")
    store = _store(ctx)
    embedder = None
    try:
        retriever = Retriever(store, args.name)
        _require_index(store, args.name)
        if args.mode != "fts":
            embedder = _embedder(args, ctx, required=args.mode in ("dense", "hybrid"), store=store)
            retriever.embedder = embedder
        found = retriever.search(args.query, top_k=args.top_k, mode=args.mode)
    finally:
        if embedder is not None:
            embedder.close()
        store.close()
    if args.json:
        from engine.cli import print_json

        print_json({"results": [h.to_json() for h in found.hits], "mode": found.mode,
                    "relevant": found.relevant, "terms": found.terms, "seconds": round(found.seconds, 4)})
        return 0
    if not found.hits:
        print("Nothing in this collection matches.")
    for h in found.hits:
        print(f"[{h.label}] ({h.score:.4g})")
        print("    " + " ".join(h.text.split())[:300])
    return 0


# ---- ask ------------------------------------------------------------------------------------


def cmd_ask(args, ctx) -> int:
    from engine.ask.answer import Answerer
    from engine.commands.core import apply_locked, load_options_from_args, resolve_model
    from engine.remote.resolve import make_client

    question = " ".join(args.question).strip() if isinstance(args.question, list) else (args.question or "")
    if not question:
        raise BadInputError('give a question: python main.py ask NAME "your question"')
    if args.top_k < 1:
        raise BadInputError("--top-k must be at least 1")
    if args.ctx and args.ctx < 256:
        raise BadInputError("--ctx must be at least 256 tokens")
    store = _store(ctx)
    client = embedder = None
    try:
        _require_index(store, args.name)           # an unknown or empty collection fails before anything loads
        entry = resolve_model(ctx, args.model)
        if getattr(entry, "is_embedding", False):
            raise BadInputError(f"{entry.name} is an embedding model: it finds passages but cannot write answers; "
                                f"choose a chat model with --model")
        load_options = load_options_from_args(args, ctx.config.settings, ctx.config.policy)
        apply_locked(ctx.config.policy, args, load_options)
        remote = getattr(entry, "is_remote", False)
        client = make_client(entry, config=ctx.config, log_dir=ctx.config.paths.log_dir,
                             on_notice=lambda t: print(f"hearth: {t}", file=sys.stderr))

        def prepare():
            if remote:
                _say(args, f"[{entry.name}: your question and the passages found are sent to {entry.host}]")
            elif entry.is_base_model:
                warn_base_model(entry.name)
            info = client.load(entry.path, load_options)
            if info.get("plan_note"):
                _say(args, f"hearth: note: {info['plan_note']}")

        if args.mode != "fts":
            embedder = _embedder(args, ctx, required=args.mode in ("dense", "hybrid"), store=store)
        answerer = Answerer(client, store, args.name, embedder=embedder, prepare=prepare)

        def on_text(t: str) -> None:
            if args.stream and not args.json:
                sys.stdout.write(t)
                sys.stdout.flush()

        with ctrl_c_cancels(answerer):
            result = answerer.ask(question, top_k=args.top_k, mode=args.mode, on_text=on_text)
    finally:
        if client is not None:
            client.unload()
        if embedder is not None:
            embedder.close()
        store.close()
    if args.json:
        from engine.cli import print_json

        out = result.to_json()
        out["model"] = str(entry.path)
        if remote:
            out["remote"] = entry.describe()
        print_json(out)
        return 0
    if args.stream:
        sys.stdout.write("\n\n")
    print(result.answer)
    if result.found and result.citations:
        head = "Sources:" if result.cited_by_model else "Passages the answer was drawn from (the model cited none):"
        print("\n" + head)
        for h in result.citations:
            print(f"  [{h.label}] " + " ".join(h.text.split())[:160])
    if result.removed_citations:
        _say(args, f"[removed {len(result.removed_citations)} citation(s) that match no passage given to the "
                   f"model: {', '.join(result.removed_citations)}]")
    if result.prompt_tokens:
        _say(args, f"[{result.passages_used} passages, {result.prompt_tokens} prompt tokens, "
                   f"{result.completion_tokens} reply tokens, {result.seconds:.1f} s]")
    return 0


# ---- registration ------------------------------------------------------------------------


def register(sub) -> None:
    p = sub.add_parser("collections", help="named sets of files and folders to ask questions about")
    csub = p.add_subparsers(dest="collections_command", metavar="ACTION", required=True)
    a = csub.add_parser("add", help="make a collection, or add files and folders to one")
    a.add_argument("name")
    a.add_argument("paths", nargs="+", metavar="PATH")
    a.add_argument("--json", action="store_true")
    a.set_defaults(func=cmd_collections_add)
    a = csub.add_parser("list", help="the collections and what their indexes hold")
    a.add_argument("--json", action="store_true")
    a.set_defaults(func=cmd_collections_list)
    a = csub.add_parser("remove", help="forget a collection and its index (the files are untouched)")
    a.add_argument("name")
    a.set_defaults(func=cmd_collections_remove)

    p = sub.add_parser("index", help="index a collection's documents (unchanged files are skipped)")
    p.add_argument("name")
    p.add_argument("--embed-model", help="embedding model for dense search (default: the library's; 'none': "
                                         "full text only)")
    p.add_argument("--quiet", action="store_true")
    p.add_argument("--json", action="store_true",
                   help="print files, indexed, skipped, failed [{file, reason}], passages, seconds")
    p.set_defaults(func=cmd_index)

    p = sub.add_parser("retrieve", help="the passages of a collection that best match a query (no chat model)")
    p.add_argument("name")
    p.add_argument("query")
    p.add_argument("--top-k", type=int, default=5)
    p.add_argument("--mode", choices=("auto", "fts", "dense", "hybrid"), default="auto",
                   help="full text, embeddings, or both fused (auto: both when the collection has vectors)")
    p.add_argument("--embed-model", help="embedding model for the query (default: the library's; 'none')")
    p.add_argument("--quiet", action="store_true")
    p.add_argument("--json", action="store_true", help="print results [{file, page, passage, score}]")
    p.set_defaults(func=cmd_retrieve)

    p = sub.add_parser("ask", help="answer a question from a collection's documents, citing file and page")
    p.add_argument("name")
    p.add_argument("question", nargs="+")
    p.add_argument("--model", help="chat model: path, library name or NAME:MODEL_ID (default: the starter model)")
    p.add_argument("--top-k", type=int, default=6, help="passages to give the model at most (default 6)")
    p.add_argument("--mode", choices=("auto", "fts", "dense", "hybrid"), default="auto")
    p.add_argument("--embed-model", help="embedding model for the question (default: the library's; 'none')")
    p.add_argument("--ctx", type=int, help="context length (default: Preferences, else the model's, capped)")
    p.add_argument("--gpu-layers", help="N, auto or all")
    p.add_argument("--threads", type=int)
    p.add_argument("--stream", action="store_true", help="print the reply as it is written (before the "
                                                         "citations are checked)")
    p.add_argument("--quiet", action="store_true")
    p.add_argument("--json", action="store_true", help="print answer, citations, found, passages_used, "
                                                       "prompt_tokens, completion_tokens, seconds")
    p.set_defaults(func=cmd_ask)
