"""Dependency ranges that are true: pyproject.toml pins the llama-cpp-python CI tests, doctor says when the
installed one is outside it, and an unexpected failure in the model process leaves its traceback in the log."""

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


def test_every_engine_dependency_has_a_floor_and_a_cap():
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    for d in deps:
        assert ">=" in d and "<" in d.replace("<=", ""), f"{d}: no tested range"


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


def test_what_was_installed_lies_inside_every_declared_range():
    """The floors are true: the environment CI made from pyproject.toml satisfies every range."""
    from importlib import metadata

    requirements = pytest.importorskip("packaging.requirements")
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    for d in deps:
        req = requirements.Requirement(d)
        installed = metadata.version(req.name)
        assert req.specifier.contains(installed, prereleases=True), f"{req.name} {installed} is not in {d}"
