"""Dependency ranges that are true: everything engine/ and gui/ import is declared, each with a floor at or below
what CI installs and a cap; pyproject.toml pins the llama-cpp-python CI tests, doctor says when the installed one
is outside it, and an unexpected failure in the model process leaves its traceback in the log."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from engine import logs, versions
from engine.errors import EngineError
from engine.host.client import EngineClient

ROOT = Path(__file__).resolve().parents[2]


def _requirement(name: str) -> str:
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    return next(d for d in deps if re.match(rf"{re.escape(name)}\b", d))


def test_pyproject_pins_the_llama_cpp_python_range_doctor_checks():
    lo, hi = versions.LLAMA_CPP_PYTHON_TESTED
    assert _requirement("llama-cpp-python") == f"llama-cpp-python>={lo},<{hi}"


def test_the_installed_llama_cpp_python_is_the_tested_one():
    """CI installs from pyproject.toml: what it installed must be inside the range (a true floor)."""
    from importlib import metadata

    assert versions.llama_cpp_python_note(metadata.version("llama_cpp_python")) == ""


@pytest.mark.parametrize("installed, outside", [("0.3.36", False), ("0.3.16", True), ("0.3.37", True),
                                                ("0.4.0", True), ("0.3.36.post1", False)])
def test_doctor_note_outside_the_tested_range(installed, outside):
    note = versions.llama_cpp_python_note(installed)
    assert bool(note) == outside
    if outside:
        assert installed in note and "pip install" in note


def test_doctor_reports_the_tested_range():
    import json

    from tests.conftest import run_cli

    r = run_cli("doctor", "--json")
    out = json.loads(r.stdout)
    assert out["llama_cpp_python_tested"] == ">={},<{}".format(*versions.LLAMA_CPP_PYTHON_TESTED)
    assert out["llama_cpp_python_note"] == ""


@pytest.mark.parametrize("debug", [False, True])
def test_unexpected_host_failure_logs_its_traceback_at_every_level(tiny_model, tmp_path, monkeypatch, debug):
    monkeypatch.setenv("HEARTH_HOST_TEST_HOOK", "tests.engine.failing_host")
    log_file = logs.setup_logging(tmp_path / "logs", debug=debug, component="test")
    try:
        with EngineClient(log_dir=tmp_path / "host") as client:
            client.load(tiny_model)
            with pytest.raises(EngineError, match="argument 5"):
                client.chat([{"role": "user", "content": "my secret prompt text"}])
    finally:
        logs.shutdown_logging()
    text = log_file.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in text
    assert "stream_of_an_incompatible_binding" in text     # where it failed
    assert "my secret prompt text" not in text              # what the user typed stays out


# Extras whose packages the engine calls into (the rest of test and package are tools: pytest, PyInstaller, the
# clients the tests drive); their ranges follow the main dependencies' rule.
ENGINE_EXTRAS = ("starter", "serve")
# Imported only when present, inside try/except, and not declared on purpose: what it adds and why it is optional.
OPTIONAL_UNDECLARED = {
    "pynvml": "nvidia-ml-py: per-process GPU memory in compare's results (engine/compare/runner.py), "
              "reported as unknown without it",
}


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _requirements(where: str | None = None) -> list:
    """(where, Requirement) for every declared requirement; ``where`` is "dependencies" or an extra's name."""
    from packaging.requirements import Requirement

    project = _project()
    groups = {"dependencies": project["dependencies"], **project["optional-dependencies"]}
    return [(name, Requirement(d)) for name, deps in groups.items() for d in deps if where in (None, name)]


