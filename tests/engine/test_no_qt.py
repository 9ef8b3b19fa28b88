"""The engine is a plain Python library: it never imports Qt."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


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
    r = subprocess.run([sys.executable, "-m", "importlinter.cli", "--config", "pyproject.toml"], cwd=ROOT,
                       capture_output=True, text=True)
    if "No module named" in r.stderr:
        import pytest

        pytest.skip("import-linter not installed")
    assert r.returncode == 0, r.stdout + r.stderr
