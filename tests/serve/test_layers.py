"""engine/serve is a library: the CLI (engine/commands/serve.py) uses it, never the other way round (issue 18
part 6: background.py imported is_loopback and _bind from the CLI module; they live in engine/serve/listen.py)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_engine_serve_does_not_import_the_cli():
    for path in sorted((ROOT / "engine" / "serve").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            assert not any(n == "engine.commands" or n.startswith("engine.commands.") for n in names), path.name
