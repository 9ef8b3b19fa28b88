"""Lazy command registration (engine/cli.py): `hearth --help`, every `hearth CMD --help` and the parsing
are what registering every module at start gave, but a command imports only its own module."""

from __future__ import annotations

import argparse
import importlib
import json
import os
import subprocess
import sys

import pytest

from engine import cli
from tests.conftest import ROOT

# Imported by some command (or what it runs) but never by a light one such as `collections list`.
HEAVY = ("llama_cpp", "huggingface_hub", "numpy", "pypdf", "docx", "asyncio", "engine.host", "engine.serve",
         "engine.compare", "engine.hub", "engine.remote")


def _eager_parser() -> argparse.ArgumentParser:
    """The parser as it was built before: every module imported and registered at once."""
    parser = argparse.ArgumentParser(
        prog="hearth", description="Hearth: run language models privately on this computer. "
        "Without a command, the desktop app starts.")
    from engine import __version__

    parser.add_argument("--version", action="version", version=f"Hearth {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in cli.COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def _subparsers(parser) -> argparse._SubParsersAction:
    return next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))


def _all_commands(parser, prefix=()) -> list[tuple[str, ...]]:
    out = []
    for a in parser._actions:
        if isinstance(a, argparse._SubParsersAction):
            for name, sub in a.choices.items():
                out.append((*prefix, name))
                out.extend(_all_commands(sub, (*prefix, name)))
    return out


def test_the_table_names_each_modules_commands_in_order_with_their_help():
    for module, commands in cli.COMMANDS.items():
        sub = argparse.ArgumentParser(prog="hearth").add_subparsers()
        importlib.import_module(module).register(sub)
        registered = [(a.dest, a.help) for a in sub._choices_actions]
        assert registered == list(commands), module


def test_help_and_every_commands_help_are_those_of_eager_registration(monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    eager = _eager_parser()
    assert cli.build_parser().format_help() == eager.format_help()
    commands = _all_commands(eager)
    assert len(commands) > 40 and ("collections", "list") in commands and ("votes", "export") in commands
    for path in commands:
        lazy = cli.build_parser()
        _subparsers(lazy).load(path[0])
        want, got = eager, lazy
        for name in path:
            want, got = _subparsers(want).choices[name], _subparsers(got).choices[name]
        assert got.format_help() == want.format_help(), path
        assert got.prog == want.prog


@pytest.mark.parametrize("argv", [
    ["retrieve", "docs", "a question", "--top-k", "3", "--json"],
    ["collections", "add", "docs", "/tmp/a", "/tmp/b"],
    ["chat", "--ctx", "0", "--temperature", "0.5", "hello", "there"],
    ["votes", "list", "--json"],
    ["endpoints"],
])
def test_parsing_gives_what_eager_registration_gave(argv):
    want, got = vars(_eager_parser().parse_args(argv)), vars(cli.build_parser().parse_args(argv))
    assert got.pop("func").__qualname__ == want.pop("func").__qualname__
    assert got == want


def test_errors_are_those_of_eager_registration(capsys):
    for argv in (["nonexistent"], ["retrieve"], ["retrieve", "docs", "q", "--nope"], ["collections"]):
        outputs = []
        for parser in (_eager_parser(), cli.build_parser()):
            with pytest.raises(SystemExit) as e:
                parser.parse_args(argv)
            outputs.append((e.value.code, capsys.readouterr()))
        assert outputs[0] == outputs[1], argv


def test_options_given_still_tells_written_flags_from_defaults():
    given = cli.options_given(["chat", "--ctx", "0", "--temperature", "0.5", "hello"])
    assert {"ctx", "temperature", "prompt"} <= given
    assert not given & {"top_p", "seed", "gpu_layers", "max_tokens", "flash_attn"}
    assert cli.options_given(["chat", "--nope"]) is None


_LIGHT = r"""
import json, sys
from engine.cli import build_parser, main
parser = build_parser()
parser.format_help()
rc = main(sys.argv[1:])
print(json.dumps({"rc": rc, "modules": sorted(sys.modules)}))
"""


def _modules_after(*argv, home) -> tuple[int, list[str], str]:
    r = subprocess.run([sys.executable, "-c", _LIGHT, *argv], cwd=ROOT, capture_output=True, text=True,
                       env={**os.environ, "HEARTH_HOME": str(home), "PYTHONPATH": str(ROOT)}, timeout=120)
    assert r.returncode == 0, r.stderr
    last = json.loads(r.stdout.strip().splitlines()[-1])
    return last["rc"], last["modules"], r.stdout


def _loaded(modules, names):
    return sorted(m for m in modules for n in names if m == n or m.startswith(n + "."))


def test_a_light_command_imports_no_heavy_module_nor_other_commands(tmp_path):
    rc, modules, out = _modules_after("collections", "list", "--json", home=tmp_path / "home")
    assert rc == 0
    assert _loaded(modules, HEAVY) == []
    assert [m for m in modules if m.startswith("engine.commands.")] == ["engine.commands.ask"]


def test_retrieve_imports_no_heavy_module(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "notes.md").write_text("The budget was raised by 4 percent.\n", encoding="utf-8")
    home = tmp_path / "home"
    env = {**os.environ, "HEARTH_HOME": str(home)}
    for args in (["collections", "add", "notes", str(tmp_path / "docs")], ["index", "notes", "--embed-model", "none"]):
        r = subprocess.run([sys.executable, str(ROOT / "main.py"), *args], cwd=ROOT, env=env, capture_output=True,
                           text=True, timeout=120)
        assert r.returncode == 0, r.stderr
    rc, modules, out = _modules_after("retrieve", "notes", "budget", "--json", "--embed-model", "none", home=home)
    assert rc == 0 and '"notes.md"' in out
    assert _loaded(modules, HEAVY) == []