def _imported_distributions() -> dict[str, set[str]]:
    """Canonical distribution name -> the files of engine/ and gui/ that import it (at top level or lazily,
    inside a function); a third-party module no installed distribution provides maps to "?module". The modules
    of OPTIONAL_UNDECLARED are left out, installed or not."""
    import ast
    import sys
    from importlib import metadata

    from packaging.utils import canonicalize_name

    providers = metadata.packages_distributions()
    found: dict[str, set[str]] = {}
    for folder in ("engine", "gui"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
                if isinstance(node, ast.Import):
                    modules = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    modules = [node.module]
                else:
                    continue
                for module in modules:
                    top = module.split(".")[0]
                    if top in sys.stdlib_module_names or top in ("engine", "gui") or top in OPTIONAL_UNDECLARED:
                        continue
                    dists = providers.get(top)
                    keys = [canonicalize_name(d) for d in dists] if dists else [f"?{top}"]
                    for key in keys:
                        found.setdefault(key, set()).add(str(path.relative_to(ROOT)))
    return found


def test_every_distribution_the_engine_and_gui_import_is_declared():
    """An undeclared import works where something else happened to install it, and nowhere else."""
    from packaging.utils import canonicalize_name

    declared = {canonicalize_name(req.name) for _, req in _requirements()}
    imported = _imported_distributions()
    assert "numpy" in imported and "pyside6-essentials" in imported    # the scan sees both trees
    missing = {dist: sorted(files) for dist, files in imported.items()
               if not dist.startswith("?") and dist not in declared}
    assert not missing, f"imported by engine/gui but not declared in pyproject.toml: {missing}"
    unknown = {dist[1:]: sorted(files) for dist, files in imported.items() if dist.startswith("?")}
    assert not unknown, f"imported by engine/gui, provided by no installed distribution, not declared: {unknown}"


def test_the_starter_package_the_engine_imports_by_name_is_declared():
    """engine/library.py imports the starter model's package by name, which no import scan sees."""
    from importlib import metadata

    from packaging.utils import canonicalize_name

    from engine.library import STARTER_PACKAGE

    dists = metadata.packages_distributions().get(STARTER_PACKAGE)
    assert dists, f"{STARTER_PACKAGE} is not installed (the test extra installs it)"
    starter = {canonicalize_name(req.name) for _, req in _requirements("starter")}
    assert {canonicalize_name(d) for d in dists} <= starter


def _engine_requirements() -> list:
    """The requirements the engine calls into: the main dependencies, the engine's extras, and wherever else
    (test, package) one of those distributions is declared again."""
    from packaging.utils import canonicalize_name

    core = {canonicalize_name(req.name) for where, req in _requirements()
            if where == "dependencies" or where in ENGINE_EXTRAS}
    return [(where, req) for where, req in _requirements() if canonicalize_name(req.name) in core]


def test_every_engine_dependency_has_a_floor_and_a_cap():
    for where, req in _engine_requirements():
        ops = {spec.operator for spec in req.specifier}
        assert ">=" in ops and "<" in ops, f"{where}: {req}: no tested range (a >= floor and a < cap)"


def test_a_dependency_declared_twice_has_one_range():
    """starlette, uvicorn, sse-starlette, the starter: the serve and starter extras' ranges, repeated in test
    and package, must not drift apart (pip would install what the narrower one allows)."""
    from packaging.utils import canonicalize_name

    ranges: dict[str, set[tuple[str, str]]] = {}
    for where, req in _engine_requirements():
        ranges.setdefault(canonicalize_name(req.name), set()).add((where, str(req.specifier)))
    drifted = {name: sorted(r) for name, r in ranges.items() if len({spec for _, spec in r}) > 1}
    assert not drifted, f"one dependency, several ranges: {drifted}"


def test_what_was_installed_lies_inside_every_declared_range():
    """The floors are true (at or below what a CI run installs) and the caps hold: the environment CI made
    from pyproject.toml satisfies every range the engine calls into."""
    from importlib import metadata

    for where, req in _engine_requirements():
        try:
            installed = metadata.version(req.name)
        except metadata.PackageNotFoundError:
            pytest.fail(f"{req.name} ({where}) is not installed: CI installs the test extra, which has it")
        assert req.specifier.contains(installed, prereleases=True), \
            f"{req.name} {installed} is not in {req} ({where})"
