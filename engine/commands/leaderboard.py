"""Blind votes and the Bradley–Terry leaderboard from the command line.

    python main.py leaderboard [--json] [--tag T] [--resamples N] [--seed N]
    python main.py vote --left MODEL --right MODEL --outcome a|b|tie|both_bad [--tag T] [--comparison ID]
    python main.py votes list [--json] [--tag T]
    python main.py votes export [--format csv|jsonl] --output FILE [--tag T]
    python main.py votes delete ID

``--outcome a``: the left model was better; ``b``: the right one.
"""

from __future__ import annotations

import sys
from pathlib import Path

from engine.errors import BadInputError
from engine.printable import clean_name

MIN_CLI_RESAMPLES = 100


def _open(ctx):
    from engine.compare.votes import VoteStore
    from engine.store import Store

    store = Store.open_default(ctx.config)
    return store, VoteStore(store)


def _tag(args) -> str | None:
    tag = " ".join((getattr(args, "tag", None) or "").split())
    return tag or None


def _fmt(x: float) -> str:
    return f"{x:.0f}"


def cmd_leaderboard(args, ctx) -> int:
    from engine.compare.leaderboard import MAX_RESAMPLES

    if not MIN_CLI_RESAMPLES <= args.resamples <= MAX_RESAMPLES:
        raise BadInputError(f"--resamples must be between {MIN_CLI_RESAMPLES} and {MAX_RESAMPLES:,}")
    store, votes = _open(ctx)
    try:
        board = votes.leaderboard(tag=_tag(args), resamples=args.resamples, seed=args.seed)
    finally:
        store.close()
    if args.json:
        from engine.cli import print_json

        print_json(board.to_json())
        return 0
    if not board.models:
        where = f" with the tag {board.tag!r}" if board.tag else ""
        print(f"No votes{where} yet: vote in the comparison pane, or with `vote --left MODEL --right "
              f"MODEL --outcome a|b|tie|both_bad`.")
        return 0
    pct = f"{board.confidence:.0%}"
    width = max(5, *(len(clean_name(m.model)) for m in board.models))
    print(f"{'Rank':>4}  {'Model':<{width}}  {'Rating':>6}  {pct + ' interval':>13}  "
          f"{'Votes':>5}  {'Wins':>4}  {'Losses':>6}  {'Ties':>4}  {'Both bad':>8}")
    for m in board.models:
        interval = f"{_fmt(m.ci_low)}–{_fmt(m.ci_high)}"
        print(f"{m.rank:>4}  {clean_name(m.model):<{width}}  {_fmt(m.rating):>6}  {interval:>13}  {m.votes:>5}  "
              f"{m.wins:>4}  {m.losses:>6}  {m.ties:>4}  {m.both_bad:>8}")
    pb = board.position_bias
    line = f"{board.votes} votes{' tagged ' + repr(board.tag) if board.tag else ''}; Bradley–Terry fit, " \
           f"{board.resamples:,} bootstrap resamples; rank ties where intervals overlap."
    print(line)
    if pb.left_win_rate is not None:
        print(f"Left column won {pb.left_win_rate:.0%} of {pb.decisive} decisive votes.")
    if pb.warning:
        print(f"Warning: {pb.warning}")
    return 0


def cmd_vote(args, ctx) -> int:
    store, votes = _open(ctx)
    try:
        vid = votes.add_vote(args.left, args.right, args.outcome, comparison_id=args.comparison,
                             tags=args.tag or [])
        row = votes.get(vid)
    finally:
        store.close()
    if args.json:
        from engine.cli import print_json

        print_json(row)
    else:
        print(vid)
    return 0


def cmd_votes_list(args, ctx) -> int:
    store, votes = _open(ctx)
    try:
        rows = votes.list_votes(tag=_tag(args))
    finally:
        store.close()
    if args.json:
        from engine.cli import print_json

        print_json(rows)
        return 0
    names = {"a": "left better", "b": "right better", "tie": "tie", "both_bad": "both bad"}
    for r in rows:
        tags = f"  [{clean_name(r['tags'])}]" if r["tags"] else ""
        print(f"{r['id']:>5}  {r['created_at'][:16].replace('T', ' ')}  {clean_name(r['model_a'])}  vs  {clean_name(r['model_b'])}: "
              f"{names[r['outcome']]}{tags}")
    return 0


def cmd_votes_export(args, ctx) -> int:
    fmt = args.format
    if fmt is None:
        suffix = Path(args.output).suffix.lower()
        fmt = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}.get(suffix)
        if fmt is None:
            raise BadInputError("say which format to export: --format csv or --format jsonl")
    store, votes = _open(ctx)
    try:
        n = (votes.export_csv if fmt == "csv" else votes.export_jsonl)(args.output, tag=_tag(args))
    finally:
        store.close()
    print(f"Exported {n} vote{'s' if n != 1 else ''} to {args.output}", file=sys.stderr)
    return 0


def cmd_votes_delete(args, ctx) -> int:
    try:
        vid = int(str(args.id).strip())
    except ValueError:
        raise BadInputError(f"a vote id is a number, not {args.id!r}") from None
    store, votes = _open(ctx)
    try:
        votes.delete(vid)
    finally:
        store.close()
    print(f"Deleted vote {vid}", file=sys.stderr)
    return 0


def _votes_without_action(args, ctx) -> int:
    raise BadInputError("say what to do with the votes: `votes list`, `votes export` or `votes delete ID`")


def register(sub) -> None:
    from engine.compare.leaderboard import DEFAULT_RESAMPLES, DEFAULT_SEED

    p = sub.add_parser("leaderboard", help="model ratings from blind votes (Bradley–Terry, bootstrap intervals)")
    p.add_argument("--json", action="store_true")
    p.add_argument("--tag", help="only votes with this tag (category)")
    p.add_argument("--resamples", type=int, default=DEFAULT_RESAMPLES,
                   help=f"bootstrap resamples for the intervals (default {DEFAULT_RESAMPLES})")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED, help="seed of the bootstrap (reproducible intervals)")
    p.set_defaults(func=cmd_leaderboard)

    p = sub.add_parser("vote", help="record a vote between two models (for scripts)")
    p.add_argument("--left", required=True, help="the model shown on the left")
    p.add_argument("--right", required=True, help="the model shown on the right")
    p.add_argument("--outcome", required=True, choices=("a", "b", "tie", "both_bad"),
                   help="a: left better, b: right better, tie, both_bad")
    p.add_argument("--tag", action="append", help="a category tag (repeat for several)")
    p.add_argument("--comparison", type=int, help="the stored comparison this vote is about")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_vote)

    p = sub.add_parser("votes", help="list, export or delete stored votes")
    p.set_defaults(func=_votes_without_action)
    vs = p.add_subparsers(dest="votes_command", metavar="ACTION")
    q = vs.add_parser("list", help="list the votes, oldest first")
    q.add_argument("--json", action="store_true")
    q.add_argument("--tag", help="only votes with this tag")
    q.set_defaults(func=cmd_votes_list)
    q = vs.add_parser("export", help="export the votes as CSV or JSONL")
    q.add_argument("--format", choices=("csv", "jsonl"), help="default: from the file name")
    q.add_argument("--output", required=True, help="the file to write")
    q.add_argument("--tag", help="only votes with this tag")
    q.set_defaults(func=cmd_votes_export)
    q = vs.add_parser("delete", help="delete one vote")
    q.add_argument("id")
    q.set_defaults(func=cmd_votes_delete)
