"""The conversation database, settings.json and the logs are this user's only (issue 18 part 5): created 0600
in folders created 0700 whatever the umask, and tightened when an older version left them 0644 / 0755."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")

ROOT = Path(__file__).resolve().parents[2]


def mode(p: Path) -> int:
    return stat.S_IMODE(os.stat(p).st_mode)


@pytest.fixture
def loose_umask():
    """A umask that lets group and others read (and write): what the files must not inherit."""
    old = os.umask(0o002)
    try:
        yield
    finally:
        os.umask(old)


@pytest.fixture
def no_log_file():
    from engine import logs

    yield
    logs.shutdown_logging()


def test_settings_file_is_created_private(hearth_home, loose_umask):
    from engine.config import AppConfig

    config = AppConfig.load()
    config.settings.set("theme", "dark")
    path = config.paths.settings_file
    assert json.loads(path.read_text())["theme"] == "dark"
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700
    assert [p.name for p in path.parent.iterdir()] == ["settings.json"]   # no temporary file left


def test_settings_file_left_0644_is_tightened_when_read(hearth_home):
    from engine.config import AppConfig

    cfg = hearth_home / "config"
    cfg.mkdir(mode=0o755)
    os.chmod(cfg, 0o755)
    (cfg / "settings.json").write_text('{"theme": "light"}')
    os.chmod(cfg / "settings.json", 0o644)
    config = AppConfig.load()
    assert config.settings.get("theme") == "light"
    assert mode(cfg / "settings.json") == 0o600
    config.settings.set("theme", "dark")
    assert mode(cfg / "settings.json") == 0o600 and mode(cfg) == 0o700


def test_database_is_created_private_with_its_wal_files(tmp_path, loose_umask):
    from engine.store import Store

    db = tmp_path / "new" / "deeper" / "hearth.sqlite3"
    with Store(db) as s:
        s.add_message(s.create_conversation(), "user", "a secret")
        assert mode(db) == 0o600
        for side in ("-wal", "-shm"):
            side_file = db.with_name(db.name + side)
            assert side_file.exists() and mode(side_file) == 0o600, side
    assert mode(db.parent) == 0o700 and mode(db.parent.parent) == 0o700


def test_database_left_0644_is_tightened_when_opened(tmp_path):
    from engine.store import Store

    db = tmp_path / "hearth.sqlite3"
    with Store(db) as s:
        s.create_conversation(title="old")
    for f in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        if f.exists():
            os.chmod(f, 0o644)
    before = mode(tmp_path)
    with Store(db) as s:
        assert s.list_conversations()[0]["title"] == "old"
        for f in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
            if f.exists():
                assert mode(f) == 0o600, f.name
    assert mode(tmp_path) == before   # the data folder may be one the user chose: not changed


def test_logs_are_created_private_and_old_ones_tightened(tmp_path, loose_umask, no_log_file):
    import logging

    from engine import logs

    log_dir = tmp_path / "cache" / "logs"
    path = logs.setup_logging(log_dir, component="test")
    logging.getLogger("engine").info("a line")
    assert path == log_dir / "hearth.log" and mode(path) == 0o600
    assert mode(log_dir) == 0o700 and mode(log_dir.parent) == 0o700
    # A rollover's new file is private too.
    logs._handler.doRollover()
    logging.getLogger("engine").info("after the rollover")
    assert mode(path) == 0o600 and mode(log_dir / "hearth.log.1") == 0o600
    logs.shutdown_logging()
    # Left open by an older version: the folder, the file and the rotated files are tightened.
    os.chmod(log_dir, 0o755)
    for f in (path, log_dir / "hearth.log.1"):
        os.chmod(f, 0o644)
    logs.setup_logging(log_dir, component="test")
    assert mode(log_dir) == 0o700 and mode(path) == 0o600 and mode(log_dir / "hearth.log.1") == 0o600
    assert "after the rollover" in path.read_text()


def test_a_cli_run_leaves_nothing_readable_by_others(tmp_path):
    home = tmp_path / "home"
    env = dict(os.environ, HEARTH_HOME=str(home))
    env.pop("HEARTH_POLICY", None)
    r = subprocess.run([sys.executable, "main.py", "conversations"], cwd=ROOT, env=env, capture_output=True,
                       text=True, timeout=120, preexec_fn=lambda: os.umask(0o022))
    assert r.returncode == 0, r.stderr
    made = [p for p in home.rglob("*")]
    assert any(p.name == "hearth.sqlite3" for p in made) and any(p.name == "hearth.log" for p in made)
    loose = [(str(p.relative_to(home)), oct(mode(p))) for p in made if mode(p) & 0o077]
    assert loose == []
