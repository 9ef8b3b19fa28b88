"""serve: the loaded model as a local OpenAI-compatible API.

    python main.py serve [--model M] [--port N] [--host 127.0.0.1] [--api-key-stdin] [--yes-expose]
                         [--allow-origin ORIGIN]... [--allow-host NAME]... [--max-body-mb N]

Off unless run. Loopback only by default; binding to another address needs an
API key of at least 16 characters (``--api-key-stdin``) and ``--yes-expose``.
Web pages are kept out (``engine.serve.guard``): only the bound address,
``localhost`` and ``--allow-host`` names are answered, bodies must be JSON,
and a browser's request from an origin not given with ``--allow-origin`` is
refused; a body over ``--max-body-mb`` (8) is refused with 413. A policy with
``"disable": ["serve"]`` forbids it. Prints one line when ready:
``Hearth serves MODEL at http://127.0.0.1:PORT/v1`` (``--port 0`` picks a free
port). Ctrl+C stops it: requests in flight are cancelled, the model is
unloaded, exit 130 (like every command's Ctrl+C); SIGTERM stops it the same
way with exit 0.
"""

from __future__ import annotations

import logging
import secrets
import signal
import sys

from engine.commands import read_api_key_stdin
from engine.errors import BadInputError
from engine.printable import clean_name
from engine.serve.guard import DEFAULT_MAX_BODY_MB, MIN_API_KEY_LENGTH, Access
from engine.serve.listen import DEFAULT_PORT, bind, is_loopback

log = logging.getLogger("engine.serve")


def cmd_serve(args, ctx) -> int:
    policy = ctx.config.policy
    if not policy.allows("serve"):
        raise BadInputError("serving is switched off by your administrator")
    if not 0 <= args.port <= 65535:
        raise BadInputError(f"--port must be between 0 and 65535 (got {args.port})")
    loopback = is_loopback(args.host)
    if not loopback and not (args.api_key_stdin and args.yes_expose):
        raise BadInputError(f"serving on {args.host} (not this computer only) needs an API key "
                            "(--api-key-stdin) and the confirmation --yes-expose")
    access = Access.make(args.allow_origin, args.allow_host, args.max_body_mb)
    api_key = read_api_key_stdin() if args.api_key_stdin else None
    if not loopback and len(api_key) < MIN_API_KEY_LENGTH:
        raise BadInputError(f"an API key for serving on {args.host} must be at least {MIN_API_KEY_LENGTH} "
                            f"characters long (this one has {len(api_key)}); for example this one, made just now: "
                            f"{secrets.token_urlsafe(24)}")
    try:
        import uvicorn  # noqa: F401
        import sse_starlette  # noqa: F401
        import starlette  # noqa: F401
    except ImportError as e:
        raise BadInputError(f"serving needs the 'serve' extra ({e.name} is missing): "
                            "pip install 'hearth[serve]'") from None

    from engine.commands.core import load_options_from_args, resolve_model
    from engine.serve.worker import ModelWorker

    entry = resolve_model(ctx, args.model)
    opts = load_options_from_args(args)
    pinned = policy.pin_load({"n_ctx": opts.n_ctx, "gpu_layers": opts.gpu_layers})
    opts.n_ctx, opts.gpu_layers = pinned["n_ctx"], pinned["gpu_layers"]
    sock = bind(args.host, args.port)   # before loading: a taken port fails fast

    worker = ModelWorker(entry.path, opts, log_dir=ctx.config.paths.log_dir,
                         on_notice=lambda t: print(f"hearth: {t}", file=sys.stderr, flush=True))
    try:
        worker.start()
        worker.wait_ready()
        return _serve(args, ctx, entry, worker, sock, api_key, loopback, access)
    finally:
        worker.stop()
        sock.close()


def _serve(args, ctx, entry, worker, sock, api_key, loopback, access) -> int:
    import uvicorn

    from engine.serve.app import ServeState, create_app

    host, port = sock.getsockname()[:2]
    state = ServeState(worker, entry.name, api_key=api_key, policy=ctx.config.policy,
                       aliases=(entry.path.name, entry.path.stem), access=access, bound=(args.host, host))
    app = create_app(state)
    shown = f"[{host}]" if ":" in host else host

    class Server(uvicorn.Server):
        stop_signal = None

        async def startup(self, sockets=None):
            await super().startup(sockets=sockets)
            if not self.should_exit:
                print(f"Hearth serves {clean_name(entry.name)} at http://{shown}:{port}/v1", flush=True)
                if not loopback:
                    print(f"hearth: reachable from other computers on {host}; requests need the API key",
                          file=sys.stderr, flush=True)

        def handle_exit(self, sig, frame):
            # Remember the signal instead of re-raising it after shutdown: the exit code says it.
            self.stop_signal = sig
            try:
                from sse_starlette.sse import AppStatus

                AppStatus.should_exit = True   # open streams end
            except Exception:
                pass
            worker.client.cancel()             # generation in flight stops now
            if self.should_exit and sig == signal.SIGINT:
                self.force_exit = True
            else:
                self.should_exit = True

    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off",
                            timeout_graceful_shutdown=5)
    server = Server(config)
    log.info("serving %s on %s:%s (api key %s)", entry.name, host, port, "set" if api_key else "not set")
    server.run(sockets=[sock])
    log.info("stopped serving (%s)", server.stop_signal)
    if server.stop_signal == signal.SIGINT:
        print("hearth: stopped serving", file=sys.stderr)
        return 130
    return 0


def register(sub) -> None:
    p = sub.add_parser("serve", help="serve a model as a local OpenAI-compatible API (/v1)")
    p.add_argument("--model", help="model path or library name (default: the starter model)")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1: this computer only)")
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT}; 0: any free port)")
    p.add_argument("--api-key-stdin", action="store_true",
                   help="read an API key from standard input; requests then need 'Authorization: Bearer KEY'")
    p.add_argument("--yes-expose", action="store_true",
                   help="confirm serving on an address other computers can reach (needs --api-key-stdin)")
    p.add_argument("--allow-origin", action="append", default=[], metavar="ORIGIN",
                   help="a web page origin (like https://app.example) whose requests are answered, with CORS; "
                        "repeatable (default: none: browsers' cross-origin requests are refused)")
    p.add_argument("--allow-host", action="append", default=[], metavar="NAME",
                   help="another name of this computer to answer to in the Host header (besides the address "
                        "listened on and localhost); repeatable")
    p.add_argument("--max-body-mb", type=int, default=DEFAULT_MAX_BODY_MB, metavar="N",
                   help=f"refuse request bodies over N MB with 413 (default {DEFAULT_MAX_BODY_MB})")
    p.add_argument("--ctx", type=int, default=0, help="context length (default: the model's, capped at 8192)")
    p.add_argument("--gpu-layers", default="auto", help="N, auto or all")
    p.add_argument("--threads", type=int, help="CPU threads (default: the host's share of the cores)")
    p.set_defaults(func=cmd_serve)
