"""Command line: every GUI feature, scriptable, sharing the engine code.

Exit codes (a contract relied on by IT scripts):
    0 success, 2 bad input (message on stderr), 3 engine failure
    (host crashed, out of memory; message on stderr), 130 cancelled (Ctrl+C).

Commands live in modules that each expose ``register(subparsers)``; a command
sets ``func(args, ctx) -> int`` with ``parser.set_defaults(func=...)``.
New panes add their module to ``COMMAND_MODULES``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import sys

from engine.errors import BadInputError, CancelledError, HearthError

COMMAND_MODULES = [
    "engine.commands.core",          # doctor, check-model, models, import, chat
    "engine.commands.conversations",  # conversations, export, import-conversation
    "engine.commands.hub",           # search, files, pull, downloads, token
    "engine.commands.documents",     # extract
    "engine.commands.summarize",     # summarize, summaries, export-summary
    "engine.commands.compare",       # compare, eval
    "engine.commands.leaderboard",   # leaderboard, vote, votes list|export|delete
    "engine.commands.plan",          # plan
    "engine.commands.serve",         # serve (a local OpenAI-compatible API)
    "engine.commands.endpoints",     # endpoints add|list|remove|test (company inference servers)
    "engine.commands.ask",           # collections add|list|remove, index, retrieve, ask (your documents)
]

EXIT_OK, EXIT_BAD_INPUT, EXIT_ENGINE, EXIT_CANCELLED = 0, 2, 3, 130

log = logging.getLogger("engine.cli")


class Context:
    """Lazily built shared objects for a command (config, library...)."""

    def __init__(self):
        self._config = None
        self._library = None

    @property
    def config(self):
        if self._config is None:
            from engine.config import AppConfig

            self._config = AppConfig.load()
        return self._config

    @property
    def library(self):
        if self._library is None:
            from engine.library import ModelLibrary

            self._library = ModelLibrary(self.config)
        return self._library


def print_json(obj) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2, default=str) + "\n")
    sys.stdout.flush()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hearth", description="Hearth: run language models privately on this computer. "
        "Without a command, the desktop app starts.")
    from engine import __version__

    parser.add_argument("--version", action="version", version=f"Hearth {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            mod = importlib.import_module(name)
        except ModuleNotFoundError as e:
            if e.name == name:
                continue  # a pane whose engine half is not there yet
            raise
        mod.register(sub)
    return parser


_NOT_GIVEN = object()


def options_given(argv: list[str] | None) -> set[str] | None:
    """The destinations of the options actually written on the command line (``--ctx 0`` counts,
    a default does not), found by parsing again with every default replaced by a marker.
    Commands use it to tell a user who asked for something the administrator pins that it is pinned."""
    try:
        parser = build_parser()
        parsers = [parser]
        while parsers:
            p = parsers.pop()
            for action in p._actions:   # argparse has no public list of a parser's actions
                if isinstance(action, argparse._SubParsersAction):
                    parsers.extend(action.choices.values())
                elif action.dest not in (argparse.SUPPRESS, "help", "version"):
                    action.default = _NOT_GIVEN
        ns = parser.parse_args(argv)
    except (Exception, SystemExit):
        return None
    return {k for k, v in vars(ns).items() if v is not _NOT_GIVEN}


def _setup_logging(ctx: "Context") -> None:
    """The rotating log file in the log folder; a broken config must not stop the command here."""
    from engine import logs

    try:
        config = ctx.config
    except Exception:
        from engine.config import resolve_paths, Policy

        try:
            log_dir = resolve_paths(Policy()).log_dir
        except Exception:
            return
        logs.setup_logging(log_dir, debug=logs.debug_from_env(), component="cli")
        return
    logs.setup_logging(config.paths.log_dir, debug=logs.debug_enabled(config.settings, config.policy),
                       component="cli")


def _warn_invalid_policy(ctx: "Context") -> None:
    """An invalid policy file never stops a command: online is off, and stderr says which line is wrong."""
    try:
        problem = ctx.config.policy.problem()
    except Exception:
        return
    if problem:
        log.warning("%s", problem)
        print(f"hearth: warning: {problem}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    ctx = Context()
    try:
        _setup_logging(ctx)
    except Exception:
        pass  # no log file: commands still run; an unexpected error then says so
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if not getattr(args, "func", None):
            parser.print_help(sys.stderr)
            return EXIT_BAD_INPUT
        args.argv = argv   # for options_given, asked only by commands that apply the administrator's locks
        log.info("command %s", args.command)
        _warn_invalid_policy(ctx)
        return int(args.func(args, ctx) or 0)
    except CancelledError as e:
        print(f"hearth: cancelled{': ' + str(e) if str(e) else ''}", file=sys.stderr)
        return EXIT_CANCELLED
    except KeyboardInterrupt:
        print("hearth: cancelled", file=sys.stderr)
        return EXIT_CANCELLED
    except BadInputError as e:
        print(f"hearth: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except HearthError as e:
        log.info("command failed: %s", e)
        print(f"hearth: {e}", file=sys.stderr)
        return e.exit_code
    except BrokenPipeError:
        return EXIT_OK  # output piped into `head`
    except MemoryError:
        log.error("out of memory", exc_info=True)
        print("hearth: out of memory", file=sys.stderr)
        return EXIT_ENGINE
    except Exception as e:
        # A bug, not something the user can fix: the traceback goes to the log, one line to stderr.
        from engine import logs

        log.error("unexpected error", exc_info=True)
        msg = " ".join(str(e).split())
        if len(msg) > 300:
            msg = msg[:300] + "…"
        print(f"hearth: unexpected error: {type(e).__name__}{': ' + msg if msg else ''} ({logs.where()})",
              file=sys.stderr)
        return EXIT_ENGINE


if __name__ == "__main__":
    sys.exit(main())
