"""Unexpected errors in the CLI: one line on stderr naming the log file, exit 3, traceback in the log."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT, run_cli

# A command with a bug: the real CLI entry point, one command function replaced by one that raises.
BUGGY = """
import sys
import engine.commands.core as core

def cmd_models(args, ctx):
    ctx.config  # the command got going before it failed
    raise RuntimeError("simulated bug\\nwith a second line")

core.cmd_models = cmd_models
from engine.cli import main
sys.exit(main(["models"]))
"""


def run_buggy(home: Path, **env):
    e = dict(os.environ, HEARTH_HOME=str(home))
    e.pop("HEARTH_DEBUG", None)
    e.update(env)
    return subprocess.run([sys.executable, "-c", BUGGY], cwd=ROOT, env=e, capture_output=True, text=True,
                          timeout=120)


def test_unexpected_error_is_one_line_exit_3_and_logged(hearth_home):
    r = run_buggy(hearth_home)
    log = hearth_home / "cache" / "logs" / "hearth.log"
    assert r.returncode == 3, r.stderr
    assert r.stdout == ""
    assert r.stderr.splitlines() == [
        f"hearth: unexpected error: RuntimeError: simulated bug with a second line (details in {log})"]
    text = log.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in text
    assert 'in cmd_models' in text and "RuntimeError: simulated bug" in text
    assert "command models" in text


def test_without_a_log_folder_the_line_says_so(hearth_home):
    (hearth_home / "cache").write_text("a file where the cache folder should be")
    r = run_buggy(hearth_home)
    assert r.returncode == 3
    assert r.stderr.splitlines() == [
        "hearth: unexpected error: RuntimeError: simulated bug with a second line "
        "(no log file could be written)"]


def test_user_errors_stay_one_sentence_and_commands_log(hearth_home, tmp_path):
    bad = tmp_path / "x.gguf"
    bad.write_bytes(b"not a model")
    r = run_cli("check-model", str(bad), env={"HEARTH_HOME": str(hearth_home)})
    assert r.returncode == 2 and len(r.stderr.splitlines()) == 1 and "Traceback" not in r.stderr
    text = (hearth_home / "cache" / "logs" / "hearth.log").read_text(encoding="utf-8")
    assert "cli started" in text and "command check-model" in text


def test_prompt_text_only_in_debug_log(tmp_path):
    from engine import logs

    try:
        path = logs.setup_logging(tmp_path / "a", debug=False)
        logging.getLogger("engine.test").info("prompt %s", logs.content("my secret plans"))
        logs.shutdown_logging()
        text = path.read_text(encoding="utf-8")
        assert "my secret plans" not in text and "<15 characters hidden" in text

        path = logs.setup_logging(tmp_path / "b", debug=True)
        logging.getLogger("engine.test").debug("prompt %s", logs.content("my secret plans"))
        logs.shutdown_logging()
        assert "prompt 'my secret plans'" in path.read_text(encoding="utf-8")
    finally:
        logs.shutdown_logging()


def test_debug_setting_and_env(monkeypatch):
    from engine import logs

    monkeypatch.delenv("HEARTH_DEBUG", raising=False)
    assert logs.debug_enabled({"debug_logging": False}) is False
    assert logs.debug_enabled({"debug_logging": True}) is True
    monkeypatch.setenv("HEARTH_DEBUG", "1")
    assert logs.debug_enabled({}) is True


def test_log_rotates_at_one_megabyte_keeping_five(tmp_path):
    from engine import logs

    try:
        path = logs.setup_logging(tmp_path)
        lg = logging.getLogger("engine.test")
        line = "x" * 1000
        for _ in range(7 * 1100):
            lg.info(line)
        logs.shutdown_logging()
    finally:
        logs.shutdown_logging()
    assert path == tmp_path / "hearth.log"
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == ["hearth.log"] + [f"hearth.log.{i}" for i in range(1, 6)]
    assert all(p.stat().st_size <= logs.MAX_BYTES for p in tmp_path.iterdir())
