"""The engine's import graph points one way (issue 18 part 6): the CLI (engine/cli.py, engine/commands/) sits on
top and nothing below imports it; engine/config.py (read by everything) imports nothing from engine.remote; and
no two modules import each other (engine/remote/client.py and endpoints.py did: the shared Endpoint type now
lives in engine/endpoint_spec.py and the API keys in engine/remote/keys.py)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ENGINE = ROOT / "engine"


def _module(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every module name an import statement anywhere in the file (functions included) names."""
    mod = _module(path)
    pkg = mod.split(".") if path.name == "__init__.py" else mod.split(".")[:-1]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(pkg[:len(pkg) - node.level + 1] + ([base] if base else []))
            out.add(base)
            out.update(f"{base}.{a.name}" for a in node.names)
    return out


def _graph() -> dict[str, set[str]]:
    files = {_module(p): p for p in ENGINE.rglob("*.py")}
    return {m: {d for d in _imports(p) if d in files and d != m} for m, p in files.items()}


def _under(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def test_only_the_cli_imports_the_cli():
    """engine/hub/commands.py (search, files, pull, downloads, token) was the one CLI module outside
    engine/commands and imported engine.cli; it is engine/commands/hub.py now."""
    offenders = sorted((m, d) for m, deps in _graph().items()
                       if not (_under(m, "engine.commands") or m == "engine.cli")
                       for d in deps if _under(d, "engine.commands") or d == "engine.cli")
    assert offenders == []
    assert not (ENGINE / "hub" / "commands.py").exists()


def test_every_cli_module_is_under_engine_commands():
    from engine import cli

    assert all(name.startswith("engine.commands.") for name in cli.COMMAND_MODULES)
    assert "engine.commands.hub" in cli.COMMAND_MODULES
    commands = set(cli.build_parser()._subparsers._group_actions[0].choices)
    assert {"search", "files", "pull", "downloads", "token"} <= commands


def test_config_does_not_import_engine_remote():
    deps = _imports(ENGINE / "config.py")
    assert not any(_under(d, "engine.remote") for d in deps), sorted(d for d in deps if d.startswith("engine."))


def test_no_two_engine_modules_import_each_other():
    g = _graph()
    pairs = sorted((a, b) for a, deps in g.items() for b in deps
                   if a < b and a in g.get(b, ())
                   and not (_under(a, b) or _under(b, a)))   # a package and its own submodule: not a loop
    assert pairs == []


def test_the_remote_client_does_not_need_the_registry():
    g = _graph()
    assert "engine.remote.endpoints" not in g["engine.remote.client"]
    assert "engine.remote.client" not in g["engine.endpoint_spec"]
    assert not any(_under(d, "engine.remote") for d in g["engine.endpoint_spec"])
    # The old names still work for callers of engine.remote.endpoints.
    from engine.endpoint_spec import Endpoint
    from engine.remote import endpoints, keys

    assert endpoints.Endpoint is Endpoint and endpoints.get_api_key is keys.get_api_key
