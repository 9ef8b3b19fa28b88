"""Command line: every GUI feature, scriptable, sharing the engine code.

Exit codes (a contract relied on by IT scripts):
    0 success, 2 bad input (message on stderr), 3 engine failure
    (host crashed, out of memory; message on stderr), 130 cancelled (Ctrl+C).

Commands live in modules that each expose ``register(subparsers)``; a command
sets ``func(args, ctx) -> int`` with ``parser.set_defaults(func=...)``.

A command's module is imported only when that command runs (or its ``--help`` is
asked for): ``COMMANDS`` below names each command, the module that registers it and
its one-line help, which is all ``hearth --help`` and an unknown command's error need.
So ``retrieve`` does not pay for numpy, asyncio or the model host that other commands
import. New panes add their module and its commands to ``COMMANDS`` (in the order the
module registers them; tests/cli/test_lazy_commands.py checks the table against the
modules).
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import logging
import sys

from engine.errors import BadInputError, CancelledError, HearthError

# module -> its commands, each (name, the help `hearth --help` lists), in the order the module registers them.
COMMANDS: dict[str, tuple[tuple[str, str], ...]] = {
    "engine.commands.core": (
        ("doctor", "versions, backend, devices, memory, data folders"),
        ("check-model", "validate a GGUF file (exit 0 valid, 2 not)"),
        ("models", "list the model library"),
        ("import-model", "add a local GGUF file to the library"),
        ("delete-model", "delete a model from the library"),
        ("chat", "send a prompt to a model and stream the reply"),
    ),
    "engine.commands.conversations": (
        ("conversations", "list saved conversations, newest first"),
        ("export", "export a saved conversation as Markdown or JSON"),
        ("import-conversation", "import a conversation exported as JSON"),
        ("rename-conversation", "rename a saved conversation"),
        ("delete-conversation", "delete a saved conversation"),
        ("search-conversations", "full-text search over all saved messages"),
    ),
    "engine.commands.hub": (
        ("search", "search GGUF models on the Hugging Face Hub"),
        ("files", "list a repository's GGUF files with a fit estimate for this machine"),
        ("pull", "download a GGUF model (resumable, verified) into the library"),
        ("downloads", "unfinished downloads: the queue and partial files found without a queue entry "
                      "(resume them with pull)"),
        ("token", "store or remove the Hugging Face access token (OS keyring)"),
    ),
    "engine.commands.documents": (
        ("extract", "print the text of a document as Hearth reads it"),
    ),
    "engine.commands.summarize": (
        ("summarize", "summarise a whole document (PDF, DOCX, TXT, Markdown, HTML)"),
        ("summaries", "list stored summaries"),
        ("export-summary", "write a stored summary as Markdown or DOCX"),
    ),
    "engine.commands.compare": (
        ("compare", "send one prompt to 2-4 models and show the answers side by side"),
        ("eval", "score 1-4 models on a question set (JSONL or CSV)"),
    ),
    "engine.commands.leaderboard": (
        ("leaderboard", "model ratings from blind votes (Bradley–Terry, bootstrap intervals)"),
        ("vote", "record a vote between two models (for scripts)"),
        ("votes", "list, export or delete stored votes"),
    ),
    "engine.commands.plan": (
        ("plan", "plan GPU offload: layers and memory per device for a model"),
    ),
    "engine.commands.serve": (          # a local OpenAI-compatible API
        ("serve", "serve a model as a local OpenAI-compatible API (/v1)"),
    ),
    "engine.commands.endpoints": (      # company inference servers: endpoints add|list|remove|test
        ("endpoints", "company inference servers (OpenAI-compatible) as model sources"),
    ),
    "engine.commands.ask": (            # your documents: collections add|list|remove
        ("collections", "named sets of files and folders to ask questions about"),
        ("index", "index a collection's documents (unchanged files are skipped)"),
        ("retrieve", "the passages of a collection that best match a query (no chat model)"),
        ("ask", "answer a question from a collection's documents, citing file and page"),
    ),
}
COMMAND_MODULES = list(COMMANDS)

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


class _LazyCommands(argparse._SubParsersAction):
    """The COMMAND subparsers: every command of ``COMMANDS`` is listed (name and help) from the table;
    its module is imported, and registers its real parser in place of the stand-in, only when the
    command is the one on the command line."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._module_of: dict[str, str] = {}   # command -> module, while its parser is a stand-in

    def add_stand_in(self, name: str, module: str, help: str) -> None:
        super().add_parser(name, help=help)
        self._module_of[name] = module

    def add_parser(self, name, **kwargs):
        if name not in self._module_of:
            return super().add_parser(name, **kwargs)
        # The module registers a listed command: its parser takes the stand-in's place (same position in
        # the choices, the help line already listed from the table).
        del self._module_of[name]
        kwargs.pop("help", None)
        aliases = kwargs.pop("aliases", ())
        if kwargs.get("prog") is None:
            kwargs["prog"] = f"{self._prog_prefix} {name}"
        parser = self._parser_class(**kwargs)
        self._name_parser_map[name] = parser
        for alias in aliases:
            self._name_parser_map[alias] = parser
        return parser

    def load(self, name: str) -> None:
        """Import the module of command ``name`` (if not yet) and let it register its commands."""
        module = self._module_of.get(name)
        if module is not None:
            importlib.import_module(module).register(self)

    def __call__(self, parser, namespace, values, option_string=None):
        self.load(values[0])
        super().__call__(parser, namespace, values, option_string)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hearth", description="Hearth: run language models privately on this computer. "
        "Without a command, the desktop app starts.")
    from engine import __version__

    parser.add_argument("--version", action="version", version=f"Hearth {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", action=_LazyCommands)
    for module, commands in COMMANDS.items():
        if importlib.util.find_spec(module) is None:
            continue  # a pane whose engine half is not there yet
        for name, help in commands:
            sub.add_stand_in(name, module, help)
    return parser


_NOT_GIVEN = object()


def options_given(argv: list[str] | None) -> set[str] | None:
    """The destinations of the options actually written on the command line (``--ctx 0`` counts,
    a default does not), found by parsing again with every default replaced by a marker.
    Commands use it to tell a user who asked for something the administrator pins that it is pinned."""
    try:
        parser = build_parser()
        parser.parse_args(argv)   # once as given: the command's own parser takes its stand-in's place
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
