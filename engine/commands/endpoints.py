"""``endpoints``: company inference servers (OpenAI-compatible) as model sources.

    python main.py endpoints add NAME URL [--api-key-stdin] [--ca-bundle FILE] [--no-verify] [--allow-insecure-key]
    python main.py endpoints list [--json]
    python main.py endpoints remove NAME
    python main.py endpoints test NAME [--json]

``add``, ``list`` and ``remove`` contact nothing; ``test`` asks the server for
its models. A remote model is then used as ``NAME:MODEL_ID`` with ``chat``,
``summarize`` and ``compare``. The API key is read from standard input and kept
only in the OS keyring. An API key is refused for a plain http:// URL to another
computer (it would cross the network unencrypted) unless ``--allow-insecure-key``
says the network is trusted; http:// to this computer (localhost) is fine.
"""

from __future__ import annotations

import sys

from engine.commands import read_api_key_stdin
from engine.printable import clean_name


def _registry(ctx):
    from engine.remote.endpoints import EndpointRegistry

    return EndpointRegistry(ctx.config)


def cmd_add(args, ctx) -> int:
    from engine.endpoint_spec import check_url, key_travels_in_clear
    from engine.errors import BadInputError

    reg = _registry(ctx)
    if args.api_key_stdin and not args.allow_insecure_key and key_travels_in_clear(check_url(args.url)):
        # Before reading the key: it would cross the network unencrypted.
        raise BadInputError(f"{clean_name(args.url.strip())} is plain http:// to another computer, so the API key "
                            "would cross the network unencrypted: use an https:// URL, or add --allow-insecure-key "
                            "if this network is trusted")
    key = read_api_key_stdin() if args.api_key_stdin else None
    ep = reg.add(args.name, args.url, verify=not args.no_verify, ca_bundle=args.ca_bundle, api_key=key,
                 allow_insecure_key=args.allow_insecure_key)
    extra = []
    if key:
        extra.append("API key in the keyring")
    if ep.allow_insecure_key:
        extra.append("the API key is sent unencrypted over http://")
    if not ep.verify:
        extra.append("TLS verification OFF")
    elif ep.ca_bundle:
        extra.append(f"CA bundle {clean_name(ep.ca_bundle)}")
    print(f"Added endpoint {ep.name}: {clean_name(ep.url)}" + (f" ({', '.join(extra)})" if extra else ""))
    print(f"Nothing was contacted. Check it with `endpoints test {ep.name}`; use its models as "
          f"--model {ep.name}:MODEL_ID. Your text is sent to {clean_name(ep.host_label)} when you use them.")
    return 0


def cmd_list(args, ctx) -> int:
    from engine.remote.endpoints import get_api_key

    reg = _registry(ctx)
    eps = reg.list()
    policy = ctx.config.policy
    rows = []
    for ep in eps:
        rows.append(ep.to_dict() | {"host": ep.host_label, "source": ep.source,
                                    "api_key": get_api_key(ep.name) is not None, "key_in_clear": ep.key_in_clear,
                                    "allowed": policy.remote_block(ep.host, ep.port) is None})
    if args.json:
        from engine.cli import print_json

        print_json(rows)
        return 0
    block = policy.remote_block()
    if block:
        print(f"[{block}]", file=sys.stderr)
    if not rows:
        print("No endpoints. Add one: python main.py endpoints add NAME URL [--api-key-stdin]")
    for r in rows:
        bits = [r["source"] if r["source"] == "user" else "set by your administrator"]
        bits.append("API key set" if r["api_key"] else "no API key")
        if r["api_key"] and r["key_in_clear"]:
            bits.append("the key is sent unencrypted (http://)" if r["allow_insecure_key"] else
                        "the key is not sent over http://: add it again with --allow-insecure-key")
        if not r["verify"]:
            bits.append("TLS verification off")
        elif r["ca_bundle"]:
            bits.append(f"CA bundle {clean_name(r['ca_bundle'])}")
        if not r["allowed"]:
            bits.append("not allowed by policy")
        print(f"{r['name']}  {clean_name(r['url'])}  ({', '.join(bits)})")
    return 0


def cmd_remove(args, ctx) -> int:
    ep = _registry(ctx).remove(args.name)
    print(f"Removed endpoint {ep.name} (and its API key, if one was stored)")
    return 0


def cmd_test(args, ctx) -> int:
    from engine.remote.endpoints import probe_endpoint

    ep, ids, seconds = probe_endpoint(ctx.config, args.name,
                                     on_notice=lambda t: print(f"hearth: {t}", file=sys.stderr))
    if args.json:
        from engine.cli import print_json

        print_json({"endpoint": ep.name, "url": ep.url, "host": ep.host_label, "ok": True,
                    "models": ids, "seconds": round(seconds, 3)})
        return 0
    print(f"{ep.name}: {clean_name(ep.host_label)} answered in {seconds * 1000:.0f} ms with {len(ids)} model"
          f"{'s' if len(ids) != 1 else ''}")
    for i in ids:
        print(f"  {ep.name}:{clean_name(i)}")
    return 0


def register(sub) -> None:
    p = sub.add_parser("endpoints", help="company inference servers (OpenAI-compatible) as model sources")
    esub = p.add_subparsers(dest="endpoints_command", metavar="ACTION")
    p.set_defaults(func=lambda args, ctx: (p.print_help(sys.stderr), 2)[1])

    a = esub.add_parser("add", help="add (or replace) an endpoint; contacts nothing")
    a.add_argument("name", help="a short name, used as NAME:MODEL_ID")
    a.add_argument("url", help="base URL, e.g. https://llm.intra.example/v1")
    a.add_argument("--api-key-stdin", action="store_true",
                   help="read the API key from standard input (kept in the OS keyring only)")
    a.add_argument("--ca-bundle", metavar="FILE", help="CA bundle for a company certificate authority")
    a.add_argument("--no-verify", action="store_true", help="do not verify the TLS certificate (not advised)")
    a.add_argument("--allow-insecure-key", action="store_true",
                   help="allow the API key over a plain http:// URL to another computer (anyone on the network "
                   "can read it; only for a trusted network)")
    a.set_defaults(func=cmd_add)

    a = esub.add_parser("list", help="the endpoints (contacts nothing)")
    a.add_argument("--json", action="store_true")
    a.set_defaults(func=cmd_list)

    a = esub.add_parser("remove", help="remove an endpoint and its API key")
    a.add_argument("name")
    a.set_defaults(func=cmd_remove)

    a = esub.add_parser("test", help="ask the endpoint for its models")
    a.add_argument("name")
    a.add_argument("--json", action="store_true")
    a.set_defaults(func=cmd_test)
