"""The engine is a plain Python library: it never imports Qt."""

import importlib.util
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# `python -m importlinter.cli` is not a runnable module (no __main__ guard: it exits 0 having
# checked nothing), so call the function behind the `lint-imports` command.
LINT = ("import sys\n"
        "from importlinter.cli import lint_imports\n"
        "sys.exit(lint_imports(config_filename=sys.argv[1], no_cache=True, no_logo=True))\n")


def lint_imports(config: Path, cwd: Path) -> subprocess.CompletedProcess:
    if importlib.util.find_spec("importlinter") is None:
        pytest.skip("import-linter is not installed (pip install -e '.[test]')")
    # Anything else that goes wrong (another module missing, a bad config) fails the test.
    return subprocess.run([sys.executable, "-c", LINT, str(config)], cwd=cwd, capture_output=True, text=True)


def test_engine_imports_without_qt():
    code = (
        "import sys, pkgutil, importlib, engine\n"
        "for m in pkgutil.walk_packages(engine.__path__, 'engine.'):\n"
        "    importlib.import_module(m.name)\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'PyQt5', 'PyQt6', 'gui')]\n"
        "assert not bad, bad\n"
    )
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def test_import_linter_contract():
    r = lint_imports(ROOT / "pyproject.toml", ROOT)
    assert r.returncode == 0, r.stdout + r.stderr
    # It really analysed the code and checked the contract.
    assert "The engine never imports Qt or the GUI KEPT" in r.stdout, r.stdout
    assert "0 broken" in r.stdout, r.stdout


def test_import_linter_catches_a_qt_import(tmp_path):
    """The same kind of contract on a package that does import Qt is reported broken: the check can fail."""
    pkg = tmp_path / "canary_engine"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "worker.py").write_text("from PySide6 import QtCore  # noqa: F401\n")
    cfg = tmp_path / "pyproject.toml"
    cfg.write_text(textwrap.dedent("""
        [tool.importlinter]
        root_packages = ["canary_engine"]
        include_external_packages = true

        [[tool.importlinter.contracts]]
        name = "The canary never imports Qt"
        type = "forbidden"
        source_modules = ["canary_engine"]
        forbidden_modules = ["PySide6"]
    """))
    r = lint_imports(cfg, tmp_path)
    assert r.returncode != 0, r.stdout + r.stderr
    assert "The canary never imports Qt BROKEN" in r.stdout, r.stdout + r.stderr
    assert "canary_engine.worker" in r.stdout
