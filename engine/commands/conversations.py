"""Saved conversations from the command line: list, export, import.

    hearth conversations [--json] [--limit N]
    hearth export ID [--format md|json] [--output FILE]
    hearth import-conversation FILE [--json]
    hearth rename-conversation ID TITLE
    hearth delete-conversation ID
    hearth search-conversations QUERY [--json]
"""

from __future__ import annotations

import json
import sys

from engine.errors import BadInputError
from engine.printable import clean_name


def _parse_id(value: str) -> int:
    try:
        n = int(str(value).strip())
    except ValueError:
        raise BadInputError(f"a conversation id is a number, not {value!r}") from None
    if n <= 0:
        raise BadInputError(f"no conversation with id {n}")
    return n


def _open_store(ctx):
    from engine.store import Store

    return Store.open_default(ctx.config)


def cmd_conversations(args, ctx) -> int:
    from engine.cli import print_json

    with _open_store(ctx) as store:
        rows = store.list_conversations(limit=args.limit)
    if args.json:
        print_json([{k: r[k] for k in ("id", "title", "created_at", "updated_at", "message_count",
                                        "model_path", "preview")} for r in rows])
        return 0
    if not rows:
        print("No saved conversations.")
        return 0
    width = max(2, max(len(str(r["id"])) for r in rows))
    print(f"{'ID':>{width}}  {'UPDATED (UTC)':<16}  {'MSGS':>4}  TITLE")
    for r in rows:
        updated = r["updated_at"][:16].replace("T", " ")
        print(f"{r['id']:>{width}}  {updated:<16}  {r['message_count']:>4}  {clean_name(r['title'])}")
    return 0


def _write_output(path: str, text: str) -> None:
    from engine.files import write_file_atomically

    write_file_atomically(path, lambda f: f.write(text))


def cmd_export(args, ctx) -> int:
    cid = _parse_id(args.id)
    with _open_store(ctx) as store:
        if args.format == "json":
            text = json.dumps(store.export_json(cid), ensure_ascii=False, indent=2) + "\n"
        else:
            text = store.export_markdown(cid)
    if args.output and args.output != "-":
        _write_output(args.output, text)
        print(f"Exported conversation {cid} to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()
    return 0


def cmd_import_conversation(args, ctx) -> int:
    from engine.cli import print_json

    from engine.store import read_export_file

    data = read_export_file(args.file)   # bounded: size, nesting; one sentence when it is not a conversation
    with _open_store(ctx) as store:
        cid = store.import_json(data)
        conv = store.get_conversation(cid)
    if args.json:
        print_json({"id": cid, "title": conv["title"], "message_count": conv["message_count"]})
    else:
        print(cid)
    return 0


def cmd_rename_conversation(args, ctx) -> int:
    with _open_store(ctx) as store:
        store.rename_conversation(_parse_id(args.id), " ".join(args.title))
    return 0


def cmd_delete_conversation(args, ctx) -> int:
    with _open_store(ctx) as store:
        cid = _parse_id(args.id)
        title = store.get_conversation(cid)["title"]
        store.delete_conversation(cid)
    print(f"Deleted conversation {cid} ({clean_name(title)})", file=sys.stderr)
    return 0


def cmd_search_conversations(args, ctx) -> int:
    from engine.cli import print_json

    with _open_store(ctx) as store:
        hits = store.search(" ".join(args.query), limit=args.limit)
    if args.json:
        print_json(hits)
    else:
        for h in hits:
            print(f"{h['conversation_id']:>5}  {clean_name(h['title'])}: {clean_name(h['snippet'])}")
    return 0


def register(sub) -> None:
    p = sub.add_parser("conversations", help="list saved conversations, newest first",
                       description="List saved chat conversations, newest first.")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--limit", type=int, default=None, metavar="N", help="show at most N")
    p.set_defaults(func=cmd_conversations)

    p = sub.add_parser("export", help="export a saved conversation as Markdown or JSON",
                       description="Export a saved conversation (to standard output by default).")
    p.add_argument("id", metavar="ID", help="conversation id (see `conversations`)")
    p.add_argument("--format", choices=("md", "json"), default="md",
                   help="md (readable, default) or json (re-importable)")
    p.add_argument("--output", "-o", metavar="FILE", help="write to FILE instead of standard output")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("import-conversation", help="import a conversation exported as JSON",
                       description="Import a conversation exported with `export --format json`; "
                       "prints the new conversation id.")
    p.add_argument("file", metavar="FILE", help="a Hearth conversation JSON file")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_import_conversation)

    p = sub.add_parser("rename-conversation", help="rename a saved conversation")
    p.add_argument("id", metavar="ID")
    p.add_argument("title", nargs="+", metavar="TITLE")
    p.set_defaults(func=cmd_rename_conversation)

    p = sub.add_parser("delete-conversation", help="delete a saved conversation")
    p.add_argument("id", metavar="ID")
    p.set_defaults(func=cmd_delete_conversation)

    p = sub.add_parser("search-conversations", help="full-text search over all saved messages")
    p.add_argument("query", nargs="+", metavar="QUERY")
    p.add_argument("--limit", type=int, default=50)
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_search_conversations)
